-- waitroom.lock_strategy = 'all_candidates' (place_order's fallback after failed re-checks, and
-- a benchmark setting): every candidate stock row of the order's articles is locked before
-- the decision, in the fixed order, and nothing else.
BEGIN;
CREATE EXTENSION waitroom;
CREATE EXTENSION pgrowlocks;
SELECT plan(4);

INSERT INTO waitroom.facility (facility_ref) VALUES ('f1'), ('f2'), ('f3');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id)
  SELECT f, a FROM unnest(ARRAY['f1', 'f2', 'f3']) f, unnest(ARRAY['a', 'b', 'c']) a;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
  SELECT f, a, 5 FROM unnest(ARRAY['f1', 'f2', 'f3']) f, unnest(ARRAY['a', 'b', 'c']) a;

SET LOCAL waitroom.lock_strategy = 'all_candidates';
SELECT is(waitroom.place_order('{"tenantOrderId": "o", "orderLineItems": [
            {"tenantArticleId": "a", "quantity": 1}, {"tenantArticleId": "b", "quantity": 2}]}')
          #>> '{routingPlans,0,status}', 'ROUTED', 'the order is routed');
SELECT is((SELECT string_agg(s.facility_ref || '/' || s.tenant_article_id, ' ' ORDER BY s.facility_ref, s.tenant_article_id)
             FROM pgrowlocks('waitroom.stock') l
             JOIN waitroom.stock s ON s.ctid = l.locked_row),
          'f1/a f1/b f2/a f2/b f3/a f3/b', 'every candidate row of a and b is locked, none of c');
SELECT is((SELECT sum(reserved) FROM waitroom.stock), 3::bigint, 'the routed lines are reserved');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
