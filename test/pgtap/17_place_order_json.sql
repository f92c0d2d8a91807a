-- place_order builds the new order's JSON from what it wrote (no read back): it must equal
-- waitroom.order_json() of the stored order in every shape a decision can take.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(13);

-- Not UTC: times must be formatted as the session formats them.
SET LOCAL TimeZone = 'America/New_York';
INSERT INTO waitroom.facility (facility_ref, lat, lon) VALUES ('fa', 52.5, 13.4), ('fb', 48.1, 11.6);
INSERT INTO waitroom.facility (facility_ref) VALUES ('fc');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('fa', 'a', 'NONE'), ('fb', 'a', 'NONE'), ('fa', 'b', 'NONE'), ('fb', 'c', 'NONE'),
  ('fa', 'back', 'BACKORDER'), ('fc', 'd', 'NONE');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from)
  VALUES ('fb', 'pre', 'PREORDER', '2030-01-01');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
  ('fa', 'a', 5), ('fb', 'a', 5), ('fa', 'b', 1), ('fb', 'c', 4), ('fc', 'd', 1);

CREATE FUNCTION pg_temp.same(body jsonb, what text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    placed jsonb := waitroom.place_order(body);
    stored jsonb := waitroom.order_json((placed->>'orderId')::uuid);
BEGIN
    RETURN is(placed, stored, what || ': place_order returns what order_json reads');
END $$;

SELECT pg_temp.same('{"tenantOrderId": "one", "orderDate": "2026-11-22T10:00:00.123456Z",
  "consumer": {"lat": 52.5, "lon": 13.4},
  "orderLineItems": [{"tenantArticleId": "a", "quantity": 2}]}', 'routed whole');
SELECT pg_temp.same('{"tenantOrderId": "split", "priority": 7, "consumer": {"lat": 50, "lon": 10},
  "orderLineItems": [{"id": "x", "tenantArticleId": "b", "quantity": 1},
                     {"id": "y", "tenantArticleId": "c", "quantity": 2},
                     {"id": "z", "tenantArticleId": "a", "quantity": 1}]}', 'split over two facilities');
SELECT pg_temp.same('{"tenantOrderId": "short", "orderLineItems": [
  {"tenantArticleId": "a", "quantity": 1}, {"tenantArticleId": "nowhere", "quantity": 3}]}',
  'routed with a short pick');
SELECT pg_temp.same('{"tenantOrderId": "none", "orderLineItems": [{"tenantArticleId": "nowhere", "quantity": 1}]}',
  'not routable');
SELECT pg_temp.same('{"tenantOrderId": "bundle", "orderLineItems": [
  {"id": "2", "tenantArticleId": "a", "quantity": 1, "bundleRef": "set"},
  {"id": "1", "tenantArticleId": "b", "quantity": 1, "bundleRef": "set"}]}', 'a bundle, ids out of order');
SELECT pg_temp.same('{"tenantOrderId": "nolocation", "orderLineItems": [{"tenantArticleId": "d", "quantity": 1}]}',
  'a facility without a location');

UPDATE waitroom.routing_strategy SET use_waiting_room_for_pre_back_order_items = true;
SELECT pg_temp.same('{"tenantOrderId": "waits", "orderLineItems": [{"tenantArticleId": "back", "quantity": 2}]}',
  'waiting (backorder)');
SELECT pg_temp.same('{"tenantOrderId": "part", "orderLineItems": [
  {"tenantArticleId": "a", "quantity": 1}, {"tenantArticleId": "back", "quantity": 1}]}',
  'routed part and waiting part');
SELECT pg_temp.same('{"tenantOrderId": "preorder", "orderLineItems": [{"tenantArticleId": "pre", "quantity": 1}]}',
  'waiting (pre-order)');
UPDATE waitroom.routing_strategy SET order_split_active = false;
SELECT pg_temp.same('{"tenantOrderId": "nosplit", "orderLineItems": [
  {"tenantArticleId": "b", "quantity": 1}, {"tenantArticleId": "c", "quantity": 1}]}',
  'split off: routed with a short pick');
UPDATE waitroom.routing_strategy SET order_split_active = true, use_waiting_room_for_pre_back_order_items = false,
                                     complete_stock_fence_active = false;
SELECT pg_temp.same('{"tenantOrderId": "beyond", "orderLineItems": [{"tenantArticleId": "back", "quantity": 4}]}',
  'waiting room off: routed beyond stock');

-- A retry returns the stored order, unchanged.
SELECT is(waitroom.place_order('{"tenantOrderId": "one", "orderDate": "2026-11-22T10:00:00.123456Z",
  "consumer": {"lat": 52.5, "lon": 13.4}, "orderLineItems": [{"tenantArticleId": "a", "quantity": 2}]}'),
  waitroom.order_json((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'one')),
  'a safe retry returns the order as stored');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
