-- As a login granted waitroom_daemon: exactly what waitroomd calls, nothing else.
BEGIN;
SELECT plan(14);

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
SELECT is(waitroom.release_due(), 0, 'daemon releases due pre-orders');
SELECT is(waitroom.purge_delivered(), 0, 'daemon purges delivered events');

-- ---------------------------------------------------------------- refused
SELECT throws_ok($$SELECT * FROM waitroom.subscription$$, '42501', NULL, 'daemon reads no table directly');
SELECT throws_ok($$SELECT * FROM waitroom.event$$, '42501', NULL, 'daemon reads events only through its claim');
SELECT throws_ok($$UPDATE waitroom.delivery SET state = 'delivered'$$, '42501', NULL,
                 'daemon cannot write deliveries by hand');
SELECT throws_ok($$SELECT waitroom.place_order('{}')$$, '42501', NULL, 'daemon cannot place orders');
SELECT throws_ok($$UPDATE waitroom.stock SET on_hand = 0$$, '42501', NULL, 'daemon cannot change stock');
SELECT throws_ok($$INSERT INTO waitroom.subscription (subscription_id, url) VALUES ('evil', 'http://169.254.169.254/')$$,
                 '42501', NULL, 'daemon cannot add subscriptions');
SELECT throws_ok($$SELECT waitroom.discard_dead_letter()$$, '42501', NULL,
                 'daemon cannot discard dead letters (a DBA decides)');

SELECT * FROM finish();
ROLLBACK;
