-- SPEC.md §5 (events), from the outside: each transition writes its events, named as in the
-- seed system, exactly and in event_id order (nothing extra, repeated or reordered), with the
-- envelope the daemon publishes. The events of the §3 / §4 scenarios sit beside them in
-- 15_spec_s3 and 15_spec_s4.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(10);

\ir lib/helpers.psql
\ir lib/spec_network.psql

SELECT pg_temp.offer('munich', 'ev-a', 5);
SELECT pg_temp.offer('dachau', 'ev-b', 5);
SELECT pg_temp.offer('munich', 'ev-w', 0, 'BACKORDER');
SELECT pg_temp.offer('munich', 'ev-n', 0);

SELECT pg_temp.place('E-R', pg_temp.one_line('ev-a', 2));
SELECT is(pg_temp.order_events('E-R'), '{ORDER_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}',
          '§5 routed order: ORDER_CREATED, ROUTING_PLAN_ROUTED, PICK_JOB_CREATED');
SELECT pg_temp.place('E-W', pg_temp.one_line('ev-w', 1));
SELECT is(pg_temp.order_events('E-W'), '{ORDER_CREATED,ROUTING_PLAN_WAITING}', '§5 waiting order: ORDER_CREATED, ROUTING_PLAN_WAITING');
SELECT pg_temp.place('E-N', pg_temp.one_line('ev-n', 1));
SELECT is(pg_temp.order_events('E-N'), '{ORDER_CREATED,ROUTING_PLAN_NOT_ROUTABLE}',
          '§5 not routable order: ORDER_CREATED, ROUTING_PLAN_NOT_ROUTABLE');
SELECT pg_temp.place('E-S', '[{"tenantArticleId": "ev-a", "quantity": 1}, {"tenantArticleId": "ev-b", "quantity": 1}]');
SELECT is(pg_temp.order_events('E-S'),
          '{ORDER_CREATED,ROUTING_PLAN_SPLITTED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}',
          '§5 split order: ORDER_CREATED, ROUTING_PLAN_SPLITTED, then ROUTED + PICK_JOB_CREATED per plan');

SELECT pg_temp.mark('partial');
SELECT waitroom.cancel_order(pg_temp.order_of('E-R'), '[{"lineId": "1", "quantity": 1}]');
SELECT is(pg_temp.events_since('partial'), '{ORDER_LINES_CANCELLED}', '§5 partial cancel of a routed line: ORDER_LINES_CANCELLED only');
SELECT pg_temp.mark('whole');
SELECT waitroom.cancel_order(pg_temp.order_of('E-R'));
SELECT is(pg_temp.events_since('whole'), '{ROUTING_PLAN_CANCELLED,PICK_JOB_CANCELLED,ORDER_CANCELLED}',
          '§5 whole cancel: ROUTING_PLAN_CANCELLED, PICK_JOB_CANCELLED, ORDER_CANCELLED');

SELECT is((SELECT count(*) FROM waitroom.event WHERE jsonb_typeof(payload) <> 'object'), 0::bigint, '§5 every event has a payload object');
SELECT is((SELECT count(*) FROM waitroom.event WHERE (payload->>'orderId')::uuid IS DISTINCT FROM order_id), 0::bigint,
          '§5 every payload names its order (orderId)');
SELECT ok((SELECT body::jsonb ?& ARRAY['event', 'eventId', 'payload'] FROM waitroom.claim_deliveries(false, 'stdout', 1, 1) LIMIT 1),
          '§5 envelope {"event", "eventId", "payload"}');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
