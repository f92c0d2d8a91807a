-- Every way an app or an import writes stock reaches the waiting room (the row trigger notes
-- what rose, the statement trigger runs one pass), and what raises nothing costs no pass.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(24);

\ir lib/helpers.psql

-- The article locks this session holds on an article's bucket, by kind (waitroom.lock_holders
-- decodes waitroom's own lock tags, which no SQL function can take).
CREATE FUNCTION pg_temp.article_locks(a text) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(h.kind, ',' ORDER BY h.kind), '')
    FROM waitroom.lock_holders h
   WHERE h.pid = pg_backend_pid() AND h.bucket = waitroom.article_lock_bucket('default', a) $$;

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa'), ('fb');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
  SELECT f, 'sku-' || a, 'BACKORDER' FROM unnest(ARRAY['fa', 'fb']) f, generate_series(1, 9) a;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
  SELECT 'fa', 'sku-' || a, 0 FROM generate_series(1, 9) a;

-- ---------------------------------------------------------------- upsert: one row updated, one inserted
SELECT pg_temp.place_one('up1', '2026-01-01T10:00:00Z', 'sku-1', 2);
SELECT pg_temp.place_one('up2', '2026-01-01T10:01:00Z', 'sku-2', 1);
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
  VALUES ('fa', 'sku-1', 2), ('fb', 'sku-2', 1)
  ON CONFLICT (tenant_id, facility_ref, tenant_article_id) DO UPDATE SET on_hand = excluded.on_hand;
SELECT is(pg_temp.plan_trail('up1'), 'ROUTED:fa:REACTIVATION', 'upsert: the updated row routes up1');
SELECT is(pg_temp.plan_trail('up2'), 'ROUTED:fb:REACTIVATION', 'upsert: the inserted row routes up2');

-- ---------------------------------------------------------------- MERGE
SELECT pg_temp.place_one('mg1', '2026-01-01T11:00:00Z', 'sku-3', 1);
SELECT pg_temp.place_one('mg2', '2026-01-01T11:01:00Z', 'sku-4', 1);
MERGE INTO waitroom.stock s
USING (VALUES ('fa', 'sku-3', 1), ('fb', 'sku-4', 1)) AS v (f, a, n)
   ON s.facility_ref = v.f AND s.tenant_article_id = v.a
 WHEN MATCHED THEN UPDATE SET on_hand = v.n
 WHEN NOT MATCHED THEN INSERT (facility_ref, tenant_article_id, on_hand) VALUES (v.f, v.a, v.n);
SELECT is(pg_temp.plan_trail('mg1'), 'ROUTED:fa:REACTIVATION', 'MERGE: the matched row routes mg1');
SELECT is(pg_temp.plan_trail('mg2'), 'ROUTED:fb:REACTIVATION', 'MERGE: the inserted row routes mg2');

-- ---------------------------------------------------------------- COPY (a bulk load)
SELECT pg_temp.place_one('cp1', '2026-01-01T12:00:00Z', 'sku-5', 3);
COPY waitroom.stock (facility_ref, tenant_article_id, on_hand) FROM STDIN;
fb	sku-5	3
\.
SELECT is(pg_temp.plan_trail('cp1'), 'ROUTED:fb:REACTIVATION', 'COPY: the loaded row routes cp1');

-- ---------------------------------------------------------------- one statement, many articles
SELECT count(pg_temp.place_one('many' || a, '2026-01-01T13:00:00Z', 'sku-' || a, 1)) FROM generate_series(6, 8) a;
UPDATE waitroom.stock SET on_hand = 1 WHERE facility_ref = 'fa' AND tenant_article_id IN ('sku-6', 'sku-7', 'sku-8');
SELECT is((SELECT string_agg(pg_temp.plan_trail('many' || a), ' ' ORDER BY a) FROM generate_series(6, 8) a),
          'ROUTED:fa:REACTIVATION ROUTED:fa:REACTIVATION ROUTED:fa:REACTIVATION',
          'one UPDATE of three articles routes the three waiting orders');

-- ---------------------------------------------------------------- what a statement costs
-- sku-quiet and sku-ab are set up with the triggers off, so that no pass has locked their
-- buckets yet (a new listing runs a pass of its own).
ALTER TABLE waitroom.listing DISABLE TRIGGER USER;
ALTER TABLE waitroom.stock DISABLE TRIGGER USER;
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
  VALUES ('fa', 'sku-quiet', 'BACKORDER'), ('fa', 'sku-ab', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
  VALUES ('fa', 'sku-quiet', 3), ('fa', 'sku-ab', 0);
ALTER TABLE waitroom.listing ENABLE TRIGGER USER;
ALTER TABLE waitroom.stock ENABLE TRIGGER USER;
SELECT is(pg_temp.article_locks('sku-quiet'), '', 'sku-quiet: no lock held yet');
-- A drop in on_hand (as a reservation is) raises nothing: no pass, not even the waiting lock.
UPDATE waitroom.stock SET on_hand = 2 WHERE tenant_article_id = 'sku-quiet';
SELECT is(pg_temp.article_locks('sku-quiet'), '', 'a statement that raises nothing takes no waiting-room lock');
-- A restock nobody waits for: the waiting lock only (no pass lock, no plan touched).
SELECT pg_temp.mark('quiet');
UPDATE waitroom.stock SET on_hand = 4 WHERE tenant_article_id = 'sku-quiet';
SELECT is(pg_temp.article_locks('sku-quiet'), 'waiting', 'a restock nobody waits for takes the waiting lock, no pass lock');
SELECT is(pg_temp.events_since('quiet'), '{}', 'and writes no event');

-- ---------------------------------------------------------------- the retry queue is drained by any restock
-- A deferred article (its restock could not serve it then): a later restock of another
-- article, nobody waiting for that one, serves the deferred plan.
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES ('fa', 'sku-dq', 'BACKORDER');
SELECT pg_temp.place_one('dq', '2026-01-01T14:00:00Z', 'sku-dq', 2);
ALTER TABLE waitroom.stock DISABLE TRIGGER USER;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'sku-dq', 2);
ALTER TABLE waitroom.stock ENABLE TRIGGER USER;
INSERT INTO waitroom.reroute_queue (tenant_article_id) VALUES ('sku-dq');
SELECT is(pg_temp.plan_trail('dq'), 'WAITING:-', 'dq waits (its restock was deferred)');
UPDATE waitroom.stock SET on_hand = 5 WHERE tenant_article_id = 'sku-quiet';
SELECT is(pg_temp.plan_trail('dq'), 'ROUTED:fa:REACTIVATION', 'an unrelated restock drains the queue and routes dq');
SELECT is((SELECT count(*) FROM waitroom.reroute_queue), 0::bigint, 'the queue is empty again');

-- ---------------------------------------------------------------- savepoints
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES ('fa', 'sku-sp', 'BACKORDER');
SELECT pg_temp.place_one('sp', '2026-01-01T15:00:00Z', 'sku-sp', 1);
SAVEPOINT before_restock;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'sku-sp', 1);
SELECT is(pg_temp.plan_trail('sp'), 'ROUTED:fa:REACTIVATION', 'inside a savepoint the restock routes sp');
ROLLBACK TO SAVEPOINT before_restock;
SELECT is(pg_temp.plan_trail('sp'), 'WAITING:-', 'rolled back to the savepoint: sp waits again');
SELECT is((SELECT count(*) FROM waitroom.stock WHERE tenant_article_id = 'sku-sp'), 0::bigint,
          'and the stock row is gone with it');

-- A statement that fails after the row trigger noted its article: the note goes with the
-- aborted subtransaction, so the next statement's pass does not take it up.
CREATE FUNCTION pg_temp.refuse_999() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.on_hand = 999 THEN RAISE EXCEPTION 'import refused'; END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER zz_refuse_999 AFTER UPDATE ON waitroom.stock FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_999();
SAVEPOINT failing_import;
SELECT throws_ok($$UPDATE waitroom.stock SET on_hand = 999 WHERE tenant_article_id = 'sku-ab'$$,
                 'P0001', 'import refused', 'a user trigger refuses the import after our row trigger ran');
ROLLBACK TO SAVEPOINT failing_import;
UPDATE waitroom.stock SET reserved = reserved WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-1';
SELECT is(pg_temp.article_locks('sku-ab'), '', 'the aborted statement''s article is not passed over later');
DROP TRIGGER zz_refuse_999 ON waitroom.stock;

-- ---------------------------------------------------------------- what the update trigger compares
-- The row as it is written: a user's BEFORE trigger that raises on_hand fires before ours
-- (BEFORE triggers fire in name order, ours is zz_...), so the rise it makes is seen.
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES ('fa', 'sku-bt', 'BACKORDER');
SELECT pg_temp.place_one('bt', '2026-01-01T16:00:00Z', 'sku-bt', 1);
ALTER TABLE waitroom.stock DISABLE TRIGGER USER;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'sku-bt', 0);
ALTER TABLE waitroom.stock ENABLE TRIGGER USER;
CREATE FUNCTION pg_temp.inbound() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.tenant_article_id = 'sku-bt' THEN NEW.on_hand := NEW.on_hand + 1; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER x_inbound BEFORE UPDATE ON waitroom.stock FOR EACH ROW EXECUTE FUNCTION pg_temp.inbound();
UPDATE waitroom.stock SET on_hand = on_hand WHERE tenant_article_id = 'sku-bt';
DROP TRIGGER x_inbound ON waitroom.stock;
SELECT is(pg_temp.plan_trail('bt'), 'ROUTED:fa:REACTIVATION', 'a rise made by a user''s BEFORE trigger routes bt');
-- A row moved to another (facility, article) is new stock there, with on_hand unchanged.
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, status, out_of_stock_behaviour)
  VALUES ('fa', 'sku-mv', 'INACTIVE', 'BACKORDER'), ('fb', 'sku-mv', 'ACTIVE', 'BACKORDER');
SELECT pg_temp.place_one('mv', '2026-01-01T17:00:00Z', 'sku-mv', 1);
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'sku-mv', 1);
SELECT is(pg_temp.plan_trail('mv'), 'WAITING:-', 'mv waits: the stock is at fa, whose listing is inactive');
UPDATE waitroom.stock SET facility_ref = 'fb' WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-mv';
SELECT is(pg_temp.plan_trail('mv'), 'ROUTED:fb:REACTIVATION', 'moving the row to fb (on_hand unchanged) routes mv');

-- ---------------------------------------------------------------- the invariants hold throughout
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'reserved = open pick lines everywhere');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'nothing lost per order line');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
