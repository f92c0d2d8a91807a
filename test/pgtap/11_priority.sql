BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(56);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa'), ('fb');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
SELECT 'fa', a, 'BACKORDER' FROM unnest(ARRAY['f-1', 's-1', 'p-1', 'x-1', 'x-2', 'k-1', 'k-2', 'w-1', 'w-2']) a;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
SELECT 'fa', a, 0 FROM unnest(ARRAY['f-1', 's-1', 'p-1', 'x-1', 'x-2', 'k-1', 'k-2', 'w-1', 'w-2']) a;

-- ---------------------------------------------------------------- FIFO, first fit
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'FIFO';
-- placed out of date order on purpose: the queue follows orderDate, not insertion
SELECT pg_temp.place_one('F-B', '2026-01-02T00:00:00Z', 'f-1', 3);
SELECT pg_temp.place_one('F-A', '2026-01-01T00:00:00Z', 'f-1', 5);
SELECT pg_temp.place_one('F-C', '2026-01-03T00:00:00Z', 'f-1', 2);
SELECT pg_temp.place_one('F-D', '2026-01-04T00:00:00Z', 'f-1', 1);
SELECT is(pg_temp.queue('f-1'),
          'F-A#1:BACKORDER_NO_STOCK F-B#2:BACKORDER_NO_STOCK F-C#3:BACKORDER_NO_STOCK F-D#4:BACKORDER_NO_STOCK',
          'FIFO: queue by orderDate, positions 1..4');
UPDATE waitroom.stock SET on_hand = 4 WHERE tenant_article_id = 'f-1';
-- A (5) can't be served and is skipped; B takes 3; C (2) no longer fits; D takes the last 1
SELECT is(pg_temp.plan_trail('F-A'), 'WAITING:-', 'FIFO: oldest F-A (5 > 4) is skipped and keeps waiting');
SELECT is(pg_temp.plan_trail('F-B'), 'ROUTED:fa:REACTIVATION', 'FIFO: F-B (3) takes the stock');
SELECT is(pg_temp.plan_trail('F-C'), 'WAITING:-', 'FIFO: F-C (2) does not fit the 1 left');
SELECT is(pg_temp.plan_trail('F-D'), 'ROUTED:fa:REACTIVATION', 'FIFO: later, smaller F-D (1) takes the last unit (first fit)');
SELECT is(pg_temp.reserved('fa', 'f-1'), 4, 'FIFO: all 4 reserved');
SELECT is(pg_temp.queue('f-1'), 'F-A#1:BACKORDER_NO_STOCK F-C#2:BACKORDER_NO_STOCK',
          'FIFO: the queue renumbers 1..2');

-- ---------------------------------------------------------------- STRICT_FIFO
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'STRICT_FIFO';
SELECT pg_temp.place_one('S-A', '2026-01-01T00:00:00Z', 's-1', 5);
SELECT pg_temp.place_one('S-B', '2026-01-02T00:00:00Z', 's-1', 3);
SELECT pg_temp.place_one('S-C', '2026-01-03T00:00:00Z', 's-1', 2);
UPDATE waitroom.stock SET on_hand = 4 WHERE tenant_article_id = 's-1';
SELECT is(pg_temp.plan_trail('S-A'), 'WAITING:-', 'STRICT_FIFO: S-A (5 > 4) waits');
SELECT is(pg_temp.plan_trail('S-B'), 'WAITING:-', 'STRICT_FIFO: S-B (3) may not overtake S-A');
SELECT is(pg_temp.plan_trail('S-C'), 'WAITING:-', 'STRICT_FIFO: S-C (2) may not overtake either');
SELECT is(pg_temp.reserved('fa', 's-1'), 0, 'STRICT_FIFO: nothing reserved');
-- a new order for the article waits too, although 4 are on hand
SELECT pg_temp.place_one('S-D', '2026-01-04T00:00:00Z', 's-1', 1);
SELECT is(pg_temp.plan_trail('S-D'), 'WAITING:-', 'STRICT_FIFO: a NEW order of 1 waits although 4 are available');
SELECT is((SELECT reason FROM waitroom.waiting_room WHERE tenant_order_id = 'S-D'), 'QUEUED_BEHIND_EARLIER_ORDERS',
          'STRICT_FIFO: the new order''s reason is QUEUED_BEHIND_EARLIER_ORDERS');
SELECT is(pg_temp.queue('s-1'),
          'S-A#1:BACKORDER_NO_STOCK S-B#2:QUEUED_BEHIND_EARLIER_ORDERS S-C#3:QUEUED_BEHIND_EARLIER_ORDERS S-D#4:QUEUED_BEHIND_EARLIER_ORDERS',
          'STRICT_FIFO: view shows the queue and the reasons');
-- 5 on hand: S-A is served, the rest still queue behind nothing but lack stock
UPDATE waitroom.stock SET on_hand = 5 WHERE tenant_article_id = 's-1';
SELECT is(pg_temp.plan_trail('S-A'), 'ROUTED:fa:REACTIVATION', 'STRICT_FIFO: 5 on hand serves S-A first');
SELECT is(pg_temp.queue('s-1'),
          'S-B#1:BACKORDER_NO_STOCK S-C#2:BACKORDER_NO_STOCK S-D#3:BACKORDER_NO_STOCK',
          'STRICT_FIFO: S-B, S-C, S-D wait, 1..3');
UPDATE waitroom.stock SET on_hand = 9 WHERE tenant_article_id = 's-1';
-- 4 more: S-B (3) then S-C would need 2 with 1 left: S-C waits, and S-D may not overtake it
SELECT is(pg_temp.plan_trail('S-B'), 'ROUTED:fa:REACTIVATION', 'STRICT_FIFO: S-B served next');
SELECT is(pg_temp.plan_trail('S-D'), 'WAITING:-', 'STRICT_FIFO: S-D (1) does not take the 1 left that S-C needs');
SELECT is(pg_temp.queue('s-1'),
          'S-C#1:BACKORDER_NO_STOCK S-D#2:QUEUED_BEHIND_EARLIER_ORDERS',
          'STRICT_FIFO: S-C short of stock, S-D queued behind it');
-- a new order queues by its orderDate: one dated before S-C is ahead of it and takes the 1
SELECT pg_temp.place_one('S-E', '2026-01-02T12:00:00Z', 's-1', 1);
SELECT is(pg_temp.plan_trail('S-E'), 'ROUTED:fa:DEFAULT', 'STRICT_FIFO: a new order dated before the waiting S-C is served');
-- one more unit; a new order dated exactly like S-C queues behind it (the waiting plan came first)
UPDATE waitroom.stock SET on_hand = 10 WHERE tenant_article_id = 's-1';
SELECT pg_temp.place_one('S-G', '2026-01-03T00:00:00Z', 's-1', 1);
SELECT is(pg_temp.plan_trail('S-G'), 'WAITING:-', 'STRICT_FIFO: a new order with the same orderDate as S-C waits behind it');
SELECT is(pg_temp.queue('s-1'),
          'S-C#1:BACKORDER_NO_STOCK S-G#2:QUEUED_BEHIND_EARLIER_ORDERS S-D#3:QUEUED_BEHIND_EARLIER_ORDERS',
          'STRICT_FIFO: the queue after the new orders');

-- ---------------------------------------------------------------- PRIORITY
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'PRIORITY';
SELECT pg_temp.place_one('P-A', '2026-01-01T00:00:00Z', 'p-1', 2, 0);
SELECT pg_temp.place_one('P-B', '2026-01-02T00:00:00Z', 'p-1', 2, 5);
SELECT pg_temp.place_one('P-C', '2026-01-03T00:00:00Z', 'p-1', 2, 5);
SELECT pg_temp.place_one('P-D', '2026-01-04T00:00:00Z', 'p-1', 2, 9);
SELECT is(pg_temp.queue('p-1'),
          'P-D#1:BACKORDER_NO_STOCK P-B#2:BACKORDER_NO_STOCK P-C#3:BACKORDER_NO_STOCK P-A#4:BACKORDER_NO_STOCK',
          'PRIORITY: queue by priority desc, then orderDate');
UPDATE waitroom.stock SET on_hand = 5 WHERE tenant_article_id = 'p-1';
SELECT is(pg_temp.plan_trail('P-D'), 'ROUTED:fa:REACTIVATION', 'PRIORITY: highest priority P-D served first');
SELECT is(pg_temp.plan_trail('P-B'), 'ROUTED:fa:REACTIVATION', 'PRIORITY: then P-B (priority 5, older)');
SELECT is(pg_temp.plan_trail('P-C'), 'WAITING:-', 'PRIORITY: P-C (priority 5, newer) waits');
SELECT is(pg_temp.plan_trail('P-A'), 'WAITING:-', 'PRIORITY: the oldest P-A (priority 0) waits');
SELECT is(pg_temp.queue('p-1'), 'P-C#1:BACKORDER_NO_STOCK P-A#2:BACKORDER_NO_STOCK', 'PRIORITY: queue P-C, P-A');
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'FIFO';
SELECT is(pg_temp.queue('p-1'), 'P-A#1:BACKORDER_NO_STOCK P-C#2:BACKORDER_NO_STOCK',
          'queue_position follows the current mode: back to FIFO, the older P-A is first');
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'PRIORITY';
SELECT is(pg_temp.queue('p-1'), 'P-C#1:BACKORDER_NO_STOCK P-A#2:BACKORDER_NO_STOCK', 'and PRIORITY again puts P-C first');
-- PRIORITY (like FIFO) lets a new small order take what is left: 1 available, P-C and P-A want 2
SELECT pg_temp.place_one('P-E', '2026-01-05T00:00:00Z', 'p-1', 1);
SELECT is(pg_temp.plan_trail('P-E'), 'ROUTED:fa:DEFAULT', 'PRIORITY: a new order of 1 takes the 1 left (no strict queue)');

-- ---------------------------------------------------------------- partial fill, split active
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'FIFO', order_split_active = true;
SELECT pg_temp.place_many('X-1', '2026-01-01T00:00:00Z',
  '[{"id":"1","tenantArticleId":"x-1","quantity":2},{"id":"2","tenantArticleId":"x-2","quantity":1}]');
CREATE TEMP TABLE x1_plan AS SELECT pg_temp.root_plan('X-1') AS id;
SELECT is(pg_temp.plan_lines('X-1'), 'WAITING/1=2 WAITING/2=1', 'split: both lines of X-1 wait in one plan');
SELECT pg_temp.mark('split');
UPDATE waitroom.stock SET on_hand = 2 WHERE tenant_article_id = 'x-1';
SELECT is(pg_temp.events_since('split'),
          '{ROUTING_PLAN_SPLITTED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_WAITING}',
          'split: SPLITTED, the part ROUTED with its pick job, the rest re-announced WAITING; nothing else');
SELECT is(pg_temp.plan_trail('X-1'), 'WAITING:- ROUTED:fa:REACTIVATION:child',
          'split: restock of x-1 routes that part as a child plan, the rest keeps waiting');
SELECT is(pg_temp.plan_lines('X-1'), 'WAITING/2=1 ROUTED/1=2', 'split: the child picks line 1, line 2 waits');
SELECT is(pg_temp.root_plan('X-1'), (SELECT id FROM x1_plan), 'split: the waiting part keeps the original plan id');
SELECT is((SELECT status FROM waitroom.routing_plan WHERE routing_plan_id = (SELECT id FROM x1_plan)), 'WAITING',
          'split: the original plan is WAITING');
SELECT is((SELECT count(*) FROM waitroom.routing_plan
            WHERE parent_routing_plan_id = (SELECT id FROM x1_plan) AND status = 'ROUTED'), 1::bigint,
          'split: the routed child points at the waiting plan');
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id = 'x-2';
SELECT is(pg_temp.plan_lines('X-1'), 'ROUTED/2=1 ROUTED/1=2', 'split: restock of x-2 routes the rest (whole waiting plan)');
SELECT is(pg_temp.plan_trail('X-1'), 'ROUTED:fa:REACTIVATION ROUTED:fa:REACTIVATION:child', 'split: two routed plans, no waiting one');

-- ---------------------------------------------------------------- bundle, all or nothing
SELECT pg_temp.place_many('K-1', '2026-01-01T00:00:00Z',
  '[{"id":"1","tenantArticleId":"k-1","quantity":1,"bundleRef":"kit"},{"id":"2","tenantArticleId":"k-2","quantity":1,"bundleRef":"kit"}]');
CREATE TEMP TABLE k1_plan AS SELECT pg_temp.root_plan('K-1') AS id;
SELECT pg_temp.mark('bundle');
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id = 'k-1';
SELECT is(pg_temp.plan_trail('K-1'), 'WAITING:-', 'bundle: restock of one item routes nothing');
SELECT is(pg_temp.events_since('bundle'), '{}', 'bundle: and writes no event');
SELECT is(pg_temp.reserved('fa', 'k-1'), 0, 'bundle: nothing reserved for the in-stock item');
SELECT is(pg_temp.queue('k-1') || ' | ' || pg_temp.queue('k-2'), 'K-1#1:BUNDLE_INCOMPLETE | K-1#1:BACKORDER_NO_STOCK',
          'bundle: view reasons BUNDLE_INCOMPLETE (in stock) and BACKORDER_NO_STOCK');
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id = 'k-2';
SELECT is(pg_temp.plan_trail('K-1'), 'ROUTED:fa:REACTIVATION', 'bundle: restock of the last item routes the whole bundle in one plan');
SELECT is(pg_temp.plan_lines('K-1'), 'ROUTED/1=1 ROUTED/2=1', 'bundle: both lines routed together');
SELECT is(pg_temp.root_plan('K-1'), (SELECT id FROM k1_plan), 'bundle: the waiting plan itself is routed');

-- ---------------------------------------------------------------- WAITING_FOR_OTHER_ITEMS (split off)
UPDATE waitroom.routing_strategy SET order_split_active = false;
UPDATE waitroom.stock SET on_hand = 5 WHERE tenant_article_id = 'w-1';
SELECT pg_temp.place_many('W-1', '2026-01-01T00:00:00Z',
  '[{"id":"1","tenantArticleId":"w-1","quantity":1},{"id":"2","tenantArticleId":"w-2","quantity":1}]');
SELECT is(pg_temp.plan_trail('W-1'), 'WAITING:-', 'split off: the whole order waits');
SELECT is((SELECT string_agg(line_id || ':' || reason || ':' || queue_position, ' ' ORDER BY line_id)
             FROM waitroom.waiting_room WHERE tenant_order_id = 'W-1'),
          '1:WAITING_FOR_OTHER_ITEMS:1 2:BACKORDER_NO_STOCK:1',
          'split off: one view row per waiting line, in-stock line WAITING_FOR_OTHER_ITEMS');
SELECT is(pg_temp.reserved('fa', 'w-1'), 0, 'split off: the in-stock line reserves nothing while waiting');
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id = 'w-2';
SELECT is(pg_temp.plan_trail('W-1'), 'ROUTED:fa:REACTIVATION', 'split off: restock routes the whole order as one plan');

-- ---------------------------------------------------------------- invariants
SELECT is((SELECT count(*) FROM waitroom.waiting_room w
            JOIN waitroom.routing_plan p USING (routing_plan_id) WHERE p.status <> 'WAITING'), 0::bigint,
          'the view shows WAITING plans only');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'reserved = sum of open pick lines on every stock row');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'nothing lost: picked + short + waiting + cancelled = ordered');

SELECT is_empty($$SELECT * FROM waitroom.check_invariants() WHERE invariant <> 'no_lost_wakeup'$$, 'invariants hold');
-- A change of the routing strategy serves the waiting room under the new one (strategy_changed).
SELECT is_empty($$SELECT * FROM waitroom.check_invariants() WHERE invariant = 'no_lost_wakeup'$$,
                'no WAITING plan servable under the strategy now in force');
SELECT * FROM finish();
ROLLBACK;
