-- make installcheck: an order that routes, one that waits, and a restock that releases it.
-- Ids are random UUIDs, so only stable keys of the returned order JSON are shown.
CREATE FUNCTION pg_temp.stable(o jsonb) RETURNS TABLE (order_status text, plan_status text,
    facility text, run_type text, pick_job text, lines text)
LANGUAGE sql AS $$
  SELECT o->>'status', p->>'status', p->>'facilityRef', p->>'runType', p->>'pickJobStatus',
         (SELECT string_agg(l->>'tenantArticleId' || ' x' || (l->>'quantity'), ', ' ORDER BY l->>'lineId')
            FROM jsonb_array_elements(p->'lines') l)
    FROM jsonb_array_elements(o->'routingPlans') WITH ORDINALITY AS x(p, n)
   ORDER BY n
$$;
INSERT INTO waitroom.facility (facility_ref, name) VALUES ('berlin', 'Berlin store');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
VALUES ('berlin', 'sku-1', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('berlin', 'sku-1', 1);
-- One unit on hand: o1 takes it and routes to berlin with an open pick job.
SELECT * FROM pg_temp.stable(waitroom.place_order('{
  "tenantOrderId": "o1", "orderDate": "2026-01-01T10:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "sku-1", "quantity": 1}]}'));
SELECT on_hand, reserved FROM waitroom.stock WHERE facility_ref = 'berlin' AND tenant_article_id = 'sku-1';
-- Nothing left: o2 (a backorder listing) waits in the waiting room.
SELECT * FROM pg_temp.stable(waitroom.place_order('{
  "tenantOrderId": "o2", "orderDate": "2026-01-01T11:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "sku-1", "quantity": 2}]}'));
SELECT tenant_order_id, line_id, tenant_article_id, quantity, reason, queue_position
  FROM waitroom.waiting_room;
-- A restock is any UPDATE of stock: it releases o2 in the same statement.
UPDATE waitroom.stock SET on_hand = on_hand + 2 WHERE facility_ref = 'berlin' AND tenant_article_id = 'sku-1';
SELECT * FROM pg_temp.stable(waitroom.order_json(
  (SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'o2')));
SELECT count(*) AS waiting_lines FROM waitroom.waiting_room;
SELECT on_hand, reserved FROM waitroom.stock WHERE facility_ref = 'berlin' AND tenant_article_id = 'sku-1';
-- The outbox, in order: what waitroomd publishes.
SELECT o.tenant_order_id, e.event
  FROM waitroom.event e JOIN waitroom.orders o ON o.order_id = e.order_id
 ORDER BY e.event_id;
SELECT * FROM waitroom.check_invariants();
