-- SPEC §3 rule 2's example: no facility has everything; what no facility can complete is
-- short-picked in the routed plan whose facility has the most of it.
BEGIN;
CREATE EXTENSION IF NOT EXISTS waitroom_pgtap CASCADE;
SELECT plan(3);

SELECT waitroom_pgtap.given_network('{
  "F1": {"stock": {"a": 5}},
  "F2": {"stock": {"b": 1}}
}');

SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "S-1",
  "orderLineItems": [{"id": "1", "tenantArticleId": "a", "quantity": 1},
                     {"id": "2", "tenantArticleId": "b", "quantity": 2}]}')$$, 'S-1 is placed');
-- F2's single b does not open a second plan: F1 picks a and short-picks both b.
SELECT waitroom_pgtap.plans_are('S-1', '[
  {"status": "ROUTED", "facility": "F1", "lines": {"1": 1, "2": 2}, "short": {"2": 2}}
]');
SELECT waitroom_pgtap.invariants_hold();

SELECT * FROM finish();
ROLLBACK;
