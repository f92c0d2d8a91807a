BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(36);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa'), ('fb');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('fa', 'sku-1', 'BACKORDER'), ('fb', 'sku-1', 'BACKORDER'),
  ('fa', 'sku-2', 'BACKORDER'), ('fa', 'sku-3', 'BACKORDER');
INSERT INTO waitroom.stock VALUES ('fa', 'sku-1', 0, 0), ('fa', 'sku-3', 0, 0);

-- ---------------------------------------------------------------- UPDATE on_hand
SELECT pg_temp.place_one('o1', '2026-01-01T10:00:00Z', 'sku-1', 2);
SELECT is(pg_temp.plan_trail('o1'), 'WAITING:-', 'o1 waits: no stock anywhere, backorder listing');
SELECT pg_temp.order_of('o1') AS o \gset
SELECT is((SELECT reason FROM waitroom.waiting_room WHERE order_id = :'o'), 'BACKORDER_NO_STOCK',
          'o1 waits with reason BACKORDER_NO_STOCK');
CREATE TEMP TABLE o1_plan AS SELECT pg_temp.root_plan('o1') AS id;
SELECT pg_temp.mark('restock1');
UPDATE waitroom.stock SET on_hand = 5 WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-1';
SELECT is(pg_temp.plan_trail('o1'), 'ROUTED:fa:REACTIVATION', 'restock: o1 routed at fa by REACTIVATION, no extra plan');
SELECT is(pg_temp.root_plan('o1'), (SELECT id FROM o1_plan), 'the waiting plan itself is routed (same id) when fully served');
SELECT is((SELECT string_agg(j.status || ':' || j.facility_ref || ':' || pl.line_id || '=' || pl.quantity || '/' || pl.short_quantity, ' ')
             FROM waitroom.pick_job j JOIN waitroom.pick_line pl USING (tenant_id, pick_job_id)
            WHERE j.routing_plan_id = (SELECT id FROM o1_plan)),
          'OPEN:fa:1=2/0', 'restock: pick job OPEN at fa with the line quantity 2');
SELECT is(pg_temp.reserved('fa', 'sku-1'), 2, 'restock: stock.reserved at fa/sku-1 = 2');
SELECT is(pg_temp.events_since('restock1'), '{ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}',
          'restock: events ROUTING_PLAN_ROUTED then PICK_JOB_CREATED, nothing else');
SELECT is((SELECT payload->>'routingPlanId' FROM waitroom.event
            WHERE event = 'ROUTING_PLAN_ROUTED' AND event_id > (SELECT v FROM mark WHERE k = 'restock1')),
          (SELECT id::text FROM o1_plan), 'ROUTING_PLAN_ROUTED names the routed plan');
SELECT pg_temp.order_of('o1') AS o \gset
SELECT is((SELECT count(*) FROM waitroom.waiting_room WHERE order_id = :'o'), 0::bigint,
          'o1 left the waiting room');

-- ---------------------------------------------------------------- INSERT of a new stock row
SELECT pg_temp.place_one('o2', '2026-01-01T11:00:00Z', 'sku-2', 3);
SELECT is(pg_temp.plan_trail('o2'), 'WAITING:-', 'o2 waits for sku-2 (no stock row at all)');
SELECT pg_temp.mark('insert1');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'sku-2', 3);
SELECT is(pg_temp.plan_trail('o2'), 'ROUTED:fa:REACTIVATION', 'INSERT of a stock row routes o2 at once');
SELECT is(pg_temp.reserved('fa', 'sku-2'), 3, 'INSERT: the new row is reserved 3');
SELECT is(pg_temp.events_since('insert1'), '{ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', 'INSERT: routed + pick job events');

-- ---------------------------------------------------------------- release of reserved (cancel)
-- fa/sku-1: on_hand 5, reserved 2 -> 3 available; o3 wants 4
SELECT pg_temp.place_one('o3', '2026-01-01T12:00:00Z', 'sku-1', 4);
SELECT is(pg_temp.plan_trail('o3'), 'WAITING:-', 'o3 waits: 3 available, 4 wanted');
SELECT pg_temp.mark('release1');
SELECT waitroom.cancel_order(pg_temp.order_of('o1'));
SELECT is(pg_temp.plan_trail('o3'), 'ROUTED:fa:REACTIVATION', 'cancel of o1 releases 2 and routes o3 in the same transaction');
SELECT is(pg_temp.reserved('fa', 'sku-1'), 4, 'after the release: reserved = o3''s 4 only');
SELECT is(pg_temp.events_since('release1'),
          '{ROUTING_PLAN_CANCELLED,PICK_JOB_CANCELLED,ORDER_CANCELLED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}',
          'release: o1''s cancel events, then o3 routed + pick job');

-- ---------------------------------------------------------------- nothing waiting: no event
SELECT pg_temp.mark('quiet');
UPDATE waitroom.stock SET on_hand = 50 WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-3';
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fb', 'sku-3', 7);
UPDATE waitroom.stock SET on_hand = 9 WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-1';
SELECT is(pg_temp.events_since('quiet'), '{}', 'stock changes of articles with nothing waiting write no event');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE run_type = 'REACTIVATION'), 3::bigint,
          'and route nothing (still the 3 reactivations)');

-- a rise that is still not enough keeps the plan WAITING, with the same id
SELECT pg_temp.place_one('o4', '2026-01-01T13:00:00Z', 'sku-1', 20);
CREATE TEMP TABLE o4_plan AS SELECT pg_temp.root_plan('o4') AS id;
UPDATE waitroom.stock SET on_hand = 10 WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-1';
SELECT is(pg_temp.plan_trail('o4'), 'WAITING:-', 'a restock too small for o4 leaves it WAITING, no new plan');
SELECT is(pg_temp.root_plan('o4'), (SELECT id FROM o4_plan), 'o4 keeps its plan id');
-- restock at the other facility (fb has no stock row): o4 is served by fb alone
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fb', 'sku-1', 20);
SELECT is(pg_temp.plan_trail('o4'), 'ROUTED:fb:REACTIVATION', 'restock of 20 at fb routes o4 at fb');
SELECT is(pg_temp.reserved('fb', 'sku-1'), 20, 'fb/sku-1 reserved 20');

-- restock where the facility can't serve: OFFLINE facility, INACTIVE listing
INSERT INTO waitroom.facility (facility_ref, status) VALUES ('fo', 'OFFLINE');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, status) VALUES
  ('fa', 'sku-5', 'BACKORDER', 'ACTIVE'), ('fo', 'sku-5', 'NONE', 'ACTIVE'), ('fb', 'sku-5', 'NONE', 'INACTIVE');
SELECT pg_temp.place_one('o5', '2026-01-01T14:00:00Z', 'sku-5', 1);
SELECT pg_temp.mark('offline');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fo', 'sku-5', 10), ('fb', 'sku-5', 10);
SELECT is(pg_temp.plan_trail('o5'), 'WAITING:-', 'stock at an OFFLINE facility or behind an INACTIVE listing routes nothing');
SELECT is(pg_temp.events_since('offline'), '{}', 'and writes no event');
UPDATE waitroom.stock SET on_hand = 1 WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-5';
SELECT is(pg_temp.plan_trail('o5'), 'WAITING:-', 'UPDATE of a missing row changes nothing: still waiting');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'sku-5', 1);
SELECT is(pg_temp.plan_trail('o5'), 'ROUTED:fa:REACTIVATION', 'stock at the ONLINE candidate fa routes o5');

-- ---------------------------------------------------------------- 500 rows, one UPDATE
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
SELECT 'fa', 'bulk-' || g, 'BACKORDER' FROM generate_series(1, 500) g;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
SELECT 'fa', 'bulk-' || g, 0 FROM generate_series(1, 500) g;
-- every 10th order wants 2, the others 1
SELECT count(pg_temp.place_one('b' || g, '2026-02-01T00:00:00Z', 'bulk-' || g, CASE WHEN g % 10 = 0 THEN 2 ELSE 1 END))
  FROM generate_series(1, 500) g;
SELECT is((SELECT count(*) FROM waitroom.waiting_room WHERE tenant_article_id LIKE 'bulk-%'), 500::bigint,
          '500 bulk orders wait');
SELECT pg_temp.mark('bulk');
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id LIKE 'bulk-%';
SELECT is((SELECT count(*) FROM waitroom.routing_plan p JOIN waitroom.orders o USING (tenant_id, order_id)
            WHERE o.tenant_order_id LIKE 'b%' AND p.status = 'ROUTED' AND p.run_type = 'REACTIVATION'
              AND p.facility_ref = 'fa'),
          450::bigint, 'one UPDATE of 500 rows routes the 450 orders it can serve');
SELECT is((SELECT count(*) FROM waitroom.waiting_room WHERE tenant_article_id LIKE 'bulk-%'), 50::bigint,
          'the 50 orders wanting 2 still wait');
SELECT is((SELECT sum(reserved) FROM waitroom.stock WHERE tenant_article_id LIKE 'bulk-%'), 450::bigint,
          'bulk: 450 units reserved');
SELECT is((SELECT string_agg(event || ':' || n, ' ' ORDER BY event) FROM (
             SELECT event, count(*) AS n FROM waitroom.event
              WHERE event_id > (SELECT v FROM mark WHERE k = 'bulk') GROUP BY event) s),
          'PICK_JOB_CREATED:450 ROUTING_PLAN_ROUTED:450',
          'bulk: 450 ROUTING_PLAN_ROUTED and 450 PICK_JOB_CREATED, nothing else (no new ROUTING_PLAN_WAITING for the plans that still wait)');
SELECT is((SELECT count(*) FROM (
             SELECT array_agg(e.event ORDER BY e.event_id) AS seq FROM waitroom.event e
              WHERE e.event_id > (SELECT v FROM mark WHERE k = 'bulk') GROUP BY e.order_id) s
            WHERE s.seq = ARRAY['ROUTING_PLAN_ROUTED', 'PICK_JOB_CREATED']), 450::bigint,
          'bulk: each served order has exactly ROUTING_PLAN_ROUTED then PICK_JOB_CREATED');

-- ---------------------------------------------------------------- invariants
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'reserved = sum of open pick lines on every stock row');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'nothing lost: picked + short + waiting + cancelled = ordered');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
