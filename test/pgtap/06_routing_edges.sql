-- SPEC §3 edge cases of place_order routing beyond 02_routing: where a short pick lands,
-- what makes a line pre/backorderable, overbooked stock, rule 4 with a split, rule 3 ties,
-- WAITING + NOT_ROUTABLE in one order, units-then-plans optimality (also past the exact search).
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(27);

\ir lib/helpers.psql
\ir lib/munich_network.psql


-- ================================================================ short pick placement
-- the leftover unit goes to the ROUTED plan whose facility has the most of it (berlin 3 over
-- munich 1), not to the nearest one
SELECT pg_temp.offer('munich', 'a1', 5);
SELECT pg_temp.offer('berlin', 'a2', 5);
SELECT pg_temp.offer('munich', 'a3', 1);
SELECT pg_temp.offer('berlin', 'a3', 3);
SELECT pg_temp.place('SP-most', '[{"tenantArticleId": "a1", "quantity": 1}, {"tenantArticleId": "a2", "quantity": 1}, {"tenantArticleId": "a3", "quantity": 5}]');
SELECT is(pg_temp.plan_picks('SP-most'), 'ROUTED@berlin#SHORT_PICKED{a2:1(1+0),a3:5(3+2)} ROUTED@munich{a1:1(1+0)}',
          'rule 2: leftover a3 short-picked at the routed plan with the most (berlin 3), not the nearer munich');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after short pick placement');

-- a routed plan takes the leftover even when a facility outside the decision has more
SELECT pg_temp.offer('munich', 'a4', 5);
SELECT pg_temp.offer('munich', 'a5', 1);
SELECT pg_temp.offer('hamburg', 'a5', 4);
SELECT pg_temp.place('SP-routed', '[{"tenantArticleId": "a4", "quantity": 1}, {"tenantArticleId": "a5", "quantity": 5}]');
SELECT is(pg_temp.plan_picks('SP-routed'), 'ROUTED@munich#SHORT_PICKED{a4:1(1+0),a5:5(1+4)}',
          'rule 2: with a routed plan, the leftover goes to it (munich 1) although hamburg has 4');
SELECT is(pg_temp.reserved('hamburg', 'a5'), 0, 'rule 2: nothing reserved at hamburg');

-- ================================================================ pre/backorderable needs a candidate listing
-- a BACKORDER listing at a SUSPENDED facility or an INACTIVE one does not make a line backorderable
SELECT pg_temp.offer('zz_susp', 'bx1', 0, 'BACKORDER');
SELECT pg_temp.offer('munich', 'bx1', 0);
SELECT pg_temp.place('BX-susp', '[{"tenantArticleId": "bx1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('BX-susp'), 'NOT_ROUTABLE@-{bx1:1}', 'BACKORDER listing only at a SUSPENDED facility: NOT_ROUTABLE, not WAITING');
SELECT pg_temp.offer('berlin', 'bx2', 0, 'BACKORDER', 'INACTIVE');
SELECT pg_temp.offer('munich', 'bx2', 1);
SELECT pg_temp.place('BX-inact', '[{"tenantArticleId": "bx2", "quantity": 3}]');
SELECT is(pg_temp.plan_picks('BX-inact'), 'ROUTED@munich#SHORT_PICKED{bx2:3(1+2)}',
          'INACTIVE BACKORDER listing: not backorderable — short pick at munich instead of waiting');
-- a PREORDER listing released in the past without stock is still pre-orderable: it waits
SELECT pg_temp.offer('munich', 'px1', 0, 'PREORDER', preorder_from => now() - interval '1 day');
SELECT pg_temp.place('PX-past-empty', '[{"tenantArticleId": "px1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('PX-past-empty'), 'WAITING@-{px1:1}', 'released PREORDER listing without stock: waits');
-- overbooked stock (reserved > on_hand) counts 0, not negative
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = false;
SELECT pg_temp.offer('hamburg', 'ov1', 1, 'BACKORDER');
SELECT pg_temp.place('OV-book', '[{"tenantArticleId": "ov1", "quantity": 3}]');
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = true;
SELECT pg_temp.offer('berlin', 'ov1', 2);
SELECT pg_temp.place('OV-next', '[{"tenantArticleId": "ov1", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('OV-next'), 'ROUTED@berlin{ov1:2(2+0)}', 'overbooked hamburg (1 on hand, 3 reserved) is not used; berlin serves');
SELECT pg_temp.place('OV-wait', '[{"tenantArticleId": "ov1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('OV-wait'), 'WAITING@-{ov1:1}', 'nothing left anywhere: the backorderable line waits');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after overbooked');

-- ================================================================ rule 4 mixed with a split
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = false;
SELECT pg_temp.offer('munich', 'mx1', 5);
SELECT pg_temp.offer('berlin', 'mx2', 0, 'BACKORDER');
SELECT pg_temp.place('MX', '[{"tenantArticleId": "mx1", "quantity": 1}, {"tenantArticleId": "mx2", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('MX'), 'ROUTED@berlin{mx2:2(2+0)} ROUTED@munich{mx1:1(1+0)}',
          'rule 4: waiting room off — in-stock line at munich, backorder line routed to berlin without stock');
SELECT is(ARRAY[pg_temp.reserved('munich', 'mx1'), pg_temp.reserved('berlin', 'mx2')], ARRAY[1, 2], 'rule 4 mixed: reservations 1 and 2');
-- a PREORDER listing not yet released takes the order too when the waiting room is off
SELECT pg_temp.offer('munich', 'mx3', 0, 'PREORDER', preorder_from => now() + interval '7 days');
SELECT pg_temp.place('MX-pre', '[{"tenantArticleId": "mx3", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('MX-pre'), 'ROUTED@munich{mx3:1(1+0)}', 'rule 4: unreleased PREORDER routed to its facility when the waiting room is off');
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = true;
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after rule 4 mixed');

-- ================================================================ rule 3 tie-break by penalty
UPDATE waitroom.routing_strategy SET order_split_active = false;
SELECT pg_temp.offer('munich', 'tb1', 1);
SELECT pg_temp.offer('berlin', 'tb1', 1);
SELECT pg_temp.offer('munich', 'tb2', 0);
SELECT pg_temp.offer('berlin', 'tb2', 0);
SELECT pg_temp.place('TB', '[{"tenantArticleId": "tb1", "quantity": 1}, {"tenantArticleId": "tb2", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('TB'), 'ROUTED@munich#SHORT_PICKED{tb1:1(1+0),tb2:1(0+1)}',
          'rule 3: equal units and quantity — the lowest penalty (munich) wins');
-- rule 3 with one facility complete: rule 1 still applies (no short pick)
SELECT pg_temp.offer('berlin', 'tb3', 1);
SELECT pg_temp.offer('berlin', 'tb4', 1);
SELECT pg_temp.offer('munich', 'tb3', 1);
SELECT pg_temp.place('TB-complete', '[{"tenantArticleId": "tb3", "quantity": 1}, {"tenantArticleId": "tb4", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('TB-complete'), 'ROUTED@berlin{tb3:1(1+0),tb4:1(1+0)}', 'split off: rule 1 still routes to the complete facility');
UPDATE waitroom.routing_strategy SET order_split_active = true;

-- ================================================================ WAITING and NOT_ROUTABLE in one order
SELECT pg_temp.offer('munich', 'wn1', 5);
SELECT pg_temp.offer('berlin', 'wn2', 0, 'BACKORDER');
SELECT pg_temp.place('WN', '[{"tenantArticleId": "wn1", "quantity": 1}, {"tenantArticleId": "wn2", "quantity": 1}, {"tenantArticleId": "wn-unknown", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('WN'), 'ROUTED@munich#SHORT_PICKED{wn-unknown:1(0+1),wn1:1(1+0)} WAITING@-{wn2:1}',
          'one order: routed part, WAITING part; the unit no facility has is short-picked at the routed plan (rule 2)');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('WN') AND parent_routing_plan_id IS NULL),
          1::bigint, 'rule 7: one root plan (the original), the other parts are its children');
SELECT is((SELECT status FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('WN') AND parent_routing_plan_id IS NULL)
          IN ('WAITING', 'NOT_ROUTABLE'), true, 'rule 7: the root (the original plan id) is the part that stays unrouted');

-- ================================================================ units fully served, then fewest plans
-- six units; facility s3 alone serves 4 of them, s1 + s2 serve all six in two plans
SELECT pg_temp.offer('augsburg', u, 5) FROM unnest(ARRAY['sc1', 'sc2', 'sc3']) u;
SELECT pg_temp.offer('berlin', u, 5) FROM unnest(ARRAY['sc4', 'sc5', 'sc6']) u;
SELECT pg_temp.offer('munich', u, 5) FROM unnest(ARRAY['sc1', 'sc2', 'sc4', 'sc5']) u;
SELECT pg_temp.place('SC', (SELECT jsonb_agg(jsonb_build_object('tenantArticleId', u, 'quantity', 1))
                              FROM unnest(ARRAY['sc1', 'sc2', 'sc3', 'sc4', 'sc5', 'sc6']) u));
SELECT is(pg_temp.plan_picks('SC'), 'ROUTED@augsburg{sc1:1(1+0),sc2:1(1+0),sc3:1(1+0)} ROUTED@berlin{sc4:1(1+0),sc5:1(1+0),sc6:1(1+0)}',
          'rule 2: two plans serving all 6 units beat the nearest facility with 4 (set cover, 6 units)');
-- the same with 12 units (beyond the exact search's size): SPEC still asks for the fewest plans
SELECT pg_temp.offer('augsburg', u, 5) FROM unnest(ARRAY['sd01', 'sd02', 'sd03', 'sd04', 'sd05', 'sd06']) u;
SELECT pg_temp.offer('berlin', u, 5) FROM unnest(ARRAY['sd07', 'sd08', 'sd09', 'sd10', 'sd11', 'sd12']) u;
SELECT pg_temp.offer('munich', u, 5) FROM unnest(ARRAY['sd01', 'sd02', 'sd03', 'sd07', 'sd08', 'sd09', 'sd10']) u;
SELECT pg_temp.place('SD', (SELECT jsonb_agg(jsonb_build_object('tenantArticleId', u, 'quantity', 1) ORDER BY u)
                              FROM unnest(ARRAY['sd01', 'sd02', 'sd03', 'sd04', 'sd05', 'sd06', 'sd07', 'sd08', 'sd09', 'sd10', 'sd11', 'sd12']) u));
SELECT is((SELECT string_agg(facility_ref, ',' ORDER BY facility_ref) FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('SD')),
          'augsburg,berlin', 'rule 2: 12 units — the fewest plans (augsburg + berlin), not munich + 2 more');
UPDATE waitroom.routing_strategy SET max_split_count = 2;
SELECT pg_temp.place('SE', (SELECT jsonb_agg(jsonb_build_object('tenantArticleId', u, 'quantity', 1) ORDER BY u)
                              FROM unnest(ARRAY['sd01', 'sd02', 'sd03', 'sd04', 'sd05', 'sd06', 'sd07', 'sd08', 'sd09', 'sd10', 'sd11', 'sd12']) u));
SELECT is((SELECT count(*) FROM waitroom.pick_line pl JOIN waitroom.pick_job pj USING (pick_job_id)
            WHERE pj.order_id = pg_temp.order_of('SE') AND pl.short_quantity = 0 AND pl.quantity = 1),
          12::bigint, 'rule 2: 12 units, max_split_count 2 — all 12 units fully served (augsburg + berlin)');
UPDATE waitroom.routing_strategy SET max_split_count = 3;
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after set cover');

-- ================================================================ retry after cancel with the same body
SELECT pg_temp.offer('munich', 'rc1', 5);
SELECT pg_temp.place('RC', '[{"tenantArticleId": "rc1", "quantity": 1}]');
UPDATE waitroom.orders SET status = 'CANCELLED' WHERE tenant_order_id = 'RC';
CREATE TEMP TABLE rc_again AS
SELECT waitroom.place_order('{"tenantOrderId": "RC", "orderLineItems": [{"tenantArticleId": "rc1", "quantity": 1}], "consumer": {"lat": 48.1, "lon": 11.5}}') AS j;
SELECT isnt((SELECT j ->> 'orderId' FROM rc_again), (SELECT j ->> 'orderId' FROM placed WHERE tid = 'RC'),
            'the same body after the order was cancelled makes a new order (not a retry of the cancelled one)');
SELECT is((SELECT j ->> 'status' FROM rc_again), 'OPEN', 'the new order is OPEN');

SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after all edge scenarios');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
