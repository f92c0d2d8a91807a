-- Suite 62: a waiting room in a known state for the dashboard.
-- One facility; sku-back listed BACKORDER without stock, sku-pre a PREORDER not released for a
-- day, and an article whose id is markup (the page must show it as text).
-- Orders: B-1, B-2, B-3 wait for sku-back; P-1, P-2 for sku-pre; X-1 for the hostile article.
-- Then one unit of sku-back arrives: B-1 is released (routed by a REACTIVATION), B-2 and B-3
-- stay, first and second in the queue. A paused webhook subscription gets one dead letter.
INSERT INTO waitroom.subscription (subscription_id, kind, url, active, max_attempts)
VALUES ('hook', 'webhook', 'https://hooks.invalid/waitroom', false, 3);

INSERT INTO waitroom.facility (facility_ref, name) VALUES ('fc-berlin', 'Berlin');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour,
                              preorder_available_from)
VALUES ('fc-berlin', 'sku-back', 'BACKORDER', NULL),
       ('fc-berlin', 'sku-pre', 'PREORDER', now() + interval '1 day'),
       ('fc-berlin', '<img src=x onerror=document.title=1>', 'BACKORDER', NULL);

SELECT waitroom.place_order(jsonb_build_object(
           'tenantOrderId', o.id, 'orderDate', '2026-01-01T00:00:00Z'::timestamptz + o.n * interval '1 minute',
           'orderLineItems', jsonb_build_array(jsonb_build_object('tenantArticleId', o.article, 'quantity', 1))))
  FROM (VALUES (1, 'B-1', 'sku-back'), (2, 'B-2', 'sku-back'), (3, 'B-3', 'sku-back'),
               (4, 'P-1', 'sku-pre'), (5, 'P-2', 'sku-pre'),
               (6, 'X-1', '<img src=x onerror=document.title=1>')) o(n, id, article)
 ORDER BY o.n;

INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fc-berlin', 'sku-back', 1);

UPDATE waitroom.delivery
   SET state = 'dead', attempts = 3, last_error = 'HTTP 500', last_attempt_at = now(),
       next_attempt_at = 'infinity'
 WHERE subscription_id = 'hook'
   AND event_id = (SELECT min(event_id) FROM waitroom.delivery WHERE subscription_id = 'hook');
