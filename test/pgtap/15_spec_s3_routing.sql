-- SPEC.md §3: routing rules; the events of each scenario, §5, beside it.
-- Clause by clause, from the outside: what an app or a DBA sees through plain SQL. One file
-- per SPEC section (15_spec_s1 ... s6), each with its own data; one article family per
-- scenario (the stock trigger and reroute_all act on every order of an article).
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(51);

\ir lib/helpers.psql
\ir lib/spec_network.psql

-- ================================================================ §3 routing
-- rule 1 and the penalty
SELECT pg_temp.offer('berlin', 'p-1', 5); SELECT pg_temp.offer('munich', 'p-1', 5);
SELECT pg_temp.mark('p1');
SELECT pg_temp.place('P-1', pg_temp.one_line('p-1', 2));
SELECT is(pg_temp.plan_picks('P-1'), 'ROUTED@munich{p-1:2(2+0)}', '§3.1 complete stock at two: the nearer (munich) wins');
SELECT is(pg_temp.reserved('munich', 'p-1') || '/' || pg_temp.reserved('berlin', 'p-1'), '2/0', '§3.1 stock reserved at munich');
SELECT pg_temp.order_of('P-1') AS o \gset
SELECT is((SELECT status FROM waitroom.pick_job WHERE order_id = :'o'), 'OPEN', '§3.1 one OPEN pick job');
SELECT is(pg_temp.events_since('p1'),
          '{ORDER_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', '§5 routed order: ORDER_CREATED, ROUTING_PLAN_ROUTED, PICK_JOB_CREATED');
SELECT pg_temp.place('P-2', pg_temp.one_line('p-1', 1), near => false);
SELECT is(pg_temp.plan_picks('P-2'), 'ROUTED@berlin{p-1:1(1+0)}', '§3 consumer location unknown: penalty 0 for all, tie by facility_ref (berlin)');
SELECT pg_temp.offer('noloc', 'p-3', 5); SELECT pg_temp.offer('hamburg', 'p-3', 5);
SELECT pg_temp.place('P-3', pg_temp.one_line('p-3', 1));
SELECT is(pg_temp.plan_picks('P-3'), 'ROUTED@hamburg{p-3:1(1+0)}', '§3 a facility without a location ranks after every known distance');
SELECT pg_temp.offer('twin_b', 'p-4', 5); SELECT pg_temp.offer('twin_a', 'p-4', 5);
SELECT pg_temp.place('P-4', pg_temp.one_line('p-4', 1));
SELECT is(pg_temp.plan_picks('P-4'), 'ROUTED@twin_a{p-4:1(1+0)}', '§3 equal penalty: tie broken by facility_ref');
SELECT pg_temp.offer('susp', 'p-5', 5); SELECT pg_temp.offer('off', 'p-5', 5);
SELECT pg_temp.offer('munich', 'p-5', 5, status => 'INACTIVE'); SELECT pg_temp.offer('hamburg', 'p-5', 5);
SELECT pg_temp.place('P-5', pg_temp.one_line('p-5', 1));
SELECT is(pg_temp.plan_picks('P-5'), 'ROUTED@hamburg{p-5:1(1+0)}', '§3 candidates: SUSPENDED / OFFLINE facilities and INACTIVE listings are not used');

-- rule 2: split
SELECT pg_temp.offer('munich', 's-a', 1); SELECT pg_temp.offer('dachau', 's-b', 1);
SELECT pg_temp.mark('s');
SELECT pg_temp.place('S-1', '[{"id": "1", "tenantArticleId": "s-a", "quantity": 1}, {"id": "2", "tenantArticleId": "s-b", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('S-1'), 'ROUTED@dachau{s-b:1(1+0)} ROUTED@munich{s-a:1(1+0)}', '§3.2 no single facility: split into two ROUTED plans');
SELECT is(pg_temp.events_since('s'),
          '{ORDER_CREATED,ROUTING_PLAN_SPLITTED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', '§5 split: ROUTING_PLAN_SPLITTED');
-- fewest plans beats a lower summed penalty
SELECT pg_temp.offer('munich', 'f-a', 1); SELECT pg_temp.offer('dachau', 'f-b', 1);
SELECT pg_temp.offer('augsburg', 'f-c', 1); SELECT pg_temp.offer('augsburg', 'f-d', 1);
SELECT pg_temp.offer('berlin', 'f-a', 1); SELECT pg_temp.offer('berlin', 'f-b', 1);
SELECT pg_temp.place('F-1', '[{"tenantArticleId": "f-a", "quantity": 1}, {"tenantArticleId": "f-b", "quantity": 1},
                           {"tenantArticleId": "f-c", "quantity": 1}, {"tenantArticleId": "f-d", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('F-1'), 'ROUTED@augsburg{f-c:1(1+0),f-d:1(1+0)} ROUTED@berlin{f-a:1(1+0),f-b:1(1+0)}',
          '§3.2 fewest plans (berlin + augsburg) before the lowest summed penalty (munich + dachau + augsburg)');
-- lowest summed penalty
SELECT pg_temp.offer('munich', 'y-a', 1); SELECT pg_temp.offer('berlin', 'y-a', 1);
SELECT pg_temp.offer('hamburg', 'y-b', 1); SELECT pg_temp.offer('dachau', 'y-b', 1);
SELECT pg_temp.place('Y-1', '[{"tenantArticleId": "y-a", "quantity": 1}, {"tenantArticleId": "y-b", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('Y-1'), 'ROUTED@dachau{y-b:1(1+0)} ROUTED@munich{y-a:1(1+0)}', '§3.2 two plans: the lowest summed penalty');
-- max_split_count: most units served within the cap
UPDATE waitroom.routing_strategy SET max_split_count = 2;
SELECT pg_temp.offer('munich', 'm-a', 1); SELECT pg_temp.offer('dachau', 'm-b', 1); SELECT pg_temp.offer('augsburg', 'm-c', 1);
SELECT pg_temp.offer('berlin', 'm-a', 1); SELECT pg_temp.offer('berlin', 'm-b', 1);
SELECT pg_temp.place('M-1', '[{"tenantArticleId": "m-a", "quantity": 1}, {"tenantArticleId": "m-b", "quantity": 1},
                           {"tenantArticleId": "m-c", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('M-1'), 'ROUTED@augsburg{m-c:1(1+0)} ROUTED@berlin{m-a:1(1+0),m-b:1(1+0)}',
          '§3.2 max_split_count 2: the choice serving all units (berlin + augsburg), not the nearest two');
-- left over by the cap, not pre/backorderable: short-picked at the routed plan with the most of it
SELECT pg_temp.offer('munich', 'c-a', 1); SELECT pg_temp.offer('dachau', 'c-b', 1);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('munich', 'c-c'), ('augsburg', 'c-c');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'c-c', 1), ('augsburg', 'c-c', 2);
SELECT pg_temp.place('C-1', '[{"tenantArticleId": "c-a", "quantity": 1}, {"tenantArticleId": "c-b", "quantity": 1},
                           {"tenantArticleId": "c-c", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('C-1'), 'ROUTED@dachau{c-b:1(1+0)} ROUTED@munich#SHORT_PICKED{c-a:1(1+0),c-c:2(1+1)}',
          '§3.2 cap 2: munich + dachau (2 units, lowest penalty); c-c left over, short-picked at munich (1 of 2)');
UPDATE waitroom.routing_strategy SET max_split_count = 3;
-- short pick goes to the routed plan whose facility has the most
SELECT pg_temp.offer('munich', 'k-b', 1); SELECT pg_temp.offer('dachau', 'k-c', 1);
SELECT pg_temp.offer('munich', 'k-a', 1); SELECT pg_temp.offer('dachau', 'k-a', 2);
SELECT pg_temp.place('K-1', '[{"tenantArticleId": "k-a", "quantity": 5}, {"tenantArticleId": "k-b", "quantity": 1},
                           {"tenantArticleId": "k-c", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('K-1'), 'ROUTED@dachau#SHORT_PICKED{k-a:5(2+3),k-c:1(1+0)} ROUTED@munich{k-b:1(1+0)}',
          '§3.2 short pick: k-a goes to the routed plan with the most (dachau: 2 picked, 3 short)');
SELECT pg_temp.order_of('K-1') AS o \gset
SELECT is((SELECT string_agg(facility_ref || ':' || coalesce(sub_status, '-'), ' ' ORDER BY facility_ref)
             FROM waitroom.pick_job WHERE order_id = :'o'),
          'dachau:SHORT_PICKED munich:-', '§1 pick_job.sub_status SHORT_PICKED where a line is short');
SELECT ok((SELECT j @> '{"routingPlans": [{"facilityRef": "dachau", "lines": [{"tenantArticleId": "k-a", "quantity": 5, "shortQuantity": 3}]}]}'
             FROM placed WHERE tid = 'K-1'), '§2 JSON shows shortQuantity 3 on the short line');
-- with no routed plan: the facility with the most
SELECT pg_temp.offer('munich', 'h-a', 1); SELECT pg_temp.offer('dachau', 'h-a', 2);
SELECT pg_temp.place('H-1', pg_temp.one_line('h-a', 5));
SELECT is(pg_temp.plan_picks('H-1'), 'ROUTED@dachau#SHORT_PICKED{h-a:5(2+3)}', '§3.2 short pick with no routed plan: the facility that has the most');
SELECT is(pg_temp.reserved('dachau', 'h-a'), 2, '§3.2 short pick reserves only what is picked');
-- nothing anywhere, not pre/backorderable, beside a routed unit
SELECT pg_temp.offer('munich', 'n-a', 3); SELECT pg_temp.offer('dachau', 'n-b', 0);
SELECT pg_temp.mark('n');
SELECT pg_temp.place('N-1', '[{"tenantArticleId": "n-a", "quantity": 1}, {"tenantArticleId": "n-b", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('N-1'), 'ROUTED@munich#SHORT_PICKED{n-a:1(1+0),n-b:2(0+2)}',
          '§3.2 a unit no facility has any of joins the routed plan, short-picked (never a plan of its own)');
SELECT pg_temp.order_of('N-1') AS o \gset
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = :'o'), 1::bigint,
          '§3.2 ... one plan: no NOT_ROUTABLE plan beside it');
SELECT is(pg_temp.events_since('n'),
          '{ORDER_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', '§5 short pick beside nothing else: ORDER_CREATED, ROUTING_PLAN_ROUTED, PICK_JOB_CREATED; no split, no NOT_ROUTABLE');
-- rule 5
SELECT pg_temp.offer('munich', 'n-x', 0);
SELECT pg_temp.place('N-2', pg_temp.one_line('n-x', 1));
SELECT pg_temp.order_of('N-2') AS o \gset
SELECT is(pg_temp.plan_picks('N-2') || ' jobs=' || (SELECT count(*) FROM waitroom.pick_job WHERE order_id = :'o'),
          'NOT_ROUTABLE@-{n-x:1} jobs=0', '§3.5 nothing available, nothing pre/backorderable: NOT_ROUTABLE, no pick job');

-- rule 2 with the waiting room on (default: fence active + reactive)
SELECT pg_temp.offer('munich', 'w-a', 3); SELECT pg_temp.offer('dachau', 'w-b', 0, 'BACKORDER');
SELECT pg_temp.mark('w');
SELECT pg_temp.place('W-1', '[{"tenantArticleId": "w-a", "quantity": 1}, {"tenantArticleId": "w-b", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('W-1'), 'ROUTED@munich{w-a:1(1+0)} WAITING@-{w-b:2}', '§3.2 backorderable unit waits, the rest is routed');
SELECT ok(pg_temp.routed_are_children('W-1'), '§3.7 the routed part is a child of the WAITING plan');
SELECT pg_temp.plan_of('W-1', 'WAITING') AS p \gset
SELECT ok((SELECT waiting_since IS NOT NULL AND facility_ref IS NULL FROM waitroom.routing_plan
            WHERE routing_plan_id = :'p'), '§1 a WAITING plan has waiting_since and no facility');
SELECT is(pg_temp.events_since('w'),
          '{ORDER_CREATED,ROUTING_PLAN_SPLITTED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_WAITING}', '§5 ROUTING_PLAN_WAITING');
SELECT is(pg_temp.queue('w-b'), 'W-1#1:BACKORDER_NO_STOCK', '§1 waiting_room: BACKORDER_NO_STOCK, queue_position 1');
SELECT pg_temp.order_of('W-1') AS o \gset
SELECT pg_temp.plan_of('W-1', 'WAITING') AS p \gset
SELECT waiting_since AS ws FROM waitroom.routing_plan WHERE routing_plan_id = :'p' \gset
SELECT is((SELECT row(w.order_id = :'o', w.routing_plan_id = :'p', w.quantity,
                      w.waiting_since = :'ws', w.preorder_available_from IS NULL)::text
             FROM waitroom.waiting_room w WHERE w.tenant_article_id = 'w-b'),
          '(t,t,2,t,t)', '§1 waiting_room row: order_id, routing_plan_id, quantity, waiting_since of the plan');
-- a bundle waits as one
SELECT pg_temp.offer('munich', 'b-a', 3); SELECT pg_temp.offer('dachau', 'b-b', 0, 'BACKORDER');
SELECT pg_temp.place('B-1', '[{"tenantArticleId": "b-a", "quantity": 1, "bundleRef": "K"},
                           {"tenantArticleId": "b-b", "quantity": 1, "bundleRef": "K"}]');
SELECT is(pg_temp.plan_picks('B-1'), 'WAITING@-{b-a:1,b-b:1}', '§3 a bundle is never split: it waits whole');
SELECT is(pg_temp.queue('b-a') || ' ' || pg_temp.queue('b-b'), 'B-1#1:BUNDLE_INCOMPLETE B-1#1:BACKORDER_NO_STOCK',
          '§1 waiting_room: the in-stock bundle line is BUNDLE_INCOMPLETE');
SELECT is(pg_temp.reserved('munich', 'b-a'), 0, '§3.6 a waiting plan reserves nothing');

-- several waiting units share one WAITING plan; a bundle waits beside a routed line
SELECT pg_temp.offer('dachau', 'w-c', 0, 'BACKORDER');
SELECT pg_temp.place('W-2', '[{"tenantArticleId": "w-a", "quantity": 1}, {"tenantArticleId": "w-b", "quantity": 1},
                           {"tenantArticleId": "w-c", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('W-2'), 'ROUTED@munich{w-a:1(1+0)} WAITING@-{w-b:1,w-c:1}', '§3.2 the waiting units move to one WAITING plan');
SELECT pg_temp.place('B-2', '[{"tenantArticleId": "b-a", "quantity": 1, "bundleRef": "K"},
                           {"tenantArticleId": "b-b", "quantity": 1, "bundleRef": "K"}, {"tenantArticleId": "w-a", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('B-2'), 'ROUTED@munich{w-a:1(1+0)} WAITING@-{b-a:1,b-b:1}',
          '§3.2 a bundle is pre/backorderable when any line in it is: the whole bundle waits, the rest is routed');
-- a bundle stays at one facility
SELECT pg_temp.offer('munich', 'u-1', 1); SELECT pg_temp.offer('munich', 'u-3', 1); SELECT pg_temp.offer('dachau', 'u-2', 1);
SELECT pg_temp.offer('berlin', 'u-1', 1); SELECT pg_temp.offer('berlin', 'u-2', 1);
SELECT pg_temp.place('U-1', '[{"tenantArticleId": "u-1", "quantity": 1, "bundleRef": "B"},
                           {"tenantArticleId": "u-2", "quantity": 1, "bundleRef": "B"}, {"tenantArticleId": "u-3", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('U-1'), 'ROUTED@berlin{u-1:1(1+0),u-2:1(1+0)} ROUTED@munich{u-3:1(1+0)}',
          '§3 a bundle is never split: it goes whole to berlin, not u-1 munich + u-2 dachau');
-- candidates for pre/backorderability and stock
SELECT pg_temp.offer('susp', 'cb', NULL, 'BACKORDER'); SELECT pg_temp.offer('munich', 'cb', 0);
SELECT pg_temp.place('CB-1', pg_temp.one_line('cb', 1));
SELECT is(pg_temp.plan_picks('CB-1'), 'NOT_ROUTABLE@-{cb:1}', '§3 a BACKORDER listing at a SUSPENDED facility does not make a line backorderable');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'nl', 5);
SELECT pg_temp.offer('hamburg', 'nl', 5);
SELECT pg_temp.place('NL-1', pg_temp.one_line('nl', 1));
SELECT is(pg_temp.plan_picks('NL-1'), 'ROUTED@hamburg{nl:1(1+0)}', '§3 stock without a listing is not a candidate');

-- rule 3: split not active
UPDATE waitroom.routing_strategy SET order_split_active = false;
SELECT pg_temp.offer('munich', 'x-a', 3); SELECT pg_temp.offer('dachau', 'x-b', 0, 'BACKORDER');
SELECT pg_temp.place('X-1', '[{"tenantArticleId": "x-a", "quantity": 1}, {"tenantArticleId": "x-b", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('X-1'), 'WAITING@-{x-a:1,x-b:1}', '§3.3 split off, a missing unit backorderable: the whole order waits');
SELECT is(pg_temp.queue('x-a'), 'X-1#1:WAITING_FOR_OTHER_ITEMS', '§1 waiting_room: the in-stock line is WAITING_FOR_OTHER_ITEMS');
SELECT pg_temp.offer('munich', 'z-a', 1); SELECT pg_temp.offer('berlin', 'z-b', 1); SELECT pg_temp.offer('berlin', 'z-c', 1);
SELECT pg_temp.place('Z-1', '[{"tenantArticleId": "z-a", "quantity": 1}, {"tenantArticleId": "z-b", "quantity": 1},
                           {"tenantArticleId": "z-c", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('Z-1'), 'ROUTED@berlin#SHORT_PICKED{z-a:1(0+1),z-b:1(1+0),z-c:1(1+0)}',
          '§3.3 split off: routed whole where most units are served (berlin), the missing one short-picked');
SELECT pg_temp.offer('munich', 'q-a', 1); SELECT pg_temp.offer('munich', 'q-c', 2);
SELECT pg_temp.offer('berlin', 'q-b', 1); SELECT pg_temp.offer('berlin', 'q-c', 4);
SELECT pg_temp.place('Q-1', '[{"tenantArticleId": "q-a", "quantity": 1}, {"tenantArticleId": "q-b", "quantity": 1},
                           {"tenantArticleId": "q-c", "quantity": 5}]');
SELECT is(pg_temp.plan_picks('Q-1'), 'ROUTED@berlin#SHORT_PICKED{q-a:1(0+1),q-b:1(1+0),q-c:5(4+1)}',
          '§3.3 split off, equal units: the most quantity (berlin 5 vs munich 3) before the penalty');
UPDATE waitroom.routing_strategy SET order_split_active = true;
SELECT waitroom.cancel_order(pg_temp.order_of('X-1'));  -- servable in part once split is on again: out of reroute_all's way

-- waiting room on/off and rule 4
SELECT pg_temp.offer('munich', 'o-1', NULL, 'BACKORDER');
UPDATE waitroom.routing_strategy SET complete_stock_fence_mode = 'static';
SELECT pg_temp.place('O-1', pg_temp.one_line('o-1', 2));
SELECT is(pg_temp.plan_picks('O-1'), 'ROUTED@munich{o-1:2(2+0)}', '§3.4 fence static, flag false: waiting room off, routed without stock check');
SELECT is((SELECT on_hand || '/' || reserved FROM waitroom.stock WHERE facility_ref = 'munich' AND tenant_article_id = 'o-1'),
          '0/2', '§1/§3.4 the reservation creates the missing stock row with on_hand 0');
UPDATE waitroom.routing_strategy SET use_waiting_room_for_pre_back_order_items = true;
SELECT pg_temp.place('O-2', pg_temp.one_line('o-1', 1));
SELECT is(pg_temp.plan_picks('O-2'), 'WAITING@-{o-1:1}', '§3 fence static + flag true: waiting room on');
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = false;
SELECT pg_temp.place('O-3', pg_temp.one_line('o-1', 1));
SELECT is(pg_temp.plan_picks('O-3'), 'WAITING@-{o-1:1}', '§3 fence inactive + flag true: waiting room on');
UPDATE waitroom.routing_strategy SET use_waiting_room_for_pre_back_order_items = false, complete_stock_fence_mode = 'reactive';
SELECT pg_temp.offer('munich', 'o-4', 0, 'BACKORDER'); SELECT pg_temp.offer('berlin', 'o-4', 1, 'BACKORDER');
SELECT pg_temp.place('O-4', pg_temp.one_line('o-4', 3));
SELECT is(pg_temp.plan_picks('O-4'), 'ROUTED@berlin{o-4:3(3+0)}', '§3.4 fence inactive, flag false: routed to the BACKORDER listing with stock first');
SELECT is(pg_temp.reserved('berlin', 'o-4'), 3, '§3.4 reserved beyond on_hand (3 of 1)');
SELECT pg_temp.offer('dachau', 'o-5', 0, 'PREORDER', preorder_from => '2099-01-01'); SELECT pg_temp.offer('munich', 'o-5', 0, 'BACKORDER');
SELECT pg_temp.place('O-5', pg_temp.one_line('o-5', 1));
SELECT is(pg_temp.plan_picks('O-5'), 'ROUTED@munich{o-5:1(1+0)}', '§3.4 no stock anywhere: the lowest penalty');
SELECT pg_temp.offer('munich', 'o-7a', 1); SELECT pg_temp.offer('dachau', 'o-7b', NULL, 'BACKORDER');
SELECT pg_temp.place('O-7', '[{"tenantArticleId": "o-7a", "quantity": 1}, {"tenantArticleId": "o-7b", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('O-7'), 'ROUTED@dachau{o-7b:2(2+0)} ROUTED@munich{o-7a:1(1+0)}',
          '§3.4 waiting room off: the in-stock line routed by stock, the backorder line routed without a stock check');
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = true;
SELECT pg_temp.place('O-6', pg_temp.one_line('o-1', 1));
SELECT is(pg_temp.plan_picks('O-6'), 'WAITING@-{o-1:1}', '§3 defaults again (fence active + reactive): waiting room on');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
