-- A database mid-flow for suite 50: every kind of state a dump has to carry. Orders routed,
-- waiting (backorder), short-picked, not routable, cancelled in part and in whole; a strategy
-- that differs from CREATE EXTENSION's row; a paused webhook subscription and the built-in
-- stdout sink (its max_attempts changed) with delivered, pending and dead-lettered deliveries; a retention setting; a
-- deferred reroute_queue entry (as a pass leaves one when it cannot lock an article).
-- Suite 52 loads it into a database where it created waitroom 0.1.0 first (IF NOT EXISTS),
-- so it uses what 0.1.0 has.
CREATE EXTENSION IF NOT EXISTS waitroom;

UPDATE waitroom.routing_strategy
   SET max_split_count = 2, waiting_room_priority = 'PRIORITY', use_waiting_room_for_pre_back_order_items = true;

INSERT INTO waitroom.facility (facility_ref, name, lat, lon) VALUES
    ('munich', 'Munich', 48.14, 11.58), ('berlin', 'Berlin', 52.52, 13.40);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
    ('munich', 'shirt', 'NONE'), ('berlin', 'shirt', 'NONE'),
    ('munich', 'mug', 'NONE'),
    ('berlin', 'lamp', 'BACKORDER'),
    ('munich', 'poster', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
    ('munich', 'shirt', 5), ('berlin', 'shirt', 3), ('munich', 'mug', 1);

INSERT INTO waitroom.subscription (subscription_id, url, events, secret)
VALUES ('erp', 'http://127.0.0.1:9/hook', '{ORDER_CREATED,ROUTING_PLAN_ROUTED}', 'whsec_c2VjcmV0');
SELECT waitroom.set_outbox_retention(interval '3 days');

CREATE FUNCTION pg_temp.place(t text, lines jsonb, priority int DEFAULT 0) RETURNS jsonb LANGUAGE sql AS $$
  SELECT waitroom.place_order(jsonb_build_object('tenantOrderId', t, 'priority', priority,
                                                 'consumer', jsonb_build_object('lat', 48.1, 'lon', 11.5),
                                                 'orderLineItems', lines)) $$;

SELECT pg_temp.place('routed', '[{"id": "1", "tenantArticleId": "shirt", "quantity": 2}]');
SELECT pg_temp.place('split', '[{"id": "1", "tenantArticleId": "shirt", "quantity": 4}, {"id": "2", "tenantArticleId": "mug", "quantity": 1}]');
-- mug is gone now: a second mug is short-picked (not pre/backorderable).
SELECT pg_temp.place('short', '[{"id": "1", "tenantArticleId": "shirt", "quantity": 1}, {"id": "2", "tenantArticleId": "mug", "quantity": 3}]');
SELECT pg_temp.place('waits-1', '[{"id": "1", "tenantArticleId": "lamp", "quantity": 2}]', 0);
SELECT pg_temp.place('waits-2', '[{"id": "1", "tenantArticleId": "lamp", "quantity": 1}]', 5);
SELECT pg_temp.place('waits-3', '[{"id": "1", "tenantArticleId": "poster", "quantity": 1}, {"id": "2", "tenantArticleId": "lamp", "quantity": 1}]', 1);
SELECT pg_temp.place('nowhere', '[{"id": "1", "tenantArticleId": "unknown", "quantity": 1}]');
SELECT pg_temp.place('cancel-all', '[{"id": "1", "tenantArticleId": "lamp", "quantity": 1}]');
SELECT waitroom.cancel_order((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'cancel-all'));
SELECT pg_temp.place('cancel-part', '[{"id": "1", "tenantArticleId": "lamp", "quantity": 3}]');
SELECT waitroom.cancel_order((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'cancel-part'),
                             '[{"lineId": "1", "quantity": 1}]');

-- The outbox: some stdout deliveries done, one dead letter on the webhook, the webhook paused.
SELECT waitroom.ack_deliveries(array_agg(subscription_id), array_agg(event_id), 'midflow')
  FROM (SELECT subscription_id, event_id FROM waitroom.delivery
         WHERE subscription_id = 'stdout' ORDER BY event_id LIMIT 5) d;
SELECT waitroom.fail_delivery('erp', (SELECT min(event_id) FROM waitroom.delivery WHERE subscription_id = 'erp'),
                              'HTTP 503', interval '1 minute', 1, 'midflow');
UPDATE waitroom.subscription SET active = false WHERE subscription_id = 'erp';
UPDATE waitroom.subscription SET max_attempts = 5 WHERE subscription_id = 'stdout';

-- Deferred work: a pass that could not lock 'lamp' left it queued.
INSERT INTO waitroom.reroute_queue (tenant_article_id) VALUES ('lamp');
