-- SPEC §3 rule 2, its examples as written: where units go that no facility can serve fully
-- and that are not pre/backorderable. Split active, cap 3, nothing pre/backorderable;
-- F1 has a=5, F2 has b=1, no facility has c. Each example orders its own article family
-- (a1/c1, a2/b2, ...) with that stock, so one example's reservations never feed another.
-- Then rule 4's plans count toward the cap. Plans are checked as rows (plan_picks) and as the
-- returned JSON of SPEC §2, where a plan line's "quantity" is what the plan holds of the line
-- and "shortQuantity" the part of it not picked.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(24);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref) VALUES ('f1'), ('f2');
SELECT pg_temp.offer('f1', a, 5) FROM unnest(ARRAY['a1', 'a2', 'a5']) a;
SELECT pg_temp.offer('f2', b, 1) FROM unnest(ARRAY['b2', 'b3']) b;

-- The plans of a returned order JSON: "STATUS@facility[line/article:quantity-short ...]", sorted.
CREATE FUNCTION pg_temp.json_plans(t text) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(x, ' ' ORDER BY x) FROM (
    SELECT (p->>'status') || '@' || coalesce(p->>'facilityRef', '-') || '[' ||
           coalesce((SELECT string_agg((l->>'lineId') || '/' || (l->>'tenantArticleId') || ':' || (l->>'quantity')
                                       || '-' || (l->>'shortQuantity'), ' ' ORDER BY l->>'lineId')
                       FROM jsonb_array_elements(p->'lines') l), '') || ']' AS x
      FROM placed, jsonb_array_elements(j->'routingPlans') p WHERE tid = t) s $$;

-- ---------------------------------------------------------------- a×1 + c×2
SELECT pg_temp.place('R2-ac', '[{"id": "1", "tenantArticleId": "a1", "quantity": 1}, {"id": "2", "tenantArticleId": "c1", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('R2-ac'), 'ROUTED@f1#SHORT_PICKED{a1:1(1+0),c1:2(0+2)}',
          'a×1 + c×2: one ROUTED plan at F1 picking a×1 and c×0, c short 2');
SELECT is(pg_temp.json_plans('R2-ac'), 'ROUTED@f1[1/a1:1-0 2/c1:2-2]',
          'a×1 + c×2: the returned JSON has that one plan, c with quantity 2, shortQuantity 2');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('R2-ac') AND status = 'NOT_ROUTABLE'),
          0::bigint, 'a×1 + c×2: no NOT_ROUTABLE plan');
SELECT is(pg_temp.reserved('f1', 'a1'), 1, 'a×1 + c×2: a×1 reserved at F1');
SELECT is(pg_temp.order_events('R2-ac'), '{ORDER_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}',
          'a×1 + c×2: events of one routed plan, no split, no NOT_ROUTABLE');

-- ---------------------------------------------------------------- a×1 + b×2
SELECT pg_temp.place('R2-ab', '[{"id": "1", "tenantArticleId": "a2", "quantity": 1}, {"id": "2", "tenantArticleId": "b2", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('R2-ab'), 'ROUTED@f1#SHORT_PICKED{a2:1(1+0),b2:2(0+2)}',
          'a×1 + b×2: ROUTED at F1 picking a×1 and b×0, b short 2');
SELECT is(pg_temp.json_plans('R2-ab'), 'ROUTED@f1[1/a2:1-0 2/b2:2-2]', 'a×1 + b×2: the returned JSON has that one plan');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('R2-ab') AND facility_ref = 'f2'),
          0::bigint, 'a×1 + b×2: F2''s single b does not open a second plan');
SELECT is(pg_temp.reserved('f2', 'b2'), 0, 'a×1 + b×2: nothing reserved at F2');
SELECT is(pg_temp.order_events('R2-ab'), '{ORDER_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}',
          'a×1 + b×2: events of one routed plan, no split');

-- ---------------------------------------------------------------- b×2 alone
SELECT pg_temp.place('R2-b', pg_temp.one_line('b3', 2));
SELECT is(pg_temp.plan_picks('R2-b'), 'ROUTED@f2#SHORT_PICKED{b3:2(1+1)}', 'b×2 alone: ROUTED at F2 picking b×1, short 1');
SELECT is(pg_temp.json_plans('R2-b'), 'ROUTED@f2[1/b3:2-1]', 'b×2 alone: the returned JSON has that plan, shortQuantity 1');
SELECT is(pg_temp.reserved('f2', 'b3'), 1, 'b×2 alone: the one b reserved at F2');

-- ---------------------------------------------------------------- c×2 alone
SELECT pg_temp.place('R2-c', pg_temp.one_line('c4', 2));
SELECT is(pg_temp.plan_picks('R2-c'), 'NOT_ROUTABLE@-{c4:2}', 'c×2 alone: NOT_ROUTABLE');
SELECT is(pg_temp.json_plans('R2-c'), 'NOT_ROUTABLE@-[1/c4:2-0]', 'c×2 alone: the returned JSON has the NOT_ROUTABLE plan');
SELECT is((SELECT count(*) FROM waitroom.pick_job WHERE order_id = pg_temp.order_of('R2-c')), 0::bigint, 'c×2 alone: no pick job');

-- ---------------------------------------------------------------- rule 4's plans count toward the cap
-- Waiting room off (fence inactive, flag false), split active, max_split_count = 1; F1 has
-- a=5, F2 only a BACKORDER listing for b (no stock row).
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = false, use_waiting_room_for_pre_back_order_items = false,
                                     order_split_active = true, max_split_count = 1;
SELECT pg_temp.offer('f2', 'b5', NULL, 'BACKORDER');
SELECT pg_temp.place('R4-cap', '[{"id": "1", "tenantArticleId": "a5", "quantity": 1}, {"id": "2", "tenantArticleId": "b5", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('R4-cap'), 'ROUTED@f1#SHORT_PICKED{a5:1(1+0),b5:1(0+1)}',
          'rule 4 at cap 1: one plan, F1 with a×1 picked and b short 1');
SELECT is(pg_temp.json_plans('R4-cap'), 'ROUTED@f1[1/a5:1-0 2/b5:1-1]', 'rule 4 at cap 1: the returned JSON has that one plan');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('R4-cap') AND status = 'ROUTED'),
          1::bigint, 'rule 4 at cap 1: the cap counts every routed plan of the decision, rule 4''s included');
SELECT is(pg_temp.reserved('f2', 'b5'), NULL, 'rule 4 at cap 1: nothing reserved (no stock row created) at F2');

SELECT is((SELECT count(*) FROM waitroom.orders o
            WHERE EXISTS (SELECT FROM waitroom.routing_plan p WHERE p.order_id = o.order_id AND p.status = 'ROUTED')
              AND EXISTS (SELECT FROM waitroom.routing_plan p WHERE p.order_id = o.order_id AND p.status = 'NOT_ROUTABLE')),
          0::bigint, 'no order here has a NOT_ROUTABLE plan next to a ROUTED one');
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'reserved = open pick lines at every stock row');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'nothing lost: picked + short + not routable = ordered');
SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
