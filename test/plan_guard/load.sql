-- Plan guard data: a network at a retailer's size, loaded set-based in seconds.
-- psql variables (defaults below): facilities, articles, in_stock_articles (articles
-- 1..in_stock_articles have stock, the others have none and are what waiting plans wait
-- for), waiting_orders, routed_orders.
--   400 x 500 = 200,000 stock and listing rows; 20,000 waiting plans (200 per waiting
--   article); 15,000 routed orders (history: more lines than wait) with pick jobs and pick
--   lines (some short); their events, delivered to the stdout subscription a month ago
--   (purge_delivered has work).
-- Triggers and foreign-key checks are off for the load (session_replication_role): the
-- rows are written consistent by construction, and reserved is computed from pick_line.
\if :{?facilities}      \else \set facilities 400       \endif
\if :{?articles}        \else \set articles 500         \endif
\if :{?in_stock_articles} \else \set in_stock_articles 400 \endif
\if :{?waiting_orders}  \else \set waiting_orders 20000 \endif
\if :{?routed_orders}   \else \set routed_orders 15000  \endif

BEGIN;
SET LOCAL session_replication_role = replica;
SET LOCAL search_path = waitroom, pg_catalog;

CREATE TEMP TABLE guard_size ON COMMIT DROP AS
SELECT :facilities AS facilities, :articles AS articles, :in_stock_articles AS in_stock,
       :waiting_orders AS waiting, :routed_orders AS routed,
       :articles - :in_stock_articles AS waiting_articles;

INSERT INTO facility (facility_ref, name, status, lat, lon)
SELECT 'f' || lpad(i::text, 4, '0'), 'Facility ' || i, 'ONLINE',
       47 + (i % 50) * 0.1, 6 + (i / 50) * 0.5
  FROM guard_size z, generate_series(1, z.facilities) i;

-- Articles without stock are backorderable: their orders wait (SPEC §3).
INSERT INTO listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
SELECT 'f' || lpad(i::text, 4, '0'), 'a' || lpad(j::text, 5, '0'),
       CASE WHEN j <= z.in_stock THEN 'NONE' ELSE 'BACKORDER' END
  FROM guard_size z, generate_series(1, z.facilities) i, generate_series(1, z.articles) j;

INSERT INTO stock (facility_ref, tenant_article_id, on_hand)
SELECT 'f' || lpad(i::text, 4, '0'), 'a' || lpad(j::text, 5, '0'),
       CASE WHEN j <= z.in_stock THEN 1 + (i * 31 + j * 17) % 40 ELSE 0 END
  FROM guard_size z, generate_series(1, z.facilities) i, generate_series(1, z.articles) j;

-- Waiting orders: line 1 on a waiting article, every 4th order a line 2 on another one.
CREATE TEMP TABLE guard_order ON COMMIT DROP AS
SELECT md5('W' || i)::uuid AS order_id, 'W' || i AS tenant_order_id, md5('WP' || i)::uuid AS plan_id,
       timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' AS order_date,
       i, true AS waiting
  FROM guard_size z, generate_series(1, z.waiting) i
UNION ALL
SELECT md5('R' || i)::uuid, 'R' || i, md5('RP' || i)::uuid,
       timestamptz '2026-02-01 00:00:00+00' + i * interval '1 second', i, false
  FROM guard_size z, generate_series(1, z.routed) i;

CREATE TEMP TABLE guard_line ON COMMIT DROP AS
SELECT o.order_id, o.plan_id, o.waiting, o.i, n AS position, n::text AS line_id,
       'a' || lpad((CASE WHEN o.waiting
                         THEN z.in_stock + 1 + (o.i + (n - 1) * (1 + o.i / 7 % (z.waiting_articles - 1))) % z.waiting_articles
                         ELSE 1 + (o.i + (n - 1) * (1 + o.i / 7 % (z.in_stock - 1))) % z.in_stock
                    END)::text, 5, '0') AS tenant_article_id,
       1 + (o.i + n) % 3 AS quantity
  FROM guard_order o, guard_size z, generate_series(1, 2) n
 WHERE n = 1 OR o.i % 4 = 0 OR NOT o.waiting;

INSERT INTO orders (order_id, tenant_order_id, order_date, priority, consumer_lat, consumer_lon)
SELECT order_id, tenant_order_id, order_date, i % 3, 48 + (i % 20) * 0.1, 8 + (i % 30) * 0.1
  FROM guard_order ORDER BY order_date;

INSERT INTO order_line (order_id, line_id, position, tenant_article_id, quantity)
SELECT order_id, line_id, position, tenant_article_id, quantity FROM guard_line;

-- Routed plans go to facility 1 + i % facilities.
INSERT INTO routing_plan (routing_plan_id, order_id, status, facility_ref, waiting_since, decided_by,
                          created_at, updated_at)
SELECT o.plan_id, o.order_id, CASE WHEN o.waiting THEN 'WAITING' ELSE 'ROUTED' END,
       CASE WHEN o.waiting THEN NULL ELSE 'f' || lpad((1 + o.i % z.facilities)::text, 4, '0') END,
       CASE WHEN o.waiting THEN o.order_date END, 'plan guard load', o.order_date, o.order_date
  FROM guard_order o, guard_size z ORDER BY o.order_date;

INSERT INTO routing_plan_line (routing_plan_id, order_id, line_id, tenant_article_id, quantity, waiting)
SELECT plan_id, order_id, line_id, tenant_article_id, quantity, waiting FROM guard_line;

-- Every 10th routed order was short-picked on its first line.
INSERT INTO pick_job (pick_job_id, routing_plan_id, order_id, facility_ref, sub_status, created_at)
SELECT md5('RJ' || o.i)::uuid, o.plan_id, o.order_id, p.facility_ref,
       CASE WHEN o.i % 10 = 0 THEN 'SHORT_PICKED' END, o.order_date
  FROM guard_order o JOIN routing_plan p ON p.routing_plan_id = o.plan_id
 WHERE NOT o.waiting;

INSERT INTO pick_line (pick_job_id, line_id, facility_ref, tenant_article_id, quantity, short_quantity)
SELECT md5('RJ' || l.i)::uuid, l.line_id, p.facility_ref, l.tenant_article_id,
       l.quantity - s.short, s.short
  FROM guard_line l
  JOIN routing_plan p ON p.routing_plan_id = l.plan_id
 CROSS JOIN LATERAL (SELECT CASE WHEN l.i % 10 = 0 AND l.position = 1 THEN 1 ELSE 0 END AS short) s
 WHERE NOT l.waiting;

UPDATE stock s SET reserved = r.q
  FROM (SELECT facility_ref, tenant_article_id, sum(quantity)::int AS q
          FROM pick_line GROUP BY 1, 2) r
 WHERE s.facility_ref = r.facility_ref AND s.tenant_article_id = r.tenant_article_id;

INSERT INTO event (event, order_id, payload, created_at)
SELECT e.event, o.order_id,
       jsonb_build_object('orderId', o.order_id, 'tenantOrderId', o.tenant_order_id),
       now() - interval '30 days'
  FROM guard_order o
 CROSS JOIN LATERAL unnest(CASE WHEN o.waiting
                                THEN ARRAY['ORDER_CREATED', 'ROUTING_PLAN_WAITING']
                                ELSE ARRAY['ORDER_CREATED', 'ROUTING_PLAN_ROUTED', 'PICK_JOB_CREATED']
                           END) WITH ORDINALITY AS e(event, n)
 ORDER BY o.order_date, e.n;

INSERT INTO delivery (event_id, subscription_id, order_id, state, attempts, last_attempt_at,
                      delivered_at, delivered_by)
SELECT event_id, 'stdout', order_id, 'delivered', 1, created_at, created_at, 'plan guard load'
  FROM event;
COMMIT;
