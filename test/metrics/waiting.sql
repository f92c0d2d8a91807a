-- Suite 61's waiting room: orders that wait for a backorder (BACKORDER_NO_STOCK) and for a
-- pre-order not yet released (PREORDER_NOT_RELEASED), on one facility with no stock.
\set ON_ERROR_STOP 1
INSERT INTO waitroom.facility (facility_ref, name, lat, lon) VALUES ('m-f1', 'metrics', 48.1, 11.5);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from)
VALUES ('m-f1', 'm-back', 'BACKORDER', NULL),
       ('m-f1', 'm-pre', 'PREORDER', now() + interval '30 days');
SELECT count(waitroom.place_order(jsonb_build_object(
         'tenantOrderId', 'm-' || a || '-' || n,
         'orderLineItems', jsonb_build_array(
            jsonb_build_object('id', '1', 'tenantArticleId', a, 'quantity', 1)))))
  FROM unnest(ARRAY['m-back', 'm-back', 'm-back', 'm-pre', 'm-pre']) WITH ORDINALITY u(a, n);
