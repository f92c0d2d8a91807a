-- As a login granted waitroom_daemon: exactly what waitroomd calls, nothing else.
BEGIN;
SELECT plan(42);

-- ---------------------------------------------------------------- allowed
SELECT cmp_ok((SELECT count(*) FROM waitroom.claim_deliveries(true, NULL) WHERE secret = 'whsec_c2VjcmV0'),
              '>', 0::bigint, 'daemon claims webhook deliveries with their secret (it signs with it)');
SELECT cmp_ok((SELECT count(*) FROM waitroom.claim_deliveries(false, 'stdout')), '>', 0::bigint,
              'daemon claims the stdout sink''s deliveries');
SELECT is(waitroom.ack_deliveries(ARRAY['stdout'], ARRAY[(SELECT min(event_id) FROM waitroom.claim_deliveries(false, 'stdout'))],
                                  'role-test'), 1, 'daemon acknowledges a delivery');
SELECT is(waitroom.fail_delivery('hook', (SELECT min(event_id) FROM waitroom.claim_deliveries(true, NULL)),
                                 E'HTTP 500\nbody bytes', '1 minute', 3, 'role-test'),
          'pending', 'daemon records a failed attempt');
SELECT lives_ok($$SELECT * FROM waitroom.outbox_backlog(true, 'stdout')$$, 'daemon reads the backlog');
-- What it calls on Citus (docs/scaling.md): the tenants to claim for, every tenant, the workers.
SELECT ok((SELECT count(*) FROM waitroom.pending_delivery_tenants(true, 'stdout')) > 0,
          'daemon lists the tenants with deliveries due');
SELECT ok('default' IN (SELECT waitroom.tenant_ids()), 'daemon lists the tenants');
SELECT is_empty($$SELECT * FROM waitroom.daemon_nodes()$$, 'daemon asks for workers to LISTEN on: none on one node');
SELECT is(waitroom.release_due(), 0, 'daemon releases due pre-orders');
SELECT is(waitroom.purge_delivered(), 0, 'daemon purges delivered events');
-- /metrics (72_metrics.sql, contrib/README.md)
SELECT lives_ok($$SELECT * FROM waitroom.stats$$, 'daemon reads waitroom.stats (the waiting-room gauges)');
SELECT is((SELECT plans_waiting FROM waitroom.stats_gauges()), (SELECT plans_waiting FROM waitroom.stats),
          'daemon reads the same gauges through stats_gauges() (as waitroomd does)');
SELECT lives_ok($$SELECT s.subscription_id, s.active, b.* FROM waitroom.subscription s,
                         waitroom.outbox_backlog(false, s.subscription_id) b$$,
                'daemon reads each subscription''s backlog (lag per subscription)');
SELECT lives_ok($$SELECT * FROM waitroom.waiting_lines_by_reason()$$, 'daemon counts waiting lines per reason');
SELECT is(array_length(waitroom.event_ages(ARRAY[(SELECT min(event_id) FROM waitroom.claim_deliveries(false, 'stdout'))]), 1),
          1, 'daemon reads the age of an event it delivers (latency)');
-- the dashboard (74_dashboard.sql, service/src/dashboard.cpp): through its two functions only
SELECT is((SELECT o->>'reason' FROM jsonb_array_elements(waitroom.dashboard_summary()->'oldest') o
            WHERE o->>'article' = 'b'),
          'BACKORDER_NO_STOCK', 'daemon reads the oldest waits with their reason (the dashboard, every 2 s)');
SELECT is((SELECT (a->>'lines')::int FROM jsonb_array_elements(waitroom.dashboard_queues(12, 100)->'articles') a
            WHERE a->>'article' = 'b'),
          1, 'daemon reads the largest queues (the dashboard, every 20 s)');

-- ---------------------------------------------------------------- refused
SELECT throws_ok($$SELECT payload FROM waitroom.dead_letter$$, '42501', NULL,
                 'daemon lists dead letters without their payload');
SELECT throws_ok($$SELECT request FROM waitroom.orders$$, '42501', NULL,
                 'daemon reads no order''s request (customer data)');
SELECT throws_ok($$SELECT * FROM waitroom.order_line$$, '42501', NULL, 'daemon reads no order line');
SELECT throws_ok($$SELECT url FROM waitroom.subscription$$, '42501', NULL,
                 'daemon reads no subscription url (it gets it with its claim)');
SELECT throws_ok($$SELECT * FROM waitroom.subscription$$, '42501', NULL, 'daemon reads no table whole');
SELECT throws_ok($$SELECT * FROM waitroom.event$$, '42501', NULL, 'daemon reads no event whole');
-- What the dashboard showed it read directly until 74_dashboard.sql; now none of it.
SELECT throws_ok($$SELECT payload FROM waitroom.event ORDER BY event_id DESC LIMIT 1$$, '42501', NULL,
                 'daemon cannot read event.payload');
SELECT throws_ok($$SELECT count(*) FROM waitroom.waiting_room$$, '42501', NULL,
                 'daemon cannot read the waiting_room view');
SELECT throws_ok($$SELECT count(*) FROM waitroom.routing_plan_line WHERE waiting$$, '42501', NULL,
                 'daemon cannot read plan lines');
SELECT throws_ok($$SELECT routing_plan_id, waiting_since FROM waitroom.routing_plan$$, '42501', NULL,
                 'daemon reads of routing_plan only the status (/metrics'' estimates)');
SELECT throws_ok($$SELECT priority FROM waitroom.orders$$, '42501', NULL, 'daemon cannot read orders');
SELECT throws_ok($$SELECT on_hand FROM waitroom.stock$$, '42501', NULL, 'daemon cannot read stock');
SELECT throws_ok($$SELECT status FROM waitroom.listing$$, '42501', NULL, 'daemon cannot read listings');
SELECT throws_ok($$SELECT lat FROM waitroom.facility$$, '42501', NULL, 'daemon cannot read facilities');
SELECT throws_ok($$SELECT event_id FROM waitroom.dead_letter$$, '42501', NULL,
                 'daemon cannot read dead letters directly');
SELECT throws_ok($$SELECT kind FROM waitroom.subscription$$, '42501', NULL,
                 'daemon reads of subscription only the id and whether active');
SELECT throws_ok($$SELECT * FROM waitroom.candidate_offer('default', ARRAY['b'], now())$$, '42501', NULL,
                 'daemon cannot execute candidate_offer');
SELECT throws_ok($$SELECT * FROM waitroom.waiting_queue('default', ARRAY['b'])$$, '42501', NULL,
                 'daemon cannot execute waiting_queue');
SELECT throws_ok($$SELECT secret FROM waitroom.subscription$$, '42501', NULL,
                 'daemon reads subscription secrets only through its claim');
SELECT throws_ok($$UPDATE waitroom.delivery SET state = 'delivered'$$, '42501', NULL,
                 'daemon cannot write deliveries by hand');
SELECT throws_ok($$SELECT waitroom.place_order('{}')$$, '42501', NULL, 'daemon cannot place orders');
SELECT throws_ok($$UPDATE waitroom.stock SET on_hand = 0$$, '42501', NULL, 'daemon cannot change stock');
SELECT throws_ok($$INSERT INTO waitroom.subscription (subscription_id, url) VALUES ('evil', 'http://169.254.169.254/')$$,
                 '42501', NULL, 'daemon cannot add subscriptions');
SELECT throws_ok($$SELECT waitroom.discard_dead_letter()$$, '42501', NULL,
                 'daemon cannot discard dead letters (a DBA decides)');
SELECT throws_ok($$SELECT waitroom.redeliver('hook', 1, 10)$$, '42501', NULL,
                 'daemon cannot redeliver a range of events (a DBA decides)');

SELECT * FROM finish();
ROLLBACK;
