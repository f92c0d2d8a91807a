-- :plans waiting orders, set-based (what :plans place_order calls of backordered articles
-- would leave, without their events): one line of quantity 1 each, for the articles
-- :prefix1 .. :prefix:articles in turn, tenantOrderIds :tag1 .. :tag:plans, oldest first.
-- psql -v plans=1000 -v articles=1 -v prefix=wait1k- -v tag=w1k-
-- The articles must be listed BACKORDER without stock (bench/gen/network.sql), or the plans
-- would not be waiting in truth. Lines go to routing_plan_line with waiting = true (the
-- waiting room's index by article), as waitroom's own WAITING plans do.
BEGIN;
CREATE TEMP TABLE new_waiting ON COMMIT DROP AS
SELECT g, gen_random_uuid() AS order_id, gen_random_uuid() AS routing_plan_id,
       :'prefix' || (1 + (g - 1) % :articles) AS article,
       now() - interval '1 day' + g * interval '1 ms' AS at
  FROM generate_series(1, :plans) g;
INSERT INTO waitroom.orders (order_id, tenant_order_id, order_date, request, created_at)
SELECT order_id, :'tag' || g, at,
       jsonb_build_object('tenantOrderId', :'tag' || g, 'orderLineItems',
                          jsonb_build_array(jsonb_build_object('tenantArticleId', article, 'quantity', 1))),
       at
  FROM new_waiting;
INSERT INTO waitroom.order_line (order_id, line_id, position, tenant_article_id, quantity)
SELECT order_id, '1', 1, article, 1 FROM new_waiting;
INSERT INTO waitroom.routing_plan (routing_plan_id, order_id, status, waiting_since, decided_by,
                                   created_at, updated_at)
SELECT routing_plan_id, order_id, 'WAITING', at, 'waiting room: whole order waits', at, at
  FROM new_waiting ORDER BY g;
INSERT INTO waitroom.routing_plan_line (routing_plan_id, order_id, line_id, tenant_article_id,
                                        quantity, waiting)
SELECT routing_plan_id, order_id, '1', article, 1, true FROM new_waiting;
COMMIT;
