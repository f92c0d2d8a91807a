-- Two lines of one article routed to one facility reserve on one stock row: the quantities
-- add up (found by bench/place_order.sh: the reservation upsert touched the row twice).
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(5);
INSERT INTO waitroom.facility (facility_ref) VALUES ('berlin');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('berlin', 'sku-1');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('berlin', 'sku-1', 5);
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId":"S-1","orderLineItems":[
  {"tenantArticleId":"sku-1","quantity":2},{"tenantArticleId":"sku-1","quantity":1}]}')$$,
  'two lines of one article place fine');
SELECT is((SELECT reserved FROM waitroom.stock WHERE tenant_article_id = 'sku-1'), 3,
  'both lines reserved on the one stock row');
SELECT is((SELECT status FROM waitroom.routing_plan), 'ROUTED', 'routed whole');
-- 3 reserved, 2 left: line 1 takes both; nothing is left anywhere for line 2 (not
-- backorderable), so it is short-picked at the routed plan, not a plan of its own (SPEC §3 rule 2).
SELECT is((SELECT jsonb_agg(jsonb_build_array(p->>'status', l->>'lineId', (l->>'quantity')::int, (l->>'shortQuantity')::int)
                            ORDER BY p->>'status', l->>'lineId')
             FROM waitroom.place_order('{"tenantOrderId":"S-2","orderLineItems":[
  {"tenantArticleId":"sku-1","quantity":2},{"tenantArticleId":"sku-1","quantity":1}]}') r,
                  jsonb_array_elements(r->'routingPlans') p, jsonb_array_elements(p->'lines') l),
          '[["ROUTED", "1", 2, 0], ["ROUTED", "2", 1, 1]]'::jsonb,
  'the second line of the same article finds nothing left once the first took the stock');
SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
