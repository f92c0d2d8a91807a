-- A backorder waits in the waiting room; a restock releases the oldest order first.
-- Run: pg_prove -d yourdb examples/pgtap/*.sql   (each file rolls back what it did)
BEGIN;
CREATE EXTENSION IF NOT EXISTS waitroom_pgtap CASCADE;
SELECT plan(8);

-- Berlin may backorder sku-1 (none on hand); Munich has sku-2.
SELECT waitroom_pgtap.given_network('{
  "berlin": {"stock": {"sku-1": 0}, "listings": {"sku-1": "BACKORDER"}},
  "munich": {"stock": {"sku-2": 3}}
}');

SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "A-1", "orderDate": "2026-11-01T10:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "sku-1", "quantity": 2},
                     {"id": "2", "tenantArticleId": "sku-2", "quantity": 1}]}')$$, 'A-1 is placed');
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "A-2", "orderDate": "2026-11-01T11:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "sku-1", "quantity": 1}]}')$$, 'A-2 is placed');

-- Split: what Munich has is routed, the backordered line waits.
SELECT waitroom_pgtap.plans_are('A-1', '[
  {"status": "ROUTED", "facility": "munich", "lines": {"2": 1}},
  {"status": "WAITING", "lines": {"1": 2}}
]');
SELECT waitroom_pgtap.queue_is('sku-1', ARRAY['A-1', 'A-2'], 'the older order is first in the queue');

-- Two arrive: A-1 (first in the queue) takes both, A-2 keeps waiting.
UPDATE waitroom.stock SET on_hand = 2 WHERE facility_ref = 'berlin' AND tenant_article_id = 'sku-1';
SELECT waitroom_pgtap.plans_are('A-1', '[
  {"status": "ROUTED", "facility": "berlin", "lines": {"1": 2}},
  {"status": "ROUTED", "facility": "munich", "lines": {"2": 1}}
]', 'the restock routes A-1''s waiting line to Berlin');
SELECT waitroom_pgtap.plans_are('A-2', '[{"status": "WAITING", "lines": {"1": 1}}]');
SELECT waitroom_pgtap.queue_is('sku-1', ARRAY['A-2']);
SELECT waitroom_pgtap.invariants_hold();

SELECT * FROM finish();
ROLLBACK;
