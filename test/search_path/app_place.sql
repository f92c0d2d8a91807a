-- The app's part of the hijack workload (test/suites/26-search-path.sh), run as a login
-- granted waitroom_app, under search_path = public, pg_catalog where overrides are planted.
-- This file: the network and orders (routed, retried, split, not routable, waiting, a
-- pre-order); app_serve.sql, run next in the same session, serves them. This script's own
-- expressions name pg_catalog's operators and functions explicitly: any planted call is
-- then waitroom's.
\set QUIET 1

-- ------------------------------------------------------------- network
INSERT INTO waitroom.facility (facility_ref, name, lat, lon) VALUES
    ('sp-f1', 'one', 52.5, 13.4), ('sp-f2', 'two', 48.1, 11.6);
INSERT INTO waitroom.facility (facility_ref, status) VALUES ('sp-f3', 'SUSPENDED');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, status, out_of_stock_behaviour,
                              preorder_available_from) VALUES
    ('sp-f1', 'sp-a', 'ACTIVE', 'NONE', NULL),
    ('sp-f1', 'sp-s', 'ACTIVE', 'NONE', NULL),
    ('sp-f2', 'sp-s', 'ACTIVE', 'NONE', NULL),
    ('sp-f1', 'sp-b', 'ACTIVE', 'BACKORDER', NULL),
    ('sp-f2', 'sp-c', 'ACTIVE', 'PREORDER', '2030-01-01'),
    ('sp-f2', 'sp-d', 'ACTIVE', 'BACKORDER', NULL),
    ('sp-f1', 'sp-e', 'ACTIVE', 'BACKORDER', NULL),
    ('sp-f1', 'sp-l', 'INACTIVE', 'NONE', NULL),
    ('sp-f2', 'sp-l', 'ACTIVE', 'BACKORDER', NULL),
    ('sp-f3', 'sp-g', 'ACTIVE', 'NONE', NULL),
    ('sp-f2', 'sp-g', 'ACTIVE', 'BACKORDER', NULL),
    ('sp-f2', 'sp-w', 'ACTIVE', 'BACKORDER', NULL);
-- No availability: no pass.
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
    ('sp-f1', 'sp-b', 0), ('sp-f1', 'sp-w', 0);
-- Availability nobody waits for yet.
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
    ('sp-f1', 'sp-a', 10), ('sp-f1', 'sp-s', 3), ('sp-f2', 'sp-s', 3), ('sp-f2', 'sp-c', 2),
    ('sp-f1', 'sp-l', 2), ('sp-f3', 'sp-g', 2);

-- ------------------------------------------------------------- place_order
SELECT r OPERATOR(pg_catalog.->>) 'orderId' AS routed
  FROM waitroom.place_order('{"tenantOrderId": "SP-ROUTED", "orderDate": "2026-11-22T10:00:00Z",
        "consumer": {"lat": 52.5, "lon": 13.4},
        "orderLineItems": [{"id": "1", "tenantArticleId": "sp-a", "quantity": 2}]}') r \gset
-- The same body again: a retry.
SELECT waitroom.place_order('{"tenantOrderId": "SP-ROUTED", "orderDate": "2026-11-22T10:00:00Z",
        "consumer": {"lat": 52.5, "lon": 13.4},
        "orderLineItems": [{"id": "1", "tenantArticleId": "sp-a", "quantity": 2}]}') IS NOT NULL AS retried;
-- Too much for one facility: split.
SELECT r OPERATOR(pg_catalog.->>) 'orderId' AS split
  FROM waitroom.place_order('{"tenantOrderId": "SP-SPLIT",
        "orderLineItems": [{"id": "1", "tenantArticleId": "sp-s", "quantity": 5},
                           {"id": "2", "tenantArticleId": "sp-a", "quantity": 1, "bundleRef": "x"}]}') r \gset
-- Nowhere listed: NOT_ROUTABLE.
SELECT waitroom.place_order('{"tenantOrderId": "SP-NOWHERE",
        "orderLineItems": [{"tenantArticleId": "sp-none", "quantity": 1}]}') IS NOT NULL AS unroutable;
-- Waiting: backorders and a pre-order.
SELECT waitroom.place_order('{"tenantOrderId": "SP-WAIT-B1", "priority": 2,
        "orderLineItems": [{"tenantArticleId": "sp-b", "quantity": 1}]}') IS NOT NULL AS waiting;
SELECT r OPERATOR(pg_catalog.->>) 'orderId' AS mixed
  FROM waitroom.place_order('{"tenantOrderId": "SP-MIXED",
        "orderLineItems": [{"id": "x", "tenantArticleId": "sp-a", "quantity": 1},
                           {"id": "y", "tenantArticleId": "sp-b", "quantity": 2}]}') r \gset
SELECT waitroom.place_order('{"tenantOrderId": "SP-WAIT-C",
        "orderLineItems": [{"tenantArticleId": "sp-c", "quantity": 1}]}') IS NOT NULL AS preorder;
SELECT waitroom.place_order('{"tenantOrderId": "SP-WAIT-D",
        "orderLineItems": [{"tenantArticleId": "sp-d", "quantity": 2}]}') IS NOT NULL AS waiting;
SELECT waitroom.place_order('{"tenantOrderId": "SP-WAIT-E",
        "orderLineItems": [{"tenantArticleId": "sp-e", "quantity": 1}]}') IS NOT NULL AS waiting;
SELECT waitroom.place_order('{"tenantOrderId": "SP-WAIT-L",
        "orderLineItems": [{"tenantArticleId": "sp-l", "quantity": 1}]}') IS NOT NULL AS waiting;
SELECT waitroom.place_order('{"tenantOrderId": "SP-WAIT-G",
        "orderLineItems": [{"tenantArticleId": "sp-g", "quantity": 1}]}') IS NOT NULL AS waiting;
SELECT r OPERATOR(pg_catalog.->>) 'orderId' AS w1
  FROM waitroom.place_order('{"tenantOrderId": "SP-WAIT-W1",
        "orderLineItems": [{"id": "1", "tenantArticleId": "sp-w", "quantity": 2}]}') r \gset
SELECT r OPERATOR(pg_catalog.->) 'routingPlans' OPERATOR(pg_catalog.->) 0 OPERATOR(pg_catalog.->>) 'routingPlanId' AS w2_plan
  FROM waitroom.place_order('{"tenantOrderId": "SP-WAIT-W2",
        "orderLineItems": [{"id": "1", "tenantArticleId": "sp-w", "quantity": 2}]}') r \gset
SELECT r OPERATOR(pg_catalog.->) 'routingPlans' OPERATOR(pg_catalog.->) 0 OPERATOR(pg_catalog.->>) 'routingPlanId' AS w3_plan
  FROM waitroom.place_order('{"tenantOrderId": "SP-WAIT-W3",
        "orderLineItems": [{"id": "1", "tenantArticleId": "sp-w", "quantity": 1}]}') r \gset
-- The twin taking the tenant last (SPEC §7), with the tenant named: routed, cancelled by
-- its twin in app_serve.sql.
SELECT r OPERATOR(pg_catalog.->>) 'orderId' AS twin
  FROM waitroom.place_order('{"tenantOrderId": "SP-TWIN",
        "orderLineItems": [{"id": "1", "tenantArticleId": "sp-a", "quantity": 1}]}', 'default') r \gset
SELECT r OPERATOR(pg_catalog.->>) 'orderId' AS w4
  FROM waitroom.place_order('{"tenantOrderId": "SP-WAIT-W4",
        "orderLineItems": [{"id": "1", "tenantArticleId": "sp-w", "quantity": 3}]}') r \gset

