-- make installcheck: a rejected call raises an ERROR with SPEC §6's SQLSTATE and changes nothing.
\set VERBOSITY sqlstate
-- malformed JSON text
SELECT waitroom.place_order('{"tenantOrderId": ');
-- missing field
SELECT waitroom.place_order('{"tenantOrderId": "e1"}');
-- quantity <= 0
SELECT waitroom.place_order('{"tenantOrderId": "e2",
  "orderLineItems": [{"id": "1", "tenantArticleId": "sku-1", "quantity": 0}]}');
-- unknown order
SELECT waitroom.cancel_order('00000000-0000-0000-0000-000000000000');
-- a cancelled order cannot be cancelled again
SELECT (waitroom.cancel_order((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'o1')))->>'status';
SELECT waitroom.cancel_order((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'o1'));
-- same tenantOrderId as an OPEN order, different body
SELECT waitroom.place_order('{"tenantOrderId": "o2",
  "orderLineItems": [{"id": "1", "tenantArticleId": "sku-1", "quantity": 5}]}');
\set VERBOSITY default
SELECT count(*) AS orders FROM waitroom.orders;
SELECT * FROM waitroom.check_invariants();
