BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(89);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa'), ('fb');
INSERT INTO waitroom.facility (facility_ref, status) VALUES ('fo', 'OFFLINE');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('fa', 'nr-1', 'NONE'), ('fa', 'nr-2', 'NONE'), ('fa', 'nr-3', 'NONE'),
  ('fa', 'a-1', 'BACKORDER'), ('fa', 'a-2', 'BACKORDER'), ('fa', 'k-1', 'BACKORDER'), ('fa', 'k-2', 'BACKORDER'),
  ('fa', 'c-1', 'NONE'), ('fa', 'c-w', 'BACKORDER'), ('fa', 'c-s', 'NONE'), ('fa', 'c-n', 'NONE'),
  ('fa', 'e-1', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'c-1', 10), ('fa', 'c-s', 1), ('fa', 'e-1', 3);

-- ---------------------------------------------------------------- reroute / reroute_all
SELECT pg_temp.place_one('N-1', '2026-01-01T00:00:00Z', 'nr-1', 2);
SELECT pg_temp.place_one('N-2', '2026-01-02T00:00:00Z', 'nr-2', 2);
SELECT pg_temp.place_one('N-3', '2026-01-03T00:00:00Z', 'nr-3', 5);
SELECT is(pg_temp.plan_trail('N-1') || ' ' || pg_temp.plan_trail('N-2') || ' ' || pg_temp.plan_trail('N-3'),
          'NOT_ROUTABLE:-:DEFAULT NOT_ROUTABLE:-:DEFAULT NOT_ROUTABLE:-:DEFAULT',
          'no stock, no pre/backorder listing: NOT_ROUTABLE');
SELECT pg_temp.mark('nr-restock');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'nr-1', 5), ('fa', 'nr-2', 3);
SELECT is(pg_temp.plan_trail('N-1') || ' ' || pg_temp.plan_trail('N-2'), 'NOT_ROUTABLE:-:DEFAULT NOT_ROUTABLE:-:DEFAULT',
          'the stock trigger does not retry NOT_ROUTABLE plans');
SELECT is(pg_temp.events_since('nr-restock'), '{}', 'and writes no event for them');
SELECT is(waitroom.reroute(pg_temp.order_of('N-1'))->'routingPlans'->0->>'status', 'ROUTED', 'reroute returns the order JSON, plan ROUTED');
SELECT is(pg_temp.plan_trail('N-1'), 'ROUTED:fa:REROUTE', 'reroute: NOT_ROUTABLE plan routed with run_type REROUTE');
SELECT is(pg_temp.reserved('fa', 'nr-1'), 2, 'reroute reserves 2');
-- reroute_all: N-2 (2 of 3) can be served, N-3 (nr-3: no stock anywhere) can't: 1 plan changed
SELECT is(waitroom.reroute_all(), 1, 'reroute_all returns 1: only N-2 changed');
SELECT is(pg_temp.plan_trail('N-2') || ' ' || pg_temp.plan_trail('N-3'), 'ROUTED:fa:REROUTE NOT_ROUTABLE:-:DEFAULT',
          'reroute_all: N-2 routed (REROUTE), N-3 still NOT_ROUTABLE');
SELECT is(waitroom.reroute_all(), 0, 'reroute_all again: nothing changes, returns 0');
SELECT lives_ok(format('SELECT waitroom.assign_facility(%L, %L)', pg_temp.root_plan('N-3'), 'fb'),
                'assign_facility takes a NOT_ROUTABLE plan');
SELECT is(pg_temp.plan_trail('N-3'), 'ROUTED:fb:MANUAL_ASSIGNMENT', 'the NOT_ROUTABLE plan is ROUTED at fb by MANUAL_ASSIGNMENT');
SELECT is(pg_temp.reserved('fb', 'nr-3'), 5, 'and reserves 5 at fb without stock');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant after reroute: reserved = open pick lines');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'invariant after reroute: nothing lost');

-- ---------------------------------------------------------------- assign_facility, whole
SELECT pg_temp.place_one('A-1', '2026-01-01T00:00:00Z', 'a-1', 3);
CREATE TEMP TABLE a1_plan AS SELECT pg_temp.root_plan('A-1') AS id;
SELECT is(pg_temp.plan_trail('A-1'), 'WAITING:-', 'A-1 waits for a-1');
SELECT pg_temp.mark('assign');
SELECT is(waitroom.assign_facility((SELECT id FROM a1_plan), 'fo')->>'status', 'OPEN', 'assign_facility returns the order JSON');
SELECT is(pg_temp.plan_trail('A-1'), 'ROUTED:fo:MANUAL_ASSIGNMENT', 'assign whole: ROUTED at the OFFLINE facility fo, MANUAL_ASSIGNMENT');
SELECT is(pg_temp.reserved('fo', 'a-1'), 3, 'assign whole: 3 reserved at fo although it has no stock (row created)');
SELECT is((SELECT on_hand FROM waitroom.stock WHERE facility_ref = 'fo' AND tenant_article_id = 'a-1'), 0,
          'the created stock row has on_hand 0');
SELECT is((SELECT j.status || ':' || j.facility_ref FROM waitroom.pick_job j WHERE j.routing_plan_id = (SELECT id FROM a1_plan)),
          'OPEN:fo', 'assign whole: the plan itself gets an OPEN pick job at fo');
SELECT is(pg_temp.events_since('assign'), '{ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', 'assign whole: routed + pick job events');
SELECT throws_ok(format('SELECT waitroom.assign_facility(%L, %L)', (SELECT id FROM a1_plan), 'fb'), '55000', NULL,
                 'assigning a ROUTED plan is 55000');

-- ---------------------------------------------------------------- assign_facility, partial
SELECT pg_temp.place_one('A-2', '2026-01-02T00:00:00Z', 'a-2', 3);
CREATE TEMP TABLE a2_plan AS SELECT pg_temp.root_plan('A-2') AS id;
SELECT pg_temp.mark('assign-partial');
SELECT lives_ok(format('SELECT waitroom.assign_facility(%L, %L, %L)', (SELECT id FROM a2_plan), 'fb',
                       '[{"lineId":"1","quantity":1}]'), 'partial assign of 1 of 3');
SELECT is(pg_temp.plan_lines('A-2'), 'WAITING/1=2 ROUTED/1=1', 'partial assign: 1 routed, 2 keep waiting');
SELECT is((SELECT status || ':' || facility_ref || ':' || run_type FROM waitroom.routing_plan
            WHERE parent_routing_plan_id = (SELECT id FROM a2_plan)),
          'ROUTED:fb:MANUAL_ASSIGNMENT', 'partial assign: a child plan ROUTED at fb by MANUAL_ASSIGNMENT');
SELECT is((SELECT status FROM waitroom.routing_plan WHERE routing_plan_id = (SELECT id FROM a2_plan)), 'WAITING',
          'partial assign: the original plan keeps waiting with its id');
SELECT is((SELECT quantity FROM waitroom.waiting_room WHERE routing_plan_id = (SELECT id FROM a2_plan)), 2,
          'partial assign: the waiting room shows the reduced quantity 2');
SELECT is(pg_temp.reserved('fb', 'a-2'), 1, 'partial assign: 1 reserved at fb');
SELECT is(pg_temp.events_since('assign-partial'),
          '{ROUTING_PLAN_SPLITTED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_WAITING}',
          'partial assign: SPLITTED, the assigned part ROUTED with its pick job, the rest WAITING; nothing else');

-- bundle: a partial assignment may not split it
SELECT pg_temp.place_many('K-1', '2026-01-01T00:00:00Z',
  '[{"id":"1","tenantArticleId":"k-1","quantity":1,"bundleRef":"kit"},{"id":"2","tenantArticleId":"k-2","quantity":1,"bundleRef":"kit"}]');
SELECT throws_ok(format('SELECT waitroom.assign_facility(%L, %L, %L)', pg_temp.root_plan('K-1'), 'fa',
                        '[{"lineId":"1","quantity":1}]'), '22023', NULL, 'partial assign splitting a bundle is 22023');
SELECT is(pg_temp.plan_lines('K-1'), 'WAITING/1=1 WAITING/2=1', 'the rejected assign changed nothing');
SELECT lives_ok(format('SELECT waitroom.assign_facility(%L, %L, %L)', pg_temp.root_plan('K-1'), 'fa',
                       '[{"lineId":"1","quantity":1},{"lineId":"2","quantity":1}]'),
                'partial assign of the whole bundle is allowed');
SELECT is(pg_temp.plan_lines('K-1'), 'ROUTED/1=1 ROUTED/2=1', 'the bundle is routed together');

-- errors
SELECT throws_ok(format('SELECT waitroom.assign_facility(%L, %L)', gen_random_uuid(), 'fa'), 'P0002', NULL,
                 'assign of an unknown plan is P0002');
SELECT throws_ok(format('SELECT waitroom.assign_facility(%L, %L)', (SELECT id FROM a2_plan), 'nowhere'), 'P0002', NULL,
                 'assign to an unknown facility is P0002');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant after assign: reserved = open pick lines');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'invariant after assign: nothing lost');

-- ---------------------------------------------------------------- cancel_order, whole
SELECT pg_temp.place_one('C-1', '2026-01-01T00:00:00Z', 'c-1', 4);
SELECT is(pg_temp.reserved('fa', 'c-1'), 4, 'C-1 routed, 4 reserved');
SELECT pg_temp.mark('cancel-whole');
SELECT is(waitroom.cancel_order(pg_temp.order_of('C-1'))->>'status', 'CANCELLED', 'cancel_order returns the CANCELLED order');
SELECT is((SELECT status FROM waitroom.orders WHERE order_id = pg_temp.order_of('C-1')), 'CANCELLED', 'cancel whole: order CANCELLED');
SELECT is(pg_temp.plan_trail('C-1'), 'CANCELLED:fa:DEFAULT', 'cancel whole: plan CANCELLED, facility kept');
SELECT is((SELECT string_agg(status, ',') FROM waitroom.pick_job WHERE order_id = pg_temp.order_of('C-1')), 'CANCELLED',
          'cancel whole: pick job CANCELLED');
SELECT is(pg_temp.reserved('fa', 'c-1'), 0, 'cancel whole: reservation released');
SELECT is(pg_temp.events_since('cancel-whole'), '{ROUTING_PLAN_CANCELLED,PICK_JOB_CANCELLED,ORDER_CANCELLED}',
          'cancel whole: ROUTING_PLAN_CANCELLED, PICK_JOB_CANCELLED, ORDER_CANCELLED; nothing else');
SELECT throws_ok(format('SELECT waitroom.cancel_order(%L)', pg_temp.order_of('C-1')), '55000', NULL, 'cancel of a cancelled order is 55000');
SELECT throws_ok(format('SELECT waitroom.reroute(%L)', pg_temp.order_of('C-1')), '55000', NULL, 'reroute of a cancelled order is 55000');
SELECT throws_ok(format('SELECT waitroom.assign_facility(%L, %L)', pg_temp.root_plan('C-1'), 'fa'), '55000', NULL,
                 'assigning a CANCELLED plan is 55000');
SELECT throws_ok(format('SELECT waitroom.cancel_order(%L)', gen_random_uuid()), 'P0002', NULL, 'cancel of an unknown order is P0002');
SELECT throws_ok(format('SELECT waitroom.reroute(%L)', gen_random_uuid()), 'P0002', NULL, 'reroute of an unknown order is P0002');

-- whole cancel of an order with a waiting plan and a routed child
SELECT pg_temp.place_one('C-2', '2026-01-03T00:00:00Z', 'a-2', 4);
SELECT waitroom.assign_facility(pg_temp.root_plan('C-2'), 'fb', '[{"lineId":"1","quantity":3}]');
SELECT is(pg_temp.plan_trail_set('C-2'), 'ROUTED:fb:MANUAL_ASSIGNMENT WAITING:-', 'C-2: 3 routed at fb, 1 waiting');
SELECT waitroom.cancel_order(pg_temp.order_of('C-2'));
SELECT is((SELECT string_agg(status || ':' || coalesce(facility_ref, '-'), ' ' ORDER BY status, facility_ref NULLS FIRST)
             FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('C-2')), 'CANCELLED:- CANCELLED:fb',
          'cancel whole: the waiting and the routed plan are CANCELLED');
SELECT is(pg_temp.reserved('fb', 'a-2'), 1, 'cancel whole: C-2''s 3 at fb released (A-2''s 1 stays)');
SELECT is((SELECT count(*) FROM waitroom.waiting_room WHERE order_id = pg_temp.order_of('C-2')), 0::bigint,
          'cancel whole: nothing of C-2 in the waiting room');
SELECT is(pg_temp.line_state('C-2'), '1:0/0/0/0/4', 'cancel whole: cancelled_quantity = 4');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant after whole cancel: reserved = open pick lines');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'invariant after whole cancel: nothing lost');

-- ---------------------------------------------------------------- cancel_order, partial
-- M: line 1 c-w waits (backorder), line 2 c-n NOT_ROUTABLE (no facility has any, nothing routed).
-- S: line 1 c-s short-picked (1 of 3 at fa) beside line 2 c-1 picked: a short part never comes
-- with a NOT_ROUTABLE part in one decision (SPEC §3 rule 2), so it is an order of its own.
SELECT pg_temp.place_many('M', '2026-01-01T00:00:00Z',
  '[{"id":"1","tenantArticleId":"c-w","quantity":5},{"id":"2","tenantArticleId":"c-n","quantity":2}]');
SELECT pg_temp.place_many('S', '2026-01-01T00:00:00Z',
  '[{"id":"1","tenantArticleId":"c-s","quantity":3},{"id":"2","tenantArticleId":"c-1","quantity":1}]');
-- picked part of M's line 1: assign 2 of it to fa; picked part of line 2: assign 1 of it to fb
SELECT waitroom.assign_facility(pg_temp.plan_of('M', 'WAITING'), 'fa', '[{"lineId":"1","quantity":2}]');
SELECT waitroom.assign_facility(pg_temp.plan_of('M', 'NOT_ROUTABLE'), 'fb', '[{"lineId":"2","quantity":1}]');
SELECT is(pg_temp.line_state('M') || ' | ' || pg_temp.line_state('S'), '1:2/0/3/0/0 2:1/0/0/1/0 | 1:1/2/0/0/0 2:1/0/0/0/0',
          'M: line 1 picked 2 + waiting 3, line 2 picked 1 + not routable 1; S: line 1 picked 1 + short 2');
SELECT is(pg_temp.reserved('fa', 'c-w') || '/' || pg_temp.reserved('fa', 'c-s') || '/' || pg_temp.reserved('fb', 'c-n'),
          '2/1/1', 'M reserves 2 c-w at fa and 1 c-n at fb, S 1 c-s at fa');
SELECT pg_temp.mark('partial');
SELECT is(waitroom.cancel_order(pg_temp.order_of('M'), '[{"lineId":"1","quantity":1}]')->>'status', 'OPEN',
          'partial cancel leaves the order OPEN');
SELECT is(pg_temp.line_state('M'), '1:2/0/2/0/1 2:1/0/0/1/0', 'partial cancel takes from the waiting part first');
SELECT is(pg_temp.events_since('partial'), '{ORDER_LINES_CANCELLED}', 'partial cancel: ORDER_LINES_CANCELLED event only');
SELECT is((SELECT jsonb_agg(jsonb_build_object('lineId', l->'lineId', 'quantity', l->'quantity'))
             FROM waitroom.event e, jsonb_array_elements(e.payload->'lines') l
            WHERE e.event = 'ORDER_LINES_CANCELLED' AND e.event_id > (SELECT v FROM mark WHERE k = 'partial')),
          '[{"lineId": "1", "quantity": 1}]'::jsonb, 'ORDER_LINES_CANCELLED names line 1, quantity 1, and no other line');
SELECT waitroom.cancel_order(pg_temp.order_of('M'), '[{"lineId":"1","quantity":3}]');
SELECT is(pg_temp.line_state('M'), '1:1/0/0/0/4 2:1/0/0/1/0', 'cancel 3 of line 1: the 2 waiting, then 1 picked');
SELECT is((SELECT string_agg(x->>'lineId' || ':' || (x->>'quantity') || '-' || (x->>'cancelledQuantity'), ' ')
             FROM jsonb_array_elements(waitroom.order_json(pg_temp.order_of('M'))->'orderLines') x),
          '1:5-4 2:2-0', 'the order JSON lists each line with its cancelled quantity');
SELECT is(pg_temp.reserved('fa', 'c-w'), 1, 'the picked unit cancelled is released at fa');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('M') AND status = 'WAITING'), 0::bigint,
          'the emptied waiting plan is no longer WAITING');
SELECT waitroom.cancel_order(pg_temp.order_of('M'), '[{"lineId":"2","quantity":1}]');
SELECT is(pg_temp.line_state('M'), '1:1/0/0/0/4 2:1/0/0/0/1', 'cancel 1 of line 2: not routable before picked');
SELECT is(pg_temp.reserved('fb', 'c-n'), 1, 'line 2''s picked unit stays reserved at fb');
SELECT waitroom.cancel_order(pg_temp.order_of('S'), '[{"lineId":"1","quantity":1}]');
SELECT is(pg_temp.line_state('S'), '1:1/1/0/0/1 2:1/0/0/0/0', 'cancel 1 of S line 1: short before picked');
SELECT is(pg_temp.reserved('fa', 'c-s'), 1, 'cancelling a short unit releases nothing');
SELECT waitroom.cancel_order(pg_temp.order_of('S'), '[{"lineId":"1","quantity":2}]');
SELECT is(pg_temp.line_state('S'), '1:0/0/0/0/3 2:1/0/0/0/0', 'cancel 2 of S line 1: the last short, then the picked one');
SELECT is(pg_temp.reserved('fa', 'c-s'), 0, 'the picked unit of S line 1 is released');
SELECT throws_ok(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('M'), '[{"lineId":"1","quantity":2}]'),
                 '22023', NULL, 'cancelling 2 of line 1 with 1 left is 22023');
SELECT throws_ok(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('M'), '[{"lineId":"9","quantity":1}]'),
                 '22023', NULL, 'cancelling an unknown line id is 22023');
SELECT throws_ok(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('S'), '[{"lineId":"1","quantity":1}]'),
                 '22023', NULL, 'cancelling a fully cancelled line is 22023');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant after partial cancels: reserved = open pick lines');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'invariant after partial cancels: nothing lost');
SELECT pg_temp.mark('last-lines');
SELECT waitroom.cancel_order(pg_temp.order_of('M'), '[{"lineId":"1","quantity":1},{"lineId":"2","quantity":1}]');
SELECT is((SELECT status FROM waitroom.orders WHERE order_id = pg_temp.order_of('M')), 'CANCELLED',
          'cancelling every remaining line cancels the order');
SELECT is(pg_temp.events_since('last-lines'),
          '{ROUTING_PLAN_CANCELLED,ROUTING_PLAN_CANCELLED,PICK_JOB_CANCELLED,PICK_JOB_CANCELLED,ORDER_CANCELLED}',
          'and writes each open plan''s and pick job''s CANCELLED, then ORDER_CANCELLED; nothing else');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('M') AND status <> 'CANCELLED'), 0::bigint,
          'every plan of M is CANCELLED');
SELECT is((SELECT count(*) FROM waitroom.pick_job WHERE order_id = pg_temp.order_of('M') AND status <> 'CANCELLED'), 0::bigint,
          'every pick job of M is CANCELLED');
SELECT is(pg_temp.reserved('fa', 'c-w') || '/' || pg_temp.reserved('fb', 'c-n'), '0/0', 'M holds no reservation');

-- ---------------------------------------------------------------- cancel releases to the waiting room
SELECT pg_temp.place_one('Q-1', '2026-01-01T00:00:00Z', 'e-1', 3);
SELECT pg_temp.place_one('Q-2', '2026-01-02T00:00:00Z', 'e-1', 2);
SELECT pg_temp.place_one('Q-3', '2026-01-03T00:00:00Z', 'e-1', 1);
SELECT is(pg_temp.plan_trail('Q-1') || ' ' || pg_temp.plan_trail('Q-2') || ' ' || pg_temp.plan_trail('Q-3'),
          'ROUTED:fa:DEFAULT WAITING:- WAITING:-', 'Q-1 takes the 3 e-1, Q-2 and Q-3 wait');
SELECT waitroom.cancel_order(pg_temp.order_of('Q-1'), '[{"lineId":"1","quantity":1}]');
SELECT is(pg_temp.plan_trail('Q-2') || ' ' || pg_temp.plan_trail('Q-3'), 'WAITING:- ROUTED:fa:REACTIVATION',
          'partial cancel frees 1: Q-2 (2) is skipped, Q-3 (1) routed at once');
SELECT waitroom.cancel_order(pg_temp.order_of('Q-1'));
SELECT is(pg_temp.plan_trail('Q-2'), 'ROUTED:fa:REACTIVATION', 'whole cancel of Q-1 frees 2: Q-2 routed in the same transaction');
SELECT is(pg_temp.reserved('fa', 'e-1'), 3, 'e-1 reserved 3 = Q-2 + Q-3');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'invariant at the end: reserved = open pick lines');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'invariant at the end: nothing lost');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
