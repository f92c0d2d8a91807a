-- A new order of 1-2 lines with a random priority (so that PRIORITY reorders the queue).
\set a1 random(1, 6)
\set a2 random(1, 6)
\set n random(1, 2)
\set p random(0, 9)
SELECT waitroom.place_order(jsonb_build_object(
    'tenantOrderId', gen_random_uuid()::text, 'priority', :p,
    'orderLineItems', (SELECT jsonb_agg(jsonb_build_object(
            'tenantArticleId', 'a' || x.a, 'quantity', 1 + x.i % 2) ORDER BY x.i)
        FROM (VALUES (1, :a1), (2, :a2)) AS x(i, a) WHERE x.i <= :n))) IS NOT NULL;
