-- As a login granted waitroom_reader: reads everything but secrets, changes nothing.
BEGIN;
SELECT plan(25);

-- ---------------------------------------------------------------- allowed
SELECT lives_ok(pg_catalog.format('SELECT * FROM waitroom.%I LIMIT 1', c.relname),
                'reader reads ' || c.relname)
  FROM pg_catalog.pg_class c
 WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind IN ('r', 'v')
   AND c.relname IN ('facility', 'listing', 'stock', 'orders', 'routing_plan', 'pick_job', 'event',
                     'delivery', 'reroute_queue', 'waiting_room', 'dead_letter', 'outbox_status')
 ORDER BY c.relname;
SELECT is((SELECT url FROM waitroom.subscription WHERE subscription_id = 'hook'),
          'http://127.0.0.1:9/hook', 'reader reads a subscription''s url');
SELECT ok(waitroom.order_json((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'seed-routed')) IS NOT NULL,
          'reader reads an order as JSON');
SELECT ok(waitroom.explain((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'seed-routed'))
          -> 'routingPlans' IS NOT NULL, 'reader explains an order''s routing');

-- ---------------------------------------------------------------- refused
SELECT throws_ok($$SELECT secret FROM waitroom.subscription$$, '42501', NULL, 'reader cannot read webhook secrets');
SELECT throws_ok($$SELECT headers FROM waitroom.subscription$$, '42501', NULL,
                 'reader cannot read webhook headers (they carry tokens)');
SELECT throws_ok($$SELECT * FROM waitroom.claim_deliveries(true, NULL)$$, '42501', NULL,
                 'reader cannot get secrets through the daemon''s claim');
SELECT throws_ok($$SELECT waitroom.place_order('{}')$$, '42501', NULL, 'reader cannot place orders');
SELECT throws_ok($$SELECT waitroom.cancel_order(gen_random_uuid())$$, '42501', NULL, 'reader cannot cancel orders');
SELECT throws_ok($$UPDATE waitroom.stock SET on_hand = 0$$, '42501', NULL, 'reader cannot change stock');
SELECT throws_ok($$INSERT INTO waitroom.facility (facility_ref) VALUES ('x')$$, '42501', NULL,
                 'reader cannot add facilities');
SELECT throws_ok($$DELETE FROM waitroom.event$$, '42501', NULL, 'reader cannot delete events');
SELECT throws_ok($$UPDATE waitroom.subscription SET url = 'http://169.254.169.254/'$$, '42501', NULL,
                 'reader cannot redirect a webhook');
SELECT throws_ok($$SELECT waitroom.release_due()$$, '42501', NULL, 'reader cannot release pre-orders');

SELECT * FROM finish();
ROLLBACK;
