-- Safety net of issue 10 (gap 7): a decision that would reserve beyond availability (other
-- than rule 4 and assign_facility) raises an internal error (XX000) instead of overselling.
-- The hook waitroom.debug_fault = 'batch_bookkeeping' makes the batch pass forget what its
-- earlier decisions reserved, so a later plan of the batch sees stock that is gone.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(8);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('fa', 'bo-1', 'BACKORDER'), ('fa', 'bo-2', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
  ('fa', 'bo-1', 0), ('fa', 'bo-2', 0);
SELECT pg_temp.place_one('S-1', '2026-01-01T00:00:00Z', 'bo-1', 1);
SELECT pg_temp.place_one('S-2', '2026-01-02T00:00:00Z', 'bo-1', 1);

SET LOCAL waitroom.debug_fault = 'batch_bookkeeping';
SELECT throws_like(
  $$UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id = 'bo-1'$$,
  '%reserves 2 of bo-1 at fa where 1 is available%',
  'a batch that would reserve 2 where 1 is available raises');
SELECT throws_ok(
  $$UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id = 'bo-1'$$, 'XX000', NULL,
  'as an internal error (XX000)');
SELECT is(pg_temp.reserved('fa', 'bo-1'), 0, 'nothing reserved');

RESET waitroom.debug_fault;
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id = 'bo-1';
SELECT is(pg_temp.plan_trail('S-1') || ' ' || pg_temp.plan_trail('S-2'), 'ROUTED:fa:REACTIVATION WAITING:-',
          'without the fault the restock serves the first order only');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'reserved = sum of open pick lines on every stock row');

-- Rule 4 (waiting room off) still reserves beyond stock, with the hook set too. (After the
-- checks above: the strategy change serves S-2 by rule 4 as well.)
SET LOCAL waitroom.debug_fault = 'batch_bookkeeping';
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = false;
SELECT pg_temp.place_one('S-3', '2026-01-03T00:00:00Z', 'bo-2', 2);
SELECT is(pg_temp.plan_trail('S-3'), 'ROUTED:fa:DEFAULT', 'rule 4: routed without stock');
SELECT is(pg_temp.reserved('fa', 'bo-2'), 2, 'and reserved beyond it');
RESET waitroom.debug_fault;

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
