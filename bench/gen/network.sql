-- A network: facilities fc-1 .. fc-:facilities (spread over Germany by a fixed formula, so
-- every run gets the same map) and :articles articles :prefix:first, :prefix:first+1, ...,
-- every (facility, article) listed with :behaviour and stocked with :on_hand.
-- psql -v facilities=50 -v first=1 -v articles=200 -v prefix=sku- -v behaviour=NONE -v on_hand=1000000
-- Facilities already there are kept, so a second call can list other articles more widely.
-- Stock and listing triggers are off during the load: nothing waits yet, and a load is not
-- what is measured. ANALYZE afterwards (bench/run.sh does, once per database).
CREATE EXTENSION IF NOT EXISTS waitroom;
INSERT INTO waitroom.facility (facility_ref, name, lat, lon)
SELECT 'fc-' || f, 'facility ' || f, 47.3 + (f * 7919 % 800) / 100.0, 6.0 + (f * 104729 % 900) / 100.0
  FROM generate_series(1, :facilities) f
    ON CONFLICT (tenant_id, facility_ref) DO NOTHING;
BEGIN;
ALTER TABLE waitroom.listing DISABLE TRIGGER USER;
ALTER TABLE waitroom.stock DISABLE TRIGGER USER;
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
SELECT 'fc-' || f, :'prefix' || a, :'behaviour'
  FROM generate_series(:first, :first + :articles - 1) a, generate_series(1, :facilities) f;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
SELECT 'fc-' || f, :'prefix' || a, :on_hand
  FROM generate_series(:first, :first + :articles - 1) a, generate_series(1, :facilities) f;
ALTER TABLE waitroom.listing ENABLE TRIGGER USER;
ALTER TABLE waitroom.stock ENABLE TRIGGER USER;
COMMIT;
