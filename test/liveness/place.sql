-- A new order of 1-3 lines (random articles and quantities); lines 1-2 form a bundle in a
-- third of the orders with 2+ lines.
\set n random(1, 3)
\set a1 random(1, 6)
\set a2 random(1, 6)
\set a3 random(1, 6)
\set q1 random(1, 3)
\set q2 random(1, 3)
\set q3 random(1, 2)
\set b random(0, 2)
SELECT waitroom.place_order(jsonb_build_object(
    'tenantOrderId', gen_random_uuid()::text,
    'consumer', jsonb_build_object('lat', 48 + random() * 5, 'lon', 7 + random() * 6),
    'orderLineItems', (SELECT jsonb_agg(jsonb_build_object(
            'tenantArticleId', 'a' || x.a, 'quantity', x.q,
            'bundleRef', CASE WHEN :b = 0 AND :n >= 2 AND x.i <= 2 THEN 'kit' END) ORDER BY x.i)
        FROM (VALUES (1, :a1, :q1), (2, :a2, :q2), (3, :a3, :q3)) AS x(i, a, q)
       WHERE x.i <= :n))) IS NOT NULL;
