-- Run by the extension owner before the role files: login roles granted waitroom's roles,
-- a webhook subscription with a secret, a small network, one waiting and one routed order.
CREATE EXTENSION pgtap;
CREATE EXTENSION waitroom;
CREATE ROLE app_login LOGIN IN ROLE waitroom_app;
CREATE ROLE reader_login LOGIN IN ROLE waitroom_reader;
CREATE ROLE daemon_login LOGIN IN ROLE waitroom_daemon;
CREATE ROLE stranger LOGIN;  -- can connect, holds no waitroom role

INSERT INTO waitroom.facility (facility_ref) VALUES ('f1'), ('f2');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
VALUES ('f1', 'a', 'NONE'), ('f1', 'b', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('f1', 'a', 10), ('f1', 'b', 0);
INSERT INTO waitroom.subscription (subscription_id, url, secret, headers)
VALUES ('hook', 'http://127.0.0.1:9/hook', 'whsec_c2VjcmV0', '{"Authorization": "Bearer t0ken"}');
SELECT waitroom.place_order('{"tenantOrderId": "seed-waiting", "orderDate": "2026-01-01T00:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "b", "quantity": 1}]}');
SELECT waitroom.place_order('{"tenantOrderId": "seed-routed", "orderDate": "2026-01-01T00:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "a", "quantity": 1}]}');
