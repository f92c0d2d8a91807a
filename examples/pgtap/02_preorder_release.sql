-- A pre-order waits until its release time, then release_due() routes it.
BEGIN;
CREATE EXTENSION IF NOT EXISTS waitroom_pgtap CASCADE;
SELECT plan(6);

SELECT waitroom_pgtap.given_network('{
  "hamburg": {"stock": {"game-2": 10},
              "listings": {"game-2": {"behaviour": "PREORDER", "availableFrom": "2030-03-01T00:00:00Z"}}}
}');

SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "P-1", "orderDate": "2026-11-02T09:00:00Z",
  "orderLineItems": [{"id": "1", "tenantArticleId": "game-2", "quantity": 1}]}')$$, 'P-1 is placed');
SELECT waitroom_pgtap.plans_are('P-1', '[{"status": "WAITING", "lines": {"1": 1}}]',
                                'the pre-order waits, stock or not');
SELECT is((SELECT reason FROM waitroom.waiting_room WHERE tenant_order_id = 'P-1'), 'PREORDER_NOT_RELEASED',
          'the waiting room says why');

SELECT is(waitroom.release_due('2030-02-28T23:59:59Z'), 0, 'a second early: nothing to release');
SELECT waitroom_pgtap.plans_are('P-1', '[{"status": "ROUTED", "facility": "hamburg", "lines": {"1": 1}}]',
                                'P-1 is released at its time')
  FROM waitroom.release_due('2030-03-01T00:00:00Z');
SELECT waitroom_pgtap.invariants_hold();

SELECT * FROM finish();
ROLLBACK;
