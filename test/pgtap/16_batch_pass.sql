-- A restock that serves many waiting plans decides them in queue order in memory, each seeing
-- what the earlier ones reserved, and writes each table (and each stock row) once.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(20);

\ir lib/helpers.psql

UPDATE waitroom.routing_strategy SET use_waiting_room_for_pre_back_order_items = true;
INSERT INTO waitroom.facility (facility_ref, lat, lon) VALUES ('fa', 50, 8), ('fb', 51, 9);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
  SELECT f, a, 'BACKORDER' FROM unnest(ARRAY['fa', 'fb']) f, unnest(ARRAY['x', 'y', 'z']) a;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
  SELECT f, a, 0 FROM unnest(ARRAY['fa', 'fb']) f, unnest(ARRAY['x', 'y', 'z']) a;

-- 30 orders of one x each, a minute apart: w01 is the oldest.
SELECT pg_temp.place_one('w' || lpad(i::text, 2, '0'), '2026-01-01T10:' || lpad(i::text, 2, '0') || ':00Z', 'x', 1)
  FROM generate_series(1, 30) i;
CREATE TEMP TABLE stock_writes AS
  SELECT pg_stat_get_xact_tuples_updated('waitroom.stock'::regclass)
       + pg_stat_get_xact_tuples_inserted('waitroom.stock'::regclass) AS n;
SELECT pg_temp.mark('twenty');
UPDATE waitroom.stock SET on_hand = 20 WHERE facility_ref = 'fa' AND tenant_article_id = 'x';
SELECT is((SELECT count(*) FROM waitroom.routing_plan p JOIN waitroom.orders o USING (order_id)
            WHERE p.status = 'ROUTED' AND p.facility_ref = 'fa' AND o.tenant_order_id <= 'w20'), 20::bigint,
          'a restock of 20 serves the 20 oldest of 30 plans');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE status = 'WAITING'), 10::bigint,
          'the 10 newest keep waiting');
SELECT is(pg_temp.reserved('fa', 'x'), 20, 'reserved = 20, the sum of the new pick lines');
SELECT is((SELECT pg_stat_get_xact_tuples_updated('waitroom.stock'::regclass)
                + pg_stat_get_xact_tuples_inserted('waitroom.stock'::regclass) - n FROM stock_writes), 2::bigint,
          'the stock row is written twice: the restock, then one reservation for all 20 plans');
SELECT is(pg_temp.events_since('twenty'),
          (SELECT array_agg(x ORDER BY i, j) FROM generate_series(1, 20) i,
                  unnest(ARRAY['ROUTING_PLAN_ROUTED', 'PICK_JOB_CREATED']) WITH ORDINALITY u(x, j)),
          'the pass emits ROUTING_PLAN_ROUTED, PICK_JOB_CREATED per plan (20 plans) and nothing else');
SELECT is((SELECT count(*) FROM (
             SELECT e.order_id, array_agg(e.event ORDER BY e.event_id) AS seq, max(e.event_id) - min(e.event_id) AS gap
               FROM waitroom.event e WHERE e.event_id > (SELECT v FROM mark WHERE k = 'twenty')
              GROUP BY e.order_id) s
            WHERE s.seq = ARRAY['ROUTING_PLAN_ROUTED', 'PICK_JOB_CREATED'] AND s.gap = 1), 20::bigint,
          'each served order''s two events are adjacent, routed first');
SELECT is((SELECT array_agg(o.tenant_order_id ORDER BY e.event_id) FROM waitroom.event e
             JOIN waitroom.orders o USING (order_id)
            WHERE e.event_id > (SELECT v FROM mark WHERE k = 'twenty') AND e.event = 'PICK_JOB_CREATED'),
          (SELECT array_agg('w' || lpad(i::text, 2, '0') ORDER BY i) FROM generate_series(1, 20) i),
          'plans are served, and their events written, in queue order');

-- First fit inside one pass: the older order wants 5, only 3 arrive; the newer one of 1 is served.
SELECT pg_temp.place_one('big', '2026-01-02T10:00:00Z', 'y', 5);
SELECT pg_temp.place_one('small', '2026-01-02T11:00:00Z', 'y', 1);
SELECT pg_temp.place_one('small2', '2026-01-02T12:00:00Z', 'y', 2);
UPDATE waitroom.stock SET on_hand = 3 WHERE facility_ref = 'fa' AND tenant_article_id = 'y';
SELECT is(pg_temp.plan_trail('big') || ' ' || pg_temp.plan_trail('small') || ' ' || pg_temp.plan_trail('small2'),
          'WAITING:- ROUTED:fa:REACTIVATION ROUTED:fa:REACTIVATION',
          'FIFO first fit: big (5) waits, small (1) and small2 (2) take the 3');
SELECT is(pg_temp.reserved('fa', 'y'), 3, 'no oversell within one pass: reserved 3 of 3');

-- A split inside the pass: lines of 2 and 1 z (a line is never split), fa gets 2 and fb 1.
SELECT pg_temp.place_many('zz', '2026-01-03T10:00:00Z',
  '[{"id": "1", "tenantArticleId": "z", "quantity": 2}, {"id": "2", "tenantArticleId": "z", "quantity": 1}]');
SELECT pg_temp.place_one('zlate', '2026-01-03T11:00:00Z', 'z', 1);
UPDATE waitroom.stock SET on_hand = CASE facility_ref WHEN 'fa' THEN 2 ELSE 1 END WHERE tenant_article_id = 'z';
SELECT is(pg_temp.plan_trail('zz'), 'ROUTED:fa:REACTIVATION ROUTED:fb:REACTIVATION:child',
          'the waiting plan is split over fa (line 1) and fb (line 2) in one pass');
SELECT is(pg_temp.plan_trail('zlate'), 'WAITING:-', 'the later order finds nothing left by the earlier decision');
SELECT is(pg_temp.plan_lines('zz'), 'ROUTED/1=2 ROUTED/2=1', 'fa picks line 1 (2), fb line 2 (1)');

-- PRIORITY: the batch follows the strategy's queue.
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'PRIORITY';
SELECT pg_temp.place_one('low', '2026-01-04T10:00:00Z', 'x', 1, 0);
SELECT pg_temp.place_one('high', '2026-01-04T11:00:00Z', 'x', 1, 9);
UPDATE waitroom.stock SET on_hand = on_hand + 1 WHERE facility_ref = 'fb' AND tenant_article_id = 'x';
SELECT is(pg_temp.plan_trail('high'), 'ROUTED:fb:REACTIVATION', 'PRIORITY: the higher priority is served first');

-- STRICT_FIFO: no later plan takes what an earlier unserved one needs, also within one pass.
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'STRICT_FIFO';
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES ('fa', 's', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 's', 0);
SELECT pg_temp.place_one('s-big', '2026-01-05T10:00:00Z', 's', 5);
SELECT pg_temp.place_one('s-one', '2026-01-05T11:00:00Z', 's', 1);
SELECT pg_temp.place_one('s-two', '2026-01-05T12:00:00Z', 's', 2);
UPDATE waitroom.stock SET on_hand = 3 WHERE facility_ref = 'fa' AND tenant_article_id = 's';
SELECT is(pg_temp.plan_trail('s-big') || ' ' || pg_temp.plan_trail('s-one') || ' ' || pg_temp.plan_trail('s-two'),
          'WAITING:- WAITING:- WAITING:-',
          'STRICT_FIFO: 3 arrive for the oldest plan of 5; the later plans may not take them');
UPDATE stock_writes SET n = pg_stat_get_xact_tuples_updated('waitroom.stock'::regclass)
                          + pg_stat_get_xact_tuples_inserted('waitroom.stock'::regclass);
UPDATE waitroom.stock SET on_hand = 8 WHERE facility_ref = 'fa' AND tenant_article_id = 's';
SELECT is(pg_temp.plan_trail('s-big') || ' ' || pg_temp.plan_trail('s-one') || ' ' || pg_temp.plan_trail('s-two'),
          'ROUTED:fa:REACTIVATION ROUTED:fa:REACTIVATION ROUTED:fa:REACTIVATION',
          'STRICT_FIFO: with 8 the oldest is served first, then the later ones in one pass');
SELECT is(pg_temp.reserved('fa', 's'), 8, 'STRICT_FIFO: reserved 8 of 8');
SELECT is((SELECT pg_stat_get_xact_tuples_updated('waitroom.stock'::regclass)
                + pg_stat_get_xact_tuples_inserted('waitroom.stock'::regclass) - n FROM stock_writes), 2::bigint,
          'STRICT_FIFO is served in one batch too: the restock, then one reservation');

-- STRICT_FIFO counts plans ahead that the pass does not serve: t-first (oldest) waits for 3 t;
-- a restock of u reaches only the bundle that needs u and t, which may not take the 1 t.
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
  VALUES ('fa', 't', 'BACKORDER'), ('fa', 'u', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 't', 1), ('fa', 'u', 0);
SELECT pg_temp.place_one('t-first', '2026-01-06T10:00:00Z', 't', 3);
SELECT pg_temp.place_many('t-u-bundle', '2026-01-06T11:00:00Z',
  '[{"id": "1", "tenantArticleId": "u", "quantity": 1, "bundleRef": "k"},
    {"id": "2", "tenantArticleId": "t", "quantity": 1, "bundleRef": "k"}]');
UPDATE waitroom.stock SET on_hand = 1 WHERE facility_ref = 'fa' AND tenant_article_id = 'u';
SELECT is(pg_temp.plan_trail('t-first') || ' ' || pg_temp.plan_trail('t-u-bundle'), 'WAITING:- WAITING:-',
          'STRICT_FIFO: the bundle may not take the t an earlier plan (not in this pass) waits for');

SELECT is(pg_temp.bad_reserved() + pg_temp.lost_lines(), 0::bigint, 'reserved matches open pick lines; nothing lost');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
