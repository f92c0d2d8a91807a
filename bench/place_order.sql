\set a1 random(1, 50)
\set a2 random(1, 50)
\set q random(1, 3)
SELECT waitroom.place_order(jsonb_build_object(
  'tenantOrderId', gen_random_uuid()::text,
  'consumer', jsonb_build_object('lat', 48 + random() * 6, 'lon', 7 + random() * 7),
  'orderLineItems', jsonb_build_array(
     jsonb_build_object('tenantArticleId', 'sku-' || :a1, 'quantity', :q),
     jsonb_build_object('tenantArticleId', 'sku-' || :a2, 'quantity', 1))));
