-- SPEC §3 routing rules through place_order, with concrete plans, facilities, quantities,
-- short quantities, reservations and pick jobs; the seed's split scenarios; SPEC §2 JSON shape.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(96);

\ir lib/helpers.psql
\ir lib/munich_network.psql

-- ================================================================ rule 1
-- nearest facility with complete stock wins
SELECT pg_temp.offer(f, 'n1', 5) FROM unnest(ARRAY['munich', 'berlin', 'aaa_noloc', 'hamburg']) f;
SELECT pg_temp.place('R1-near', '[{"tenantArticleId": "n1", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('R1-near'), 'ROUTED@munich{n1:2(2+0)}', 'rule 1: nearest facility (munich) wins');
SELECT is(pg_temp.reserved('munich', 'n1'), 2, 'rule 1: 2 reserved at munich');
SELECT is(pg_temp.reserved('berlin', 'n1') + pg_temp.reserved('hamburg', 'n1') + pg_temp.reserved('aaa_noloc', 'n1'),
          0, 'rule 1: nothing reserved elsewhere');
SELECT pg_temp.order_of('R1-near') AS o \gset
SELECT is((SELECT count(*) FROM waitroom.pick_job WHERE order_id = :'o' AND status = 'OPEN'
              AND facility_ref = 'munich' AND sub_status IS NULL), 1::bigint, 'rule 1: one OPEN pick job at munich, no sub_status');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after rule 1 nearest');

-- ties without a consumer location: facility_ref ascending
SELECT pg_temp.offer(f, 't1', 5) FROM unnest(ARRAY['munich', 'hamburg', 'berlin']) f;
SELECT pg_temp.place('R1-tie', '[{"tenantArticleId": "t1", "quantity": 1}]', near => false);
SELECT is(pg_temp.plan_picks('R1-tie'), 'ROUTED@berlin{t1:1(1+0)}', 'rule 1: no consumer location, tie broken by facility_ref (berlin)');

-- a facility without a location ranks after every known distance
SELECT pg_temp.offer(f, 'l1', 5) FROM unnest(ARRAY['aaa_noloc', 'hamburg']) f;
SELECT pg_temp.place('R1-noloc', '[{"tenantArticleId": "l1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('R1-noloc'), 'ROUTED@hamburg{l1:1(1+0)}', 'rule 1: facility without lat/lon ranks last (hamburg beats aaa_noloc)');

-- one facility with everything beats a nearer facility with a part
SELECT pg_temp.offer('munich', 'c1', 5);
SELECT pg_temp.offer('berlin', 'c1', 5);
SELECT pg_temp.offer('berlin', 'c2', 5);
SELECT pg_temp.place('R1-complete', '[{"tenantArticleId": "c1", "quantity": 1}, {"tenantArticleId": "c2", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('R1-complete'), 'ROUTED@berlin{c1:1(1+0),c2:1(1+0)}', 'rule 1: the single complete facility wins over a split');

-- ---------------------------------------------------------------- candidates
SELECT pg_temp.offer('zz_susp', 's1', 5);
SELECT pg_temp.offer('berlin', 's1', 5);
SELECT pg_temp.place('C-susp', '[{"tenantArticleId": "s1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('C-susp'), 'ROUTED@berlin{s1:1(1+0)}', 'SUSPENDED facility is not a candidate');
SELECT is(pg_temp.reserved('zz_susp', 's1'), 0, 'nothing reserved at the SUSPENDED facility');

SELECT pg_temp.offer('zz_off', 'o1', 5);
SELECT pg_temp.offer('berlin', 'o1', 5);
SELECT pg_temp.place('C-off', '[{"tenantArticleId": "o1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('C-off'), 'ROUTED@berlin{o1:1(1+0)}', 'OFFLINE facility is not a candidate');

SELECT pg_temp.offer('zz_inact', 'i1', 5, status => 'INACTIVE');
SELECT pg_temp.offer('berlin', 'i1', 5);
SELECT pg_temp.place('C-inact', '[{"tenantArticleId": "i1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('C-inact'), 'ROUTED@berlin{i1:1(1+0)}', 'INACTIVE listing is not a candidate');

-- stock without any listing is not a candidate either
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'u1', 5);
SELECT pg_temp.offer('berlin', 'u1', 5);
SELECT pg_temp.place('C-nolisting', '[{"tenantArticleId": "u1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('C-nolisting'), 'ROUTED@berlin{u1:1(1+0)}', 'stock without a listing is not a candidate');

-- only SUSPENDED/OFFLINE/INACTIVE offers: nothing routable
SELECT pg_temp.offer('zz_susp', 'x0', 5);
SELECT pg_temp.offer('zz_off', 'x0', 5);
SELECT pg_temp.offer('zz_inact', 'x0', 5, status => 'INACTIVE');
SELECT pg_temp.place('C-none', '[{"tenantArticleId": "x0", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('C-none'), 'NOT_ROUTABLE@-{x0:1}', 'no candidate at all: NOT_ROUTABLE');

-- reserved is subtracted from availability
SELECT pg_temp.offer('munich', 'r1', 5);
SELECT pg_temp.offer('berlin', 'r1', 5);
SELECT pg_temp.place('R-first', '[{"tenantArticleId": "r1", "quantity": 4}]');
SELECT pg_temp.place('R-second', '[{"tenantArticleId": "r1", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('R-first'), 'ROUTED@munich{r1:4(4+0)}', 'reserved: first order takes 4 of 5 at munich');
SELECT is(pg_temp.plan_picks('R-second'), 'ROUTED@berlin{r1:2(2+0)}', 'reserved: second order of 2 sees 1 available at munich, goes to berlin');
SELECT is(ARRAY[pg_temp.reserved('munich', 'r1'), pg_temp.reserved('berlin', 'r1')], ARRAY[4, 2], 'reserved: munich 4, berlin 2');
SELECT pg_temp.place('R-third', '[{"tenantArticleId": "r1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('R-third'), 'ROUTED@munich{r1:1(1+0)}', 'reserved: the last unit at munich is still available');
SELECT is(pg_temp.reserved('munich', 'r1'), 5, 'reserved: munich fully reserved (5 of 5)');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after reservations');

-- ================================================================ rule 2: split
-- one unit per facility: three routed plans, no parent (nothing waits)
SELECT pg_temp.offer('munich', 'p1', 5);
SELECT pg_temp.offer('berlin', 'p2', 5);
SELECT pg_temp.offer('hamburg', 'p3', 5);
SELECT pg_temp.place('S-three', '[{"tenantArticleId": "p1", "quantity": 1}, {"tenantArticleId": "p2", "quantity": 1}, {"tenantArticleId": "p3", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('S-three'), 'ROUTED@berlin{p2:1(1+0)} ROUTED@hamburg{p3:1(1+0)} ROUTED@munich{p1:1(1+0)}',
          'rule 2: split into three routed plans (max_split_count 3)');
SELECT pg_temp.order_of('S-three') AS o \gset
SELECT is((SELECT count(*) FROM waitroom.pick_job WHERE order_id = :'o'), 3::bigint,
          'rule 2: one pick job per routed plan');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = :'o'
             AND status IN ('WAITING', 'NOT_ROUTABLE')), 0::bigint, 'rule 2: nothing waits when every unit is served');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after split in three');

-- fewest plans beats lowest summed penalty: munich(q1)+berlin(q2,q3) over munich+augsburg+dachau
SELECT pg_temp.offer('munich', 'q1', 5);
SELECT pg_temp.offer('augsburg', 'q2', 5);
SELECT pg_temp.offer('dachau', 'q3', 5);
SELECT pg_temp.offer('berlin', 'q2', 5);
SELECT pg_temp.offer('berlin', 'q3', 5);
SELECT pg_temp.place('S-fewest', '[{"tenantArticleId": "q1", "quantity": 1}, {"tenantArticleId": "q2", "quantity": 1}, {"tenantArticleId": "q3", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('S-fewest'), 'ROUTED@berlin{q2:1(1+0),q3:1(1+0)} ROUTED@munich{q1:1(1+0)}',
          'rule 2: fewest plans first (2 plans, although 3 nearer plans have a lower summed penalty)');

-- max_split_count 2: the third unit is left over and short-picked at the routed plan whose
-- facility has the most of it (berlin has 1 of 2)
UPDATE waitroom.routing_strategy SET max_split_count = 2;
SELECT pg_temp.offer('munich', 'm1', 5);
SELECT pg_temp.offer('berlin', 'm2', 5);
SELECT pg_temp.offer('berlin', 'm3', 1);
SELECT pg_temp.offer('hamburg', 'm3', 5);
SELECT pg_temp.place('S-cap', '[{"tenantArticleId": "m1", "quantity": 1}, {"tenantArticleId": "m2", "quantity": 1}, {"tenantArticleId": "m3", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('S-cap'), 'ROUTED@berlin#SHORT_PICKED{m2:1(1+0),m3:2(1+1)} ROUTED@munich{m1:1(1+0)}',
          'rule 2: max_split_count 2 caps the routed plans; the leftover unit is short-picked at berlin');
SELECT is(ARRAY[pg_temp.reserved('berlin', 'm3'), pg_temp.reserved('hamburg', 'm3')], ARRAY[1, 0],
          'rule 2 cap: 1 reserved at berlin, none at hamburg (beyond the cap)');
SELECT pg_temp.order_of('S-cap') AS o \gset
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = :'o' AND status = 'ROUTED'),
          2::bigint, 'rule 2 cap: exactly 2 routed plans');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after split cap');
UPDATE waitroom.routing_strategy SET max_split_count = 1;
SELECT pg_temp.offer('munich', 'm4', 5);
SELECT pg_temp.offer('berlin', 'm5', 5);
SELECT pg_temp.offer('berlin', 'm6', 5, 'BACKORDER');
UPDATE waitroom.stock SET on_hand = 0 WHERE facility_ref = 'berlin' AND tenant_article_id = 'm6';
SELECT pg_temp.place('S-cap1', '[{"tenantArticleId": "m4", "quantity": 1}, {"tenantArticleId": "m5", "quantity": 1}, {"tenantArticleId": "m6", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('S-cap1'), 'ROUTED@munich#SHORT_PICKED{m4:1(1+0),m5:1(0+1)} WAITING@-{m6:1}',
          'rule 2: max_split_count 1 — munich routed, leftover m5 (berlin has it, beyond the cap) short-picked there, m6 waits');
SELECT ok(pg_temp.routed_are_children('S-cap1'), 'rule 7: with max_split_count 1 the routed plan is a child of the WAITING plan');
UPDATE waitroom.routing_strategy SET max_split_count = 3;
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after split cap 1');

-- seed scenario 1: split with backorderable items — the missing item waits, the rest is routed
SELECT pg_temp.offer('munich', 'b1', 5);
SELECT pg_temp.offer('berlin', 'b2', 0, 'BACKORDER');
SELECT pg_temp.place('S-backorder', '[{"tenantArticleId": "b1", "quantity": 2}, {"tenantArticleId": "b2", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('S-backorder'), 'ROUTED@munich{b1:2(2+0)} WAITING@-{b2:1}',
          'seed split 1: b1 routed to munich, backorderable b2 waits');
SELECT ok(pg_temp.routed_are_children('S-backorder'), 'rule 7: the routed part is a child of the WAITING plan');
SELECT results_eq(
  format($$SELECT facility_ref IS NULL, waiting_since IS NOT NULL, run_type FROM waitroom.routing_plan
     WHERE order_id = %L AND status = 'WAITING'$$, pg_temp.order_of('S-backorder')),
  $$VALUES (true, true, 'DEFAULT'::text)$$,
  'the WAITING plan has no facility, a waiting_since and run_type DEFAULT');
SELECT is(ARRAY[pg_temp.reserved('munich', 'b1'), pg_temp.reserved('berlin', 'b2')], ARRAY[2, 0],
          'seed split 1: 2 reserved at munich, nothing for the waiting item');
SELECT pg_temp.order_of('S-backorder') AS o \gset
SELECT is((SELECT count(*) FROM waitroom.pick_job WHERE order_id = :'o'), 1::bigint,
          'seed split 1: one pick job (the waiting plan has none)');
SELECT results_eq(
  format($$SELECT tenant_article_id, quantity, reason FROM waitroom.waiting_room WHERE order_id = %L$$, pg_temp.order_of('S-backorder')),
  $$VALUES ('b2'::text, 1, 'BACKORDER_NO_STOCK'::text)$$,
  'waiting_room view: b2 x1, BACKORDER_NO_STOCK');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after seed split 1');

-- seed scenario 2: split with items that are not pre/backorderable — short pick
SELECT pg_temp.offer('munich', 'd1', 2);
SELECT pg_temp.offer('munich', 'd2', 1);
SELECT pg_temp.offer('berlin', 'd2', 2);
SELECT pg_temp.place('S-short', '[{"tenantArticleId": "d1", "quantity": 2}, {"tenantArticleId": "d2", "quantity": 3}]');
SELECT is(pg_temp.plan_picks('S-short'), 'ROUTED@munich#SHORT_PICKED{d1:2(2+0),d2:3(1+2)}',
          'seed split 2: d2 (no facility has 3) short-picked at the routed plan: picks 1, short 2');
SELECT pg_temp.order_of('S-short') AS o \gset
SELECT is((SELECT short_quantity FROM waitroom.pick_line pl JOIN waitroom.pick_job pj USING (tenant_id, pick_job_id)
            WHERE pj.order_id = :'o' AND pl.tenant_article_id = 'd2'), 2,
          'seed split 2: pick_line.short_quantity = 2');
SELECT is((SELECT sub_status FROM waitroom.pick_job WHERE order_id = :'o'), 'SHORT_PICKED',
          'seed split 2: pick_job.sub_status = SHORT_PICKED');
SELECT is(ARRAY[pg_temp.reserved('munich', 'd1'), pg_temp.reserved('munich', 'd2'), pg_temp.reserved('berlin', 'd2')],
          ARRAY[2, 1, 0], 'seed split 2: reserved munich d1 2, munich d2 1, berlin d2 0');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after seed split 2');

-- short pick with no routed plan: at the facility that has the most of it
SELECT pg_temp.offer('munich', 'e1', 2);
SELECT pg_temp.offer('berlin', 'e1', 3);
SELECT pg_temp.place('S-short-most', '[{"tenantArticleId": "e1", "quantity": 5}]');
SELECT is(pg_temp.plan_picks('S-short-most'), 'ROUTED@berlin#SHORT_PICKED{e1:5(3+2)}',
          'rule 2: no routed plan — short pick at the facility with the most (berlin 3 of 5)');
SELECT is(pg_temp.reserved('berlin', 'e1'), 3, 'rule 2 short: 3 reserved at berlin');

-- seed scenario 3: a bundle with one missing backorderable item waits whole
SELECT pg_temp.offer('munich', 'g1', 5);
SELECT pg_temp.offer('berlin', 'g2', 0, 'BACKORDER');
SELECT pg_temp.offer('munich', 'g3', 5);
SELECT pg_temp.place('S-bundle', '[{"tenantArticleId": "g1", "quantity": 1, "bundleRef": "B"}, {"tenantArticleId": "g2", "quantity": 1, "bundleRef": "B"}, {"tenantArticleId": "g3", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('S-bundle'), 'ROUTED@munich{g3:1(1+0)} WAITING@-{g1:1,g2:1}',
          'seed split 3: the bundle (g1 in stock, g2 missing) waits whole, g3 is routed');
SELECT is(pg_temp.reserved('munich', 'g1'), 0, 'seed split 3: the in-stock bundle item is not reserved');
SELECT ok(pg_temp.routed_are_children('S-bundle'), 'seed split 3: the routed part is a child of the WAITING plan');
SELECT results_eq(
  format($$SELECT tenant_article_id, reason FROM waitroom.waiting_room WHERE order_id = %L ORDER BY 1$$, pg_temp.order_of('S-bundle')),
  $$VALUES ('g1'::text, 'BUNDLE_INCOMPLETE'::text), ('g2', 'BACKORDER_NO_STOCK')$$,
  'waiting_room view: g1 BUNDLE_INCOMPLETE, g2 BACKORDER_NO_STOCK');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after seed split 3');

-- a bundle is routed as one: both lines at one facility
SELECT pg_temp.offer('munich', 'h7', 5);
SELECT pg_temp.offer('dachau', 'h8', 5);
SELECT pg_temp.offer('berlin', 'h7', 5);
SELECT pg_temp.offer('berlin', 'h8', 5);
SELECT pg_temp.place('S-bundle-one', '[{"tenantArticleId": "h7", "quantity": 1, "bundleRef": "K"}, {"tenantArticleId": "h8", "quantity": 1, "bundleRef": "K"}]');
SELECT is(pg_temp.plan_picks('S-bundle-one'), 'ROUTED@berlin{h7:1(1+0),h8:1(1+0)}',
          'a bundle is never split: routed whole to berlin rather than munich + dachau');

-- a unit no facility has any of, beside a routed plan: short-picked there, no plan of its own
SELECT pg_temp.offer('munich', 'k7', 5);
SELECT pg_temp.place('S-notroutable', '[{"tenantArticleId": "k7", "quantity": 1}, {"tenantArticleId": "nowhere-1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('S-notroutable'), 'ROUTED@munich#SHORT_PICKED{k7:1(1+0),nowhere-1:1(0+1)}',
          'rule 2: an unknown article beside a routed plan is short-picked there, no NOT_ROUTABLE plan');
SELECT pg_temp.order_of('S-notroutable') AS o \gset
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = :'o'
            AND parent_routing_plan_id IS NOT NULL), 0::bigint, 'rule 7: one plan, no child plans');

-- ================================================================ rule 3: split off
UPDATE waitroom.routing_strategy SET order_split_active = false;
SELECT pg_temp.offer('munich', 'w1', 5);
SELECT pg_temp.offer('berlin', 'w2', 0, 'BACKORDER');
SELECT pg_temp.place('N-wait', '[{"tenantArticleId": "w1", "quantity": 1}, {"tenantArticleId": "w2", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('N-wait'), 'WAITING@-{w1:1,w2:1}', 'rule 3: split off, a missing backorderable item — the whole order waits');
SELECT is(pg_temp.reserved('munich', 'w1'), 0, 'rule 3: nothing reserved for the waiting order');
SELECT results_eq(
  format($$SELECT tenant_article_id, reason FROM waitroom.waiting_room WHERE order_id = %L ORDER BY 1$$, pg_temp.order_of('N-wait')),
  $$VALUES ('w1'::text, 'WAITING_FOR_OTHER_ITEMS'::text), ('w2', 'BACKORDER_NO_STOCK')$$,
  'waiting_room view: w1 WAITING_FOR_OTHER_ITEMS, w2 BACKORDER_NO_STOCK');

-- not backorderable: routed to the facility that fully serves most units, then most quantity
SELECT pg_temp.offer('munich', 'k1', 2);
SELECT pg_temp.offer('berlin', 'k1', 0);
SELECT pg_temp.offer('berlin', 'k2', 3);
SELECT pg_temp.place('N-short', '[{"tenantArticleId": "k1", "quantity": 2}, {"tenantArticleId": "k2", "quantity": 3}]');
SELECT is(pg_temp.plan_picks('N-short'), 'ROUTED@berlin#SHORT_PICKED{k1:2(0+2),k2:3(3+0)}',
          'rule 3: split off — one plan at berlin (1 unit each, more quantity than munich), k1 short 2');
SELECT is(ARRAY[pg_temp.reserved('berlin', 'k2'), pg_temp.reserved('berlin', 'k1'), pg_temp.reserved('munich', 'k1')],
          ARRAY[3, 0, 0], 'rule 3 short: 3 reserved at berlin k2, none of k1 anywhere');
SELECT pg_temp.offer('munich', 'k3', 2);
SELECT pg_temp.offer('munich', 'k4', 1);
SELECT pg_temp.offer('berlin', 'k4', 2);
SELECT pg_temp.place('N-most-units', '[{"tenantArticleId": "k3", "quantity": 2}, {"tenantArticleId": "k4", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('N-most-units'), 'ROUTED@munich#SHORT_PICKED{k3:2(2+0),k4:2(1+1)}',
          'rule 3: split off — munich serves k3 fully and 1 of k4; short 1');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after split off');
UPDATE waitroom.routing_strategy SET order_split_active = true;

-- ================================================================ rule 4: waiting room off
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = false;
SELECT pg_temp.offer('berlin', 'bo1', 0, 'BACKORDER');
SELECT pg_temp.offer('hamburg', 'bo1', 1, 'BACKORDER');
SELECT pg_temp.offer('munich', 'bo1', 0);
SELECT pg_temp.place('O-stockfirst', '[{"tenantArticleId": "bo1", "quantity": 3}]');
SELECT is(pg_temp.plan_picks('O-stockfirst'), 'ROUTED@hamburg{bo1:3(3+0)}',
          'rule 4: waiting room off — routed to the BACKORDER facility with stock first (hamburg)');
SELECT results_eq($$SELECT on_hand, reserved FROM waitroom.stock WHERE facility_ref = 'hamburg' AND tenant_article_id = 'bo1'$$,
                  $$VALUES (1, 3)$$, 'rule 4: reserved 3 exceeds on_hand 1');
SELECT pg_temp.offer('berlin', 'bo2', 0, 'BACKORDER');
SELECT pg_temp.offer('hamburg', 'bo2', 0, 'BACKORDER');
SELECT pg_temp.place('O-penalty', '[{"tenantArticleId": "bo2", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('O-penalty'), 'ROUTED@berlin{bo2:2(2+0)}',
          'rule 4: no stock anywhere — lowest penalty BACKORDER facility (berlin)');
SELECT is(pg_temp.reserved('berlin', 'bo2'), 2, 'rule 4: 2 reserved at berlin with on_hand 0');
-- a reservation where no stock row exists creates one with on_hand 0
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES ('dachau', 'bo3', 'BACKORDER');
SELECT pg_temp.place('O-norow', '[{"tenantArticleId": "bo3", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('O-norow'), 'ROUTED@dachau{bo3:2(2+0)}', 'rule 4: routed to a BACKORDER listing without a stock row');
SELECT results_eq($$SELECT on_hand, reserved FROM waitroom.stock WHERE facility_ref = 'dachau' AND tenant_article_id = 'bo3'$$,
                  $$VALUES (0, 2)$$, 'rule 4: the reservation created the stock row with on_hand 0');
-- the complete-stock fence in static mode is "waiting room off" too
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = true, complete_stock_fence_mode = 'static';
SELECT pg_temp.offer('berlin', 'bo4', 0, 'BACKORDER');
SELECT pg_temp.place('O-static', '[{"tenantArticleId": "bo4", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('O-static'), 'ROUTED@berlin{bo4:1(1+0)}', 'rule 4: fence active but static — routed to the BACKORDER facility');
-- the flag turns the waiting room on with the fence inactive
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = false, complete_stock_fence_mode = 'reactive',
                                     use_waiting_room_for_pre_back_order_items = true;
SELECT pg_temp.offer('berlin', 'bo5', 0, 'BACKORDER');
SELECT pg_temp.place('O-flag', '[{"tenantArticleId": "bo5", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('O-flag'), 'WAITING@-{bo5:1}', 'use_waiting_room_for_pre_back_order_items with fence inactive: waits');
SELECT is(pg_temp.reserved('berlin', 'bo5'), 0, 'flag: nothing reserved');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after waiting room off');
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = true, use_waiting_room_for_pre_back_order_items = false;

-- ================================================================ pre-orders
SELECT pg_temp.offer('munich', 'pre1', 5, 'PREORDER', preorder_from => now() + interval '1 day');
SELECT pg_temp.place('P-future', '[{"tenantArticleId": "pre1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('P-future'), 'WAITING@-{pre1:1}', 'PREORDER not yet released: waits although on_hand is 5');
SELECT is(pg_temp.reserved('munich', 'pre1'), 0, 'PREORDER future: nothing reserved');
SELECT results_eq(
  format($$SELECT reason, preorder_available_from = now() + interval '1 day' FROM waitroom.waiting_room WHERE order_id = %L$$, pg_temp.order_of('P-future')),
  $$VALUES ('PREORDER_NOT_RELEASED'::text, true)$$,
  'waiting_room view: PREORDER_NOT_RELEASED with preorder_available_from');
SELECT pg_temp.offer('munich', 'pre2', 5, 'PREORDER', preorder_from => now() - interval '1 day');
SELECT pg_temp.place('P-past', '[{"tenantArticleId": "pre2", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('P-past'), 'ROUTED@munich{pre2:2(2+0)}', 'PREORDER released in the past: routed');
SELECT is(pg_temp.reserved('munich', 'pre2'), 2, 'PREORDER past: 2 reserved');
-- a future pre-order listing counts 0: another facility with stock is used instead
SELECT pg_temp.offer('munich', 'pre3', 5, 'PREORDER', preorder_from => now() + interval '1 day');
SELECT pg_temp.offer('berlin', 'pre3', 5);
SELECT pg_temp.place('P-elsewhere', '[{"tenantArticleId": "pre3", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('P-elsewhere'), 'ROUTED@berlin{pre3:1(1+0)}', 'future PREORDER listing counts 0; berlin serves it');

-- ================================================================ rule 5
SELECT pg_temp.offer('munich', 'z1', 0);
SELECT pg_temp.offer('berlin', 'z1', 0);
SELECT pg_temp.place('NR', '[{"tenantArticleId": "z1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('NR'), 'NOT_ROUTABLE@-{z1:1}', 'rule 5: nothing anywhere and not backorderable — NOT_ROUTABLE');
SELECT pg_temp.order_of('NR') AS o \gset
SELECT is((SELECT count(*) FROM waitroom.pick_job WHERE order_id = :'o'), 0::bigint, 'rule 5: no pick job');
SELECT is((SELECT count(*) FROM waitroom.waiting_room WHERE order_id = :'o'), 0::bigint,
          'rule 5: a NOT_ROUTABLE plan is not in the waiting room');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after rule 5');

-- ================================================================ JSON shape (SPEC §2)
SELECT pg_temp.offer('munich', 'j1', 5);
SELECT pg_temp.offer('berlin', 'j2', 0, 'BACKORDER');
SELECT pg_temp.place('J', '[{"tenantArticleId": "j1", "quantity": 2}, {"tenantArticleId": "j2", "quantity": 1}, {"id": "x", "tenantArticleId": "j1", "quantity": 1}]');
SELECT ok((SELECT j ?& ARRAY['orderId', 'tenantOrderId', 'status', 'routingPlans'] FROM placed WHERE tid = 'J'),
          'JSON: orderId, tenantOrderId, status, routingPlans');
SELECT is((SELECT j ->> 'orderId' FROM placed WHERE tid = 'J'), pg_temp.order_of('J')::text, 'JSON: orderId is the stored order');
SELECT is((SELECT j ->> 'tenantOrderId' FROM placed WHERE tid = 'J'), 'J', 'JSON: tenantOrderId');
SELECT is((SELECT j ->> 'status' FROM placed WHERE tid = 'J'), 'OPEN', 'JSON: status OPEN');
SELECT is((SELECT jsonb_array_length(j -> 'routingPlans') FROM placed WHERE tid = 'J'), 2, 'JSON: both plans listed');
SELECT ok((SELECT bool_and(p ?& ARRAY['routingPlanId', 'status', 'facilityRef', 'pickJobId', 'lines'])
             FROM placed, jsonb_array_elements(j -> 'routingPlans') p WHERE tid = 'J'),
          'JSON: every plan has routingPlanId, status, facilityRef, pickJobId, lines');
SELECT ok((SELECT bool_and(l ?& ARRAY['lineId', 'tenantArticleId', 'quantity', 'shortQuantity'])
             FROM placed, jsonb_array_elements(j -> 'routingPlans') p, jsonb_array_elements(p -> 'lines') l WHERE tid = 'J'),
          'JSON: every line has lineId, tenantArticleId, quantity, shortQuantity');
SELECT set_eq(
  $$SELECT p ->> 'routingPlanId' AS a, p ->> 'status' AS b, p ->> 'facilityRef' AS c, p ->> 'pickJobId' AS d
      FROM placed, jsonb_array_elements(j -> 'routingPlans') p WHERE tid = 'J'$$,
  format($$SELECT p.routing_plan_id::text, p.status, p.facility_ref, j.pick_job_id::text
      FROM waitroom.routing_plan p LEFT JOIN waitroom.pick_job j USING (tenant_id, routing_plan_id)
     WHERE p.order_id = %L$$, pg_temp.order_of('J')),
  'JSON: plans match the tables (ids, status, facility, pick job)');
SELECT set_eq(
  $$SELECT p ->> 'status' AS a, l ->> 'lineId' AS b, l ->> 'tenantArticleId' AS c, (l ->> 'quantity')::int AS d, (l ->> 'shortQuantity')::int AS e
      FROM placed, jsonb_array_elements(j -> 'routingPlans') p, jsonb_array_elements(p -> 'lines') l WHERE tid = 'J'$$,
  $$VALUES ('ROUTED', '1', 'j1', 2, 0), ('ROUTED', 'x', 'j1', 1, 0), ('WAITING', '2', 'j2', 1, 0)$$,
  'JSON: lines with default ids "1", "2" and the explicit "x", quantities and short quantities');
SELECT results_eq(
  format($$SELECT line_id, tenant_article_id, quantity FROM waitroom.order_line WHERE order_id = %L ORDER BY position$$, pg_temp.order_of('J')),
  $$VALUES ('1'::text, 'j1'::text, 2), ('2', 'j2', 1), ('x', 'j1', 1)$$,
  'order_line: missing ids default to their position');
SELECT is((SELECT (p ->> 'shortQuantity')::int FROM placed, jsonb_array_elements(j -> 'routingPlans') pp,
                  jsonb_array_elements(pp -> 'lines') p WHERE tid = 'S-short' AND p ->> 'tenantArticleId' = 'd2'),
          2, 'JSON: shortQuantity of a short-picked line');
SELECT is((SELECT p ->> 'facilityRef' FROM placed, jsonb_array_elements(j -> 'routingPlans') p
            WHERE tid = 'S-backorder' AND p ->> 'status' = 'WAITING'), NULL, 'JSON: a WAITING plan has facilityRef null');

SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant reserved = open pick lines, after all scenarios');

SELECT is_empty($$SELECT * FROM waitroom.check_invariants() WHERE invariant <> 'no_lost_wakeup'$$, 'invariants hold');
-- A change of the routing strategy serves the waiting room under the new one (strategy_changed).
SELECT is_empty($$SELECT * FROM waitroom.check_invariants() WHERE invariant = 'no_lost_wakeup'$$,
                'no WAITING plan servable under the strategy now in force');
SELECT * FROM finish();
ROLLBACK;
