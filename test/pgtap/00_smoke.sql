BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(3);
SELECT has_function('waitroom', 'place_order', ARRAY['jsonb'], 'place_order(jsonb) exists');
SELECT is((SELECT count(*) FROM waitroom.routing_strategy), 1::bigint, 'one routing strategy row');
SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
