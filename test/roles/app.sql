-- As a login granted waitroom_app: what an app does is allowed, the rest is refused (42501).
BEGIN;
SELECT plan(37);

-- ---------------------------------------------------------------- allowed
SELECT is(waitroom.place_order('{"tenantOrderId": "app-1", "orderDate": "2026-01-02T00:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "a", "quantity": 2}]}')->'routingPlans'->0->>'status',
  'ROUTED', 'app places an order (reservations, plans and events written through place_order)');
SELECT is((SELECT reserved FROM waitroom.stock WHERE facility_ref = 'f1' AND tenant_article_id = 'a'),
          3, 'app reads stock, reserved kept by waitroom');
UPDATE waitroom.stock SET on_hand = on_hand + 1 WHERE facility_ref = 'f1' AND tenant_article_id = 'b';
SELECT is((SELECT p.status FROM waitroom.routing_plan p JOIN waitroom.orders o USING (order_id)
            WHERE o.tenant_order_id = 'seed-waiting'),
          'ROUTED', 'app restocks on_hand; the stock trigger serves the waiting order as the owner');
INSERT INTO waitroom.facility (facility_ref) VALUES ('f3');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('f3', 'c');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('f3', 'c', 4);
UPDATE waitroom.listing SET out_of_stock_behaviour = 'BACKORDER' WHERE facility_ref = 'f3';
UPDATE waitroom.facility SET status = 'SUSPENDED' WHERE facility_ref = 'f2';
DELETE FROM waitroom.listing WHERE facility_ref = 'f1' AND tenant_article_id = 'zzz';
SELECT pass('app maintains facilities, listings and stock rows');
SELECT is(waitroom.cancel_order((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'app-1'))->>'status',
          'CANCELLED', 'app cancels an order');
SELECT lives_ok($$SELECT waitroom.reroute((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'seed-routed'))$$,
                'app re-routes an order');
SELECT lives_ok($$SELECT waitroom.reroute_all()$$, 'app re-routes the waiting room');
SELECT is(waitroom.place_order('{"tenantOrderId": "app-2", "orderDate": "2026-01-02T00:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "b", "quantity": 5}]}')->'routingPlans'->0->>'status',
  'WAITING', 'app places an order that waits');
SELECT is(waitroom.assign_facility(
            (SELECT p.routing_plan_id FROM waitroom.routing_plan p JOIN waitroom.orders o USING (order_id)
              WHERE o.tenant_order_id = 'app-2'), 'f1')->'routingPlans'->0->>'status',
          'ROUTED', 'app assigns a facility by hand');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES ('f1', 'd', 'BACKORDER');
SELECT is(waitroom.place_order('{"tenantOrderId": "app-3", "orderDate": "2026-01-02T00:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "d", "quantity": 2}]}')->'routingPlans'->0->>'status',
  'WAITING', 'app places an order for an article with no stock row yet');
SELECT is((SELECT reason FROM waitroom.waiting_room w JOIN waitroom.orders o USING (order_id)
            WHERE o.tenant_order_id = 'app-3'), 'BACKORDER_NO_STOCK', 'app reads why it waits');
COPY waitroom.stock (facility_ref, tenant_article_id, on_hand) FROM STDIN;
f1	d	2
\.
SELECT is((SELECT p.status || ':' || p.facility_ref FROM waitroom.routing_plan p JOIN waitroom.orders o USING (order_id)
            WHERE o.tenant_order_id = 'app-3'), 'ROUTED:f1', 'app loads stock by COPY; the waiting order is served');
SELECT is((SELECT count(*) FROM waitroom.waiting_room), 0::bigint, 'app reads the waiting room');
SELECT ok(waitroom.order_json((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'seed-routed')) IS NOT NULL,
          'app reads an order as JSON');
SELECT ok(waitroom.explain((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'seed-routed'))
          -> 'routingPlans' IS NOT NULL, 'app explains an order''s routing');

-- ---------------------------------------------------------------- refused
SELECT throws_ok($$UPDATE waitroom.stock SET reserved = 0$$, '42501', NULL, 'app cannot write stock.reserved');
SELECT throws_ok($$INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand, reserved) VALUES ('f3', 'x', 1, 1)$$,
                 '42501', NULL, 'app cannot insert a stock row with reserved');
SELECT throws_ok($$DELETE FROM waitroom.stock$$, '42501', NULL, 'app cannot delete stock rows (they hold reservations)');
SELECT throws_ok($$UPDATE waitroom.routing_plan SET status = 'CANCELLED'$$, '42501', NULL, 'app cannot write plans');
SELECT throws_ok($$DELETE FROM waitroom.routing_plan_line$$, '42501', NULL, 'app cannot delete plan lines');
SELECT throws_ok($$INSERT INTO waitroom.pick_job (routing_plan_id, order_id, facility_ref)
                   SELECT routing_plan_id, order_id, 'f1' FROM waitroom.routing_plan LIMIT 1$$,
                 '42501', NULL, 'app cannot write pick jobs');
SELECT throws_ok($$UPDATE waitroom.pick_line SET quantity = 0$$, '42501', NULL, 'app cannot write pick lines');
SELECT throws_ok($$INSERT INTO waitroom.event (event, payload) VALUES ('ORDER_CREATED', '{}')$$,
                 '42501', NULL, 'app cannot write events');
SELECT throws_ok($$UPDATE waitroom.orders SET priority = 9$$, '42501', NULL, 'app cannot write orders by hand');
SELECT throws_ok($$UPDATE waitroom.routing_strategy SET max_split_count = 1$$, '42501', NULL,
                 'app cannot change the routing strategy');
SELECT throws_ok($$SELECT * FROM waitroom.event$$, '42501', NULL, 'app cannot read the outbox');
SELECT throws_ok($$SELECT secret FROM waitroom.subscription$$, '42501', NULL, 'app cannot read webhook secrets');
SELECT throws_ok($$INSERT INTO waitroom.subscription (subscription_id, url) VALUES ('evil', 'http://169.254.169.254/')$$,
                 '42501', NULL, 'app cannot point waitroomd at a URL');
SELECT throws_ok($$SELECT * FROM waitroom.claim_deliveries(true, 'stdout')$$, '42501', NULL,
                 'app cannot claim deliveries');
SELECT throws_ok($$SELECT waitroom.release_due()$$, '42501', NULL, 'app cannot release pre-orders (the daemon does)');
SELECT throws_ok($$SELECT waitroom.purge_delivered()$$, '42501', NULL, 'app cannot purge the outbox');
SELECT throws_ok($$SELECT waitroom._reactivate('default', '["a"]')$$, '42501', NULL, 'app cannot call internal functions');
SELECT throws_ok($$SELECT waitroom._reroute(gen_random_uuid()::text, 'default')$$, '42501', NULL, 'app cannot call _reroute');
SELECT throws_ok($$SELECT waitroom.retry_dead_letter()$$, '42501', NULL, 'app cannot retry dead letters');
SELECT throws_ok($$SELECT waitroom.set_outbox_retention('1 day')$$, '42501', NULL, 'app cannot set the retention');
SELECT throws_ok($$TRUNCATE waitroom.stock$$, '42501', NULL, 'app cannot truncate stock');
SELECT throws_ok($$LOCK TABLE waitroom.routing_plan IN EXCLUSIVE MODE$$, '42501', NULL, 'app cannot lock plans');

SELECT * FROM finish();
ROLLBACK;
