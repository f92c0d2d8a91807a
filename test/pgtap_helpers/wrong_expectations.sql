-- Suite 24 runs this file and reads its TAP: each helper must FAIL on a wrong expectation,
-- with a diagnostic that says what differs (and pass on the right one beside it).
BEGIN;
CREATE EXTENSION IF NOT EXISTS waitroom_pgtap CASCADE;
SELECT plan(8);

SELECT waitroom_pgtap.given_network('{
  "berlin": {"stock": {"sku-1": 0}, "listings": {"sku-1": "BACKORDER"}},
  "munich": {"stock": {"sku-2": 3}}
}');
SELECT waitroom.place_order('{"tenantOrderId": "A-1", "orderDate": "2026-11-01T10:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "sku-1", "quantity": 2},
                     {"id": "2", "tenantArticleId": "sku-2", "quantity": 1}]}') IS NOT NULL AS placed;
SELECT waitroom.place_order('{"tenantOrderId": "A-2", "orderDate": "2026-11-01T11:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "sku-1", "quantity": 1}]}') IS NOT NULL AS placed;

-- 1: wrong facility for the routed plan
SELECT waitroom_pgtap.plans_are('A-1', '[
  {"status": "ROUTED", "facility": "berlin", "lines": {"2": 1}},
  {"status": "WAITING", "lines": {"1": 2}}]', 'wrong facility');
-- 2: the right plans
SELECT waitroom_pgtap.plans_are('A-1', '[
  {"status": "WAITING", "lines": {"1": 2}},
  {"status": "ROUTED", "facility": "munich", "lines": {"2": 1}}]', 'right plans, in another order');
-- 3: a wrong quantity
SELECT waitroom_pgtap.plans_are('A-2', '[{"status": "WAITING", "lines": {"1": 3}}]', 'wrong quantity');
-- 4: an order that does not exist
SELECT waitroom_pgtap.plans_are('A-9', '[]', 'no such order');
-- 5: the queue reversed
SELECT waitroom_pgtap.queue_is('sku-1', ARRAY['A-2', 'A-1'], 'queue reversed');
-- 6: the right queue
SELECT waitroom_pgtap.queue_is('sku-1', ARRAY['A-1', 'A-2'], 'right queue');
-- 7: invariants hold
SELECT waitroom_pgtap.invariants_hold('invariants before the corruption');
-- 8: a reservation nobody holds (written by hand, as only a bug would)
ALTER TABLE waitroom.stock DISABLE TRIGGER USER;
UPDATE waitroom.stock SET reserved = 7 WHERE facility_ref = 'munich';
ALTER TABLE waitroom.stock ENABLE TRIGGER USER;
SELECT waitroom_pgtap.invariants_hold('invariants after the corruption');

SELECT * FROM finish();
ROLLBACK;
