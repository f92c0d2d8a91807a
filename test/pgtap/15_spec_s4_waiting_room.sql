-- SPEC.md §4: the waiting room, manual actions; the events of each scenario, §5, beside it.
-- Clause by clause, from the outside: what an app or a DBA sees through plain SQL. One file
-- per SPEC section (15_spec_s1 ... s6), each with its own data; one article family per
-- scenario (the stock trigger and reroute_all act on every order of an article).
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(65);

\ir lib/helpers.psql
\ir lib/spec_network.psql

-- ================================================================ §4 the waiting room
-- reroute_all: only plans that change are counted (every unrouted plan so far stays as it is)
SELECT pg_temp.offer('munich', 'ra', 0);
SELECT pg_temp.place('RA-1', pg_temp.one_line('ra', 2));
UPDATE waitroom.stock SET on_hand = 2 WHERE facility_ref = 'munich' AND tenant_article_id = 'ra';
SELECT is(pg_temp.plan_picks('RA-1'), 'NOT_ROUTABLE@-{ra:2}', '§4 NOT_ROUTABLE plans are not retried by the stock trigger');
SELECT is(waitroom.reroute_all(), 1, '§2 reroute_all returns how many plans changed (1)');
SELECT is(pg_temp.plan_picks('RA-1'), 'ROUTED@munich{ra:2(2+0)}', '§2 reroute_all routed the NOT_ROUTABLE plan');
SELECT is(waitroom.reroute_all(), 0, '§2 reroute_all again: nothing changes, 0');
SELECT pg_temp.offer('munich', 'rr', 0);
SELECT pg_temp.place('RR-1', pg_temp.one_line('rr', 1));
UPDATE waitroom.stock SET on_hand = 1 WHERE facility_ref = 'munich' AND tenant_article_id = 'rr';
SELECT pg_temp.mark('rr');
SELECT is(waitroom.reroute(pg_temp.order_of('RR-1'))->'routingPlans'->0->>'status', 'ROUTED', '§2 reroute retries a NOT_ROUTABLE plan, returns the order');
SELECT is(pg_temp.events_since('rr'),
          '{ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', '§5 reroute: ROUTING_PLAN_ROUTED, PICK_JOB_CREATED');

-- the stock trigger: on_hand rise, insert, release of reserved
SELECT pg_temp.offer('munich', 't-1', 0, 'BACKORDER');
SELECT pg_temp.place('T-1', pg_temp.one_line('t-1', 2));
UPDATE waitroom.stock SET on_hand = 2 WHERE facility_ref = 'munich' AND tenant_article_id = 't-1';
SELECT is(pg_temp.plan_picks('T-1'), 'ROUTED@munich{t-1:2(2+0)}', '§4 a rise of on_hand routes the waiting plan');
SELECT pg_temp.offer('dachau', 't-2', NULL, 'BACKORDER');
SELECT pg_temp.place('T-2', pg_temp.one_line('t-2', 3));
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('dachau', 't-2', 3);
SELECT is(pg_temp.plan_picks('T-2'), 'ROUTED@dachau{t-2:3(3+0)}', '§4 an insert of stock routes the waiting plan');
SELECT is(pg_temp.reserved('dachau', 't-2'), 3, '§4 and reserves');
SELECT pg_temp.offer('munich', 't-3', 2, 'BACKORDER');
SELECT pg_temp.place('T-3a', pg_temp.one_line('t-3', 2));
SELECT pg_temp.place('T-3b', pg_temp.one_line('t-3', 2));
SELECT is(pg_temp.plan_picks('T-3b'), 'WAITING@-{t-3:2}', 'T-3b waits behind T-3a''s reservation');
SELECT pg_temp.mark('t3');
SELECT waitroom.cancel_order(pg_temp.order_of('T-3a'));
SELECT is(pg_temp.plan_picks('T-3b'), 'ROUTED@munich{t-3:2(2+0)}', '§4 cancelling releases reservations, which serve waiting plans at once');
SELECT is(pg_temp.events_since('t3'),
          '{ROUTING_PLAN_CANCELLED,PICK_JOB_CANCELLED,ORDER_CANCELLED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}',
          '§5 cancel: ORDER_CANCELLED, ROUTING_PLAN_CANCELLED, PICK_JOB_CANCELLED');
SELECT pg_temp.offer('munich', 'pc', 3, 'BACKORDER');
SELECT pg_temp.place('PC-a', pg_temp.one_line('pc', 3));
SELECT pg_temp.place('PC-b', pg_temp.one_line('pc', 1));
SELECT waitroom.cancel_order(pg_temp.order_of('PC-a'), '[{"lineId": "1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('PC-a') || ' ' || pg_temp.plan_picks('PC-b'), 'ROUTED@munich{pc:2(2+0)} ROUTED@munich{pc:1(1+0)}',
          '§4 a partial cancel releases its reservation, which serves a waiting plan at once');
-- served part routed, the rest keeps waiting under the plan's id
SELECT pg_temp.offer('munich', 't-4a', 0, 'BACKORDER'); SELECT pg_temp.offer('munich', 't-4b', 0, 'BACKORDER');
SELECT pg_temp.place('T-4', '[{"tenantArticleId": "t-4a", "quantity": 1}, {"tenantArticleId": "t-4b", "quantity": 1}]');
CREATE TEMP TABLE t4 AS SELECT pg_temp.plan_of('T-4', 'WAITING') AS id;
SELECT pg_temp.mark('t4');
UPDATE waitroom.stock SET on_hand = 1 WHERE facility_ref = 'munich' AND tenant_article_id = 't-4a';
SELECT is(pg_temp.plan_picks('T-4'), 'ROUTED@munich{t-4a:1(1+0)} WAITING@-{t-4b:1}', '§4 split active: the served part is routed, the rest waits');
SELECT is(pg_temp.plan_of('T-4', 'WAITING'), (SELECT id FROM t4), '§3.7 the part that stays WAITING keeps the plan''s id');
SELECT ok(pg_temp.routed_are_children('T-4'), '§3.7 the routed part is a child plan of it');
SELECT is(pg_temp.events_since('t4'),
          '{ROUTING_PLAN_SPLITTED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_WAITING}',
          '§5 a waiting plan split by a restock: ROUTING_PLAN_SPLITTED, ROUTING_PLAN_ROUTED, PICK_JOB_CREATED');
-- listing and facility changes
SELECT pg_temp.offer('munich', 'l-1', 0, 'BACKORDER'); SELECT pg_temp.offer('dachau', 'l-1', 5, status => 'INACTIVE');
SELECT pg_temp.place('L-1', pg_temp.one_line('l-1', 1));
UPDATE waitroom.listing SET status = 'ACTIVE' WHERE facility_ref = 'dachau' AND tenant_article_id = 'l-1';
SELECT is(pg_temp.plan_picks('L-1'), 'ROUTED@dachau{l-1:1(1+0)}', '§4 a listing becoming ACTIVE re-routes waiting plans');
SELECT pg_temp.offer('munich', 'l-2', 0, 'BACKORDER'); SELECT pg_temp.offer('later', 'l-2', 5);
SELECT pg_temp.place('L-2', pg_temp.one_line('l-2', 1));
UPDATE waitroom.facility SET status = 'ONLINE' WHERE facility_ref = 'later';
SELECT is(pg_temp.plan_picks('L-2'), 'ROUTED@later{l-2:1(1+0)}', '§4 a facility going ONLINE re-routes waiting plans');
SELECT pg_temp.offer('munich', 'l-3', 4, 'PREORDER', preorder_from => '2099-01-01');
SELECT pg_temp.place('L-3', pg_temp.one_line('l-3', 1));
UPDATE waitroom.listing SET preorder_available_from = now() - interval '1 day' WHERE tenant_article_id = 'l-3';
SELECT is(pg_temp.plan_picks('L-3'), 'ROUTED@munich{l-3:1(1+0)}', '§4 a pre-order time moved into the past re-routes waiting plans');
SELECT pg_temp.offer('munich', 'l-4', 3, 'PREORDER', preorder_from => '2099-01-01');
SELECT pg_temp.place('L-4', pg_temp.one_line('l-4', 1));
UPDATE waitroom.listing SET out_of_stock_behaviour = 'NONE', preorder_available_from = NULL WHERE tenant_article_id = 'l-4';
SELECT is(pg_temp.plan_picks('L-4'), 'ROUTED@munich{l-4:1(1+0)}', '§4 a listing behaviour change re-routes waiting plans');
SELECT pg_temp.offer('munich', 'l-5', 0);
SELECT pg_temp.place('L-5', pg_temp.one_line('l-5', 1));
UPDATE waitroom.listing SET out_of_stock_behaviour = 'BACKORDER' WHERE tenant_article_id = 'l-5';
UPDATE waitroom.stock SET on_hand = 3 WHERE tenant_article_id = 'l-5';
SELECT is(pg_temp.plan_picks('L-5'), 'NOT_ROUTABLE@-{l-5:1}', '§4 NOT_ROUTABLE plans are not retried by listing or stock changes');
-- available = max(on_hand - reserved, 0)
SELECT pg_temp.offer('munich', 'av', 1, 'BACKORDER');
SELECT pg_temp.place('AV-1', pg_temp.one_line('av', 4));
SELECT waitroom.assign_facility(pg_temp.plan_of('AV-1', 'WAITING'), 'munich');
SELECT pg_temp.place('AV-2', pg_temp.one_line('av', 1));
UPDATE waitroom.stock SET on_hand = 3 WHERE facility_ref = 'munich' AND tenant_article_id = 'av';
SELECT is(pg_temp.plan_picks('AV-2'), 'WAITING@-{av:1}', '§3 available is max(on_hand - reserved, 0): 3 on hand, 4 reserved, nothing for AV-2');
UPDATE waitroom.stock SET on_hand = 5 WHERE facility_ref = 'munich' AND tenant_article_id = 'av';
SELECT is(pg_temp.plan_picks('AV-2'), 'ROUTED@munich{av:1(1+0)}', '§4 ... and 5 on hand serves it');
-- the cap counts the routed plans of one routing decision
UPDATE waitroom.routing_strategy SET max_split_count = 1;
SELECT pg_temp.offer('munich', 'cap-a', 1); SELECT pg_temp.offer('dachau', 'cap-b', NULL, 'BACKORDER');
SELECT pg_temp.place('CAP-1', '[{"tenantArticleId": "cap-a", "quantity": 1}, {"tenantArticleId": "cap-b", "quantity": 1}]');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('dachau', 'cap-b', 1);
SELECT is(pg_temp.plan_picks('CAP-1'), 'ROUTED@dachau{cap-b:1(1+0)} ROUTED@munich{cap-a:1(1+0)}',
          '§3.2 max_split_count counts per routing decision: a second decision may route another plan');
UPDATE waitroom.routing_strategy SET max_split_count = 3;
-- split off: a waiting plan partly servable keeps waiting whole
UPDATE waitroom.routing_strategy SET order_split_active = false;
SELECT pg_temp.offer('munich', 'sw-a', NULL, 'BACKORDER'); SELECT pg_temp.offer('munich', 'sw-b', NULL, 'BACKORDER');
SELECT pg_temp.place('SW-1', '[{"tenantArticleId": "sw-a", "quantity": 1}, {"tenantArticleId": "sw-b", "quantity": 1}]');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'sw-a', 1);
SELECT is(pg_temp.plan_picks('SW-1'), 'WAITING@-{sw-a:1,sw-b:1}', '§4 split not active: a re-routed waiting plan with one unit short keeps waiting whole');
UPDATE waitroom.routing_strategy SET order_split_active = true;
SELECT waitroom.cancel_order(pg_temp.order_of('SW-1'));

-- pre-orders and release_due
SELECT pg_temp.offer('munich', 'pre', 5, 'PREORDER', preorder_from => '2099-01-01T00:00:00Z');
SELECT pg_temp.place('PRE-1', pg_temp.one_line('pre', 2));
SELECT is(pg_temp.plan_picks('PRE-1'), 'WAITING@-{pre:2}', '§3 a PREORDER listing not yet released counts 0 available: the order waits');
SELECT is((SELECT reason || ' ' || preorder_available_from FROM waitroom.waiting_room WHERE tenant_article_id = 'pre'),
          'PREORDER_NOT_RELEASED ' || '2099-01-01T00:00:00Z'::timestamptz, '§1 waiting_room: PREORDER_NOT_RELEASED with preorder_available_from');
SELECT is(waitroom.release_due('2098-12-31T00:00:00Z'), 0, '§2 release_due before the time: nothing changes');
SELECT is(waitroom.release_due('2099-01-01T00:00:01Z'), 1, '§2 release_due at the time: 1 plan changed');
SELECT is(pg_temp.plan_picks('PRE-1'), 'ROUTED@munich{pre:2(2+0)}', '§4 the released pre-order is routed');

-- priorities
SELECT pg_temp.offer('munich', 'q1', NULL, 'BACKORDER');
SELECT pg_temp.place('FF-old', pg_temp.one_line('q1', 5), '{"orderDate": "2026-01-01T00:00:00Z"}');
SELECT pg_temp.place('FF-new', pg_temp.one_line('q1', 2), '{"orderDate": "2026-01-02T00:00:00Z"}');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'q1', 3);
SELECT is(pg_temp.plan_picks('FF-old') || ' ' || pg_temp.plan_picks('FF-new'), 'WAITING@-{q1:5} ROUTED@munich{q1:2(2+0)}',
          '§4 FIFO: the unserved older plan is skipped, a later one takes the stock (first fit)');
SELECT pg_temp.offer('munich', 'q2', NULL, 'BACKORDER');
SELECT pg_temp.place('F2-late', pg_temp.one_line('q2', 2), '{"orderDate": "2026-02-02T00:00:00Z"}');
SELECT pg_temp.place('F2-early', pg_temp.one_line('q2', 2), '{"orderDate": "2026-02-01T00:00:00Z"}');
SELECT is(pg_temp.queue('q2'), 'F2-early#1:BACKORDER_NO_STOCK F2-late#2:BACKORDER_NO_STOCK', '§1 queue_position follows order_date (FIFO)');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'q2', 2);
SELECT is(pg_temp.plan_picks('F2-early') || ' ' || pg_temp.plan_picks('F2-late'), 'ROUTED@munich{q2:2(2+0)} WAITING@-{q2:2}',
          '§4 FIFO: oldest order_date first (not the order of placing)');
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'STRICT_FIFO';
SELECT pg_temp.offer('munich', 'q3', NULL, 'BACKORDER');
SELECT pg_temp.place('SF-old', pg_temp.one_line('q3', 5), '{"orderDate": "2026-03-01T00:00:00Z"}');
SELECT pg_temp.place('SF-new', pg_temp.one_line('q3', 2), '{"orderDate": "2026-03-02T00:00:00Z"}');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'q3', 3);
SELECT is(pg_temp.plan_picks('SF-old') || ' ' || pg_temp.plan_picks('SF-new'), 'WAITING@-{q3:5} WAITING@-{q3:2}',
          '§4 STRICT_FIFO: a later plan does not take stock an earlier unserved plan needs');
SELECT pg_temp.place('SF-newer', pg_temp.one_line('q3', 1), '{"orderDate": "2026-03-03T00:00:00Z"}');
SELECT is(pg_temp.plan_picks('SF-newer'), 'WAITING@-{q3:1}', '§4 STRICT_FIFO applies to new orders too');
SELECT is(pg_temp.queue('q3'), 'SF-old#1:BACKORDER_NO_STOCK SF-new#2:QUEUED_BEHIND_EARLIER_ORDERS SF-newer#3:QUEUED_BEHIND_EARLIER_ORDERS',
          '§1 waiting_room: QUEUED_BEHIND_EARLIER_ORDERS under STRICT_FIFO, queue positions 1..3');
UPDATE waitroom.stock SET on_hand = 7 WHERE facility_ref = 'munich' AND tenant_article_id = 'q3';
SELECT is(pg_temp.plan_picks('SF-old') || ' ' || pg_temp.plan_picks('SF-new') || ' ' || pg_temp.plan_picks('SF-newer'),
          'ROUTED@munich{q3:5(5+0)} ROUTED@munich{q3:2(2+0)} WAITING@-{q3:1}', '§4 STRICT_FIFO: served in order, as far as stock goes');
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'PRIORITY';
SELECT pg_temp.offer('munich', 'q4', NULL, 'BACKORDER');
SELECT pg_temp.place('PR-low', pg_temp.one_line('q4', 2), '{"orderDate": "2026-04-01T00:00:00Z", "priority": 0}');
SELECT pg_temp.place('PR-high', pg_temp.one_line('q4', 2), '{"orderDate": "2026-04-02T00:00:00Z", "priority": 5}');
SELECT is(pg_temp.queue('q4'), 'PR-high#1:BACKORDER_NO_STOCK PR-low#2:BACKORDER_NO_STOCK', '§1 queue_position under PRIORITY');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'q4', 2);
SELECT is(pg_temp.plan_picks('PR-high') || ' ' || pg_temp.plan_picks('PR-low'), 'ROUTED@munich{q4:2(2+0)} WAITING@-{q4:2}',
          '§4 PRIORITY: higher priority first');
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'FIFO';

-- manual actions
SELECT pg_temp.offer('munich', 'ma', NULL, 'BACKORDER');
SELECT pg_temp.place('MA-1', pg_temp.one_line('ma', 3));
SELECT is(waitroom.assign_facility(pg_temp.plan_of('MA-1', 'WAITING'), 'off')->'routingPlans'->0->>'facilityRef', 'off',
          '§4 assign_facility to an OFFLINE facility is allowed, returns the order');
SELECT pg_temp.order_of('MA-1') AS o \gset
SELECT is((SELECT status || ':' || run_type FROM waitroom.routing_plan WHERE order_id = :'o'),
          'ROUTED:MANUAL_ASSIGNMENT', '§4 the assigned plan is ROUTED, run_type MANUAL_ASSIGNMENT');
SELECT is((SELECT on_hand || '/' || reserved FROM waitroom.stock WHERE facility_ref = 'off' AND tenant_article_id = 'ma'),
          '0/3', '§1 assign reserves 3 at a facility without a stock row: row created with on_hand 0');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L)', pg_temp.plan_of('MA-1', 'ROUTED'), 'munich')),
            '55000:%', '§4 assign_facility of a ROUTED plan: 55000');
-- partial assign, then partial cancel: waiting part first, then picked
SELECT pg_temp.offer('munich', 'pa', NULL, 'BACKORDER');
SELECT pg_temp.place('PA-1', pg_temp.one_line('pa', 5));
CREATE TEMP TABLE pa AS SELECT pg_temp.plan_of('PA-1', 'WAITING') AS id;
SELECT waitroom.assign_facility((SELECT id FROM pa), 'dachau', '[{"lineId": "1", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('PA-1'), 'ROUTED@dachau{pa:2(2+0)} WAITING@-{pa:3}', '§2 partial assign splits that part off and assigns only it');
SELECT ok(pg_temp.plan_of('PA-1', 'WAITING') = (SELECT id FROM pa) AND pg_temp.routed_are_children('PA-1'),
          '§3.7 the waiting part keeps the id, the assigned part is its child');
SELECT pg_temp.mark('pa');
SELECT is(waitroom.cancel_order(pg_temp.order_of('PA-1'), '[{"lineId": "1", "quantity": 4}]')->>'status', 'OPEN',
          '§2 partial cancel returns the order, still OPEN');
SELECT is(pg_temp.line_state('PA-1') || ' reserved=' || pg_temp.reserved('dachau', 'pa'), '1:1/0/0/0/4 reserved=1',
          '§4 partial cancel of 4: the 3 waiting first, then 1 picked; reservation shrinks');
SELECT is(pg_temp.events_since('pa'),
          '{ROUTING_PLAN_CANCELLED,ORDER_LINES_CANCELLED}', '§5 partial cancel: ORDER_LINES_CANCELLED');
-- short before picked
SELECT pg_temp.offer('munich', 'sc', 2);
SELECT pg_temp.place('SC-1', pg_temp.one_line('sc', 5));
SELECT waitroom.cancel_order(pg_temp.order_of('SC-1'), '[{"lineId": "1", "quantity": 3}]');
SELECT is(pg_temp.line_state('SC-1'), '1:2/0/0/0/3', '§4 partial cancel takes the short part before the picked part');
SELECT is(pg_temp.reserved('munich', 'sc'), 2, '§4 ... and keeps the picked reservation');
SELECT pg_temp.order_of('SC-1') AS o \gset
SELECT is((SELECT coalesce(sub_status, 'none') FROM waitroom.pick_job WHERE order_id = :'o'), 'none',
          '§1 with no line short any more, the pick job is no longer SHORT_PICKED');
-- not routable before picked; cancelling every line cancels the order (no facility has any
-- of either line and nothing is routed: one NOT_ROUTABLE plan, SPEC §3 rule 2)
SELECT pg_temp.offer('munich', 'nc', 0);
SELECT pg_temp.place('NC-1', '[{"tenantArticleId": "nc", "quantity": 4}, {"tenantArticleId": "nc-none", "quantity": 1}]');
SELECT waitroom.assign_facility(pg_temp.plan_of('NC-1', 'NOT_ROUTABLE'), 'munich',
                                '[{"lineId": "1", "quantity": 1}, {"lineId": "2", "quantity": 1}]');
SELECT waitroom.cancel_order(pg_temp.order_of('NC-1'), '[{"lineId": "1", "quantity": 3}]');
SELECT is(pg_temp.line_state('NC-1'), '1:1/0/0/0/3 2:1/0/0/0/0',
          '§4 partial cancel takes the not routable part before the picked part');
SELECT is(waitroom.cancel_order(pg_temp.order_of('NC-1'), '[{"lineId": "1", "quantity": 1}, {"lineId": "2", "quantity": 1}]')->>'status',
          'CANCELLED', '§4 cancelling every line cancels the order');
SELECT pg_temp.order_of('NC-1') AS o \gset
SELECT is((SELECT count(*) FROM waitroom.pick_job WHERE order_id = :'o' AND status = 'OPEN')
          || '/' || pg_temp.reserved('munich', 'nc'), '0/0', '§2 ... its pick jobs cancelled, reservations released');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.cancel_order(%L)', pg_temp.order_of('NC-1'))), '55000:%', '§6 cancel a cancelled order: 55000');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.reroute(%L)', pg_temp.order_of('NC-1'))), '55000:%', '§4 reroute of a cancelled order: 55000');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L)',
                               (SELECT routing_plan_id FROM waitroom.routing_plan WHERE order_id = :'o' LIMIT 1), 'munich')),
            '55000:%', '§6 assign a cancelled plan: 55000');
-- a partial assignment may not split a bundle
SELECT pg_temp.offer('munich', 'bd', NULL, 'BACKORDER');
SELECT pg_temp.place('BD-1', '[{"tenantArticleId": "bd", "quantity": 2, "bundleRef": "K"}, {"tenantArticleId": "bd", "quantity": 1, "bundleRef": "K"},
                            {"tenantArticleId": "bd", "quantity": 1}]');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L, %L)', pg_temp.plan_of('BD-1', 'WAITING'), 'dachau',
                               '[{"lineId": "1", "quantity": 2}]')),
            '22023:%', '§4 a partial assignment splitting a bundle: 22023');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L, %L)', pg_temp.plan_of('BD-1', 'WAITING'), 'dachau',
                               '[{"lineId": "1", "quantity": 1}]')),
            '22023:%', '§4 ... also when it takes part of a bundle line''s quantity');
SELECT waitroom.assign_facility(pg_temp.plan_of('BD-1', 'WAITING'), 'dachau', '[{"lineId": "1", "quantity": 2}, {"lineId": "2", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('BD-1'), 'ROUTED@dachau{bd:2(2+0),bd:1(1+0)} WAITING@-{bd:1}', '§4 a partial assignment of a whole bundle is allowed');


-- ================================================================ §4 invariants over everything above
SELECT is(pg_temp.bad_reserved(), 0::bigint, '§4 reserved equals the open pick-line quantities at every stock row');
SELECT is(pg_temp.lost_lines(), 0::bigint, '§4 nothing lost: picked + short + waiting/not routable + cancelled = ordered');
SELECT is((SELECT count(*) FROM waitroom.routing_plan p
             LEFT JOIN waitroom.pick_job j ON j.tenant_id = p.tenant_id AND j.routing_plan_id = p.routing_plan_id
            WHERE CASE p.status
                    WHEN 'ROUTED' THEN j.pick_job_id IS NULL OR j.status <> 'OPEN' OR j.facility_ref <> p.facility_ref
                                       OR j.order_id <> p.order_id
                    WHEN 'CANCELLED' THEN j.status = 'OPEN'
                    ELSE j.pick_job_id IS NOT NULL OR p.facility_ref IS NOT NULL END),
          0::bigint, '§1 every ROUTED plan has one OPEN pick job at its facility; WAITING / NOT_ROUTABLE plans none and no facility');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
