-- One random order for :function (pgbench, simple query mode: -D function=... is pasted in):
--   waitroom.place_order, bench.floor_place_order (bench/floor.sql), bench.baseline_place_order
--   (bench/baseline/router.sql). bench/run.sh #1-#3, #8.
-- pgbench -D: lines_min, lines_max (lines per order), first, articles (the order's articles are
-- distinct, drawn from sku-<first> .. sku-<first + articles - 1>), facilities.
-- Quantities 1-3, the consumer anywhere in the map of bench/gen/network.sql, a unique
-- tenantOrderId. benchFacilityRef is the floor's facility (the others ignore unknown keys).
\set nl random(:lines_min, :lines_max)
\set a random(0, :articles - 1)
\set f random(1, :facilities)
SELECT :function(jsonb_build_object(
  'tenantOrderId', gen_random_uuid()::text,
  'benchFacilityRef', 'fc-' || :f,
  'consumer', jsonb_build_object('lat', 47.3 + random() * 8, 'lon', 6 + random() * 9),
  'orderLineItems', (SELECT jsonb_agg(jsonb_build_object(
       'tenantArticleId', 'sku-' || (:first + (:a + g * 7919) % :articles),
       'quantity', 1 + floor(random() * 3)::int))
     FROM generate_series(0, :nl - 1) g)));
