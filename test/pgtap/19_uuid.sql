-- Order, plan, split-plan and pick-job ids are version 4 UUIDs from a CSPRNG (issue 9,
-- finding 4). They used to come from mt19937_64 seeded with 32 bits per backend: about 2^32
-- streams, so among ~77,000 backend starts two share a stream with 50% probability (not
-- something a test can show in CI time). What a test can show: mt19937_64 is linear, so its
-- outputs obey its recurrence, out[k+312] = f(out[k], out[k+1], out[k+156]), and anyone who
-- sees ~160 consecutive ids of a backend can tell (and predict) the rest. The check below
-- finds that recurrence in an mt19937_64 stream and must not find it in waitroom's ids.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(10);

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa'), ('fb');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('fa', 'a', 'NONE'), ('fb', 'b', 'NONE'), ('fa', 'w', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
  ('fa', 'a', 100), ('fb', 'b', 100), ('fa', 'w', 0);

-- ---------------------------------------------------------------- version and variant
-- Routed whole, split over two facilities (two pick jobs, a child plan), and partly waiting
-- (a routed child plan), the waiting part then routed by a restock's pass (a pick job).
SELECT waitroom.place_order('{"tenantOrderId": "whole", "orderLineItems": [{"tenantArticleId": "a", "quantity": 1}]}') IS NOT NULL;
SELECT waitroom.place_order('{"tenantOrderId": "split", "orderLineItems": [
  {"id": "1", "tenantArticleId": "a", "quantity": 1}, {"id": "2", "tenantArticleId": "b", "quantity": 1}]}') IS NOT NULL;
SELECT waitroom.place_order('{"tenantOrderId": "wait", "orderLineItems": [
  {"id": "1", "tenantArticleId": "a", "quantity": 1}, {"id": "2", "tenantArticleId": "w", "quantity": 1}]}') IS NOT NULL;
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id = 'w';

CREATE TEMP TABLE ids AS
  SELECT 'order' AS kind, order_id AS id FROM waitroom.orders
  UNION ALL SELECT CASE WHEN parent_routing_plan_id IS NULL THEN 'plan' ELSE 'split plan' END,
                   routing_plan_id FROM waitroom.routing_plan
  UNION ALL SELECT 'pick job', pick_job_id FROM waitroom.pick_job;

SELECT is((SELECT string_agg(kind || ':' || n, ' ' ORDER BY kind)
             FROM (SELECT kind, count(*) n FROM ids GROUP BY kind) c),
          'order:3 pick job:5 plan:3 split plan:2', 'the orders made ids of every kind');
SELECT is((SELECT count(*) FROM ids WHERE get_byte(uuid_send(id), 6) >> 4 <> 4), 0::bigint,
          'every id is version 4');
SELECT is((SELECT count(*) FROM ids WHERE get_byte(uuid_send(id), 8) >> 6 <> 2), 0::bigint,
          'every id has the RFC 4122 variant');
SELECT is((SELECT count(DISTINCT id) FROM ids), (SELECT count(*) FROM ids), 'no id repeats');

-- ---------------------------------------------------------------- the mt19937_64 recurrence
CREATE FUNCTION pg_temp.w(hex text) RETURNS bit(64) LANGUAGE sql IMMUTABLE AS
$$ SELECT ('x' || hex)::bit(64) $$;

-- mt19937_64's output function and its inverse.
CREATE FUNCTION pg_temp.temper(x bit(64)) RETURNS bit(64) LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  x := x # ((x >> 29) & pg_temp.w('5555555555555555'));
  x := x # ((x << 17) & pg_temp.w('71d67fffeda60000'));
  x := x # ((x << 37) & pg_temp.w('fff7eee000000000'));
  RETURN x # (x >> 43);
END $$;
CREATE FUNCTION pg_temp.untemper(y bit(64)) RETURNS bit(64) LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE x bit(64);
BEGIN
  y := y # (y >> 43);
  y := y # ((y << 37) & pg_temp.w('fff7eee000000000'));
  x := y;
  FOR i IN 1..4 LOOP x := y # ((x << 17) & pg_temp.w('71d67fffeda60000')); END LOOP;
  y := x;
  FOR i IN 1..3 LOOP x := y # ((x >> 29) & pg_temp.w('5555555555555555')); END LOOP;
  RETURN x;
END $$;

-- The next state word from words k, k+1 and k+156 (a GF(2)-linear function).
CREATE FUNCTION pg_temp.twist(a bit(64), b bit(64), m bit(64)) RETURNS bit(64) LANGUAGE plpgsql
IMMUTABLE AS $$
DECLARE x bit(64) := (a & pg_temp.w('ffffffff80000000')) | (b & pg_temp.w('000000007fffffff'));
BEGIN
  RETURN m # (x >> 1) # CASE WHEN get_bit(x, 63) = 1 THEN pg_temp.w('b5026f5aa96619e9')
                             ELSE 0::bit(64) END;
END $$;

-- The recurrence's residue for outputs k, k+1, k+156, k+312: zero for an mt19937_64 stream.
CREATE FUNCTION pg_temp.residue(o bit(64)[]) RETURNS bit(64) LANGUAGE sql IMMUTABLE AS $$
  SELECT pg_temp.untemper(o[4])
         # pg_temp.twist(pg_temp.untemper(o[1]), pg_temp.untemper(o[2]), pg_temp.untemper(o[3])) $$;

-- An id as two 64-bit outputs: the bits the version and variant overwrite are unknown.
-- Output j is the first (high) half of id j/2 when j is even, the second when odd; the
-- unknown bits are the version nibble (bit positions 48..51) or the variant (0..1).
CREATE FUNCTION pg_temp.unknown_bits(j int) RETURNS int[] LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN j % 2 = 0 THEN ARRAY[48, 49, 50, 51] ELSE ARRAY[0, 1] END $$;

-- How many k have outputs k, k+1, k+156, k+312 that an mt19937_64 stream could have made:
-- the residue of what the ids show must lie in the span of the residues of the unknown bits
-- (the residue is linear). For random ids that happens with probability < 2^-50 per k.
CREATE FUNCTION pg_temp.mt_consistent(id uuid[]) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  out bit(64)[];
  found int := 0;
  offs int[] := ARRAY[0, 1, 156, 312];
  basis bit(64)[];
  pivots int[];
  v bit(64);
  words bit(64)[];
  p int;
BEGIN
  SELECT array_agg(pg_temp.w(substr(h, s, 16)) ORDER BY n, s) INTO out
    FROM unnest(id) WITH ORDINALITY AS u(i, n), replace(i::text, '-', '') h, (VALUES (1), (17)) AS s(s);
  FOR k IN 0 .. array_length(out, 1) - 313 LOOP
    basis := '{}'; pivots := '{}';
    FOR w IN 1..4 LOOP
      FOREACH p IN ARRAY pg_temp.unknown_bits(k + offs[w]) LOOP
        words := array_fill(0::bit(64), ARRAY[4]);
        words[w] := set_bit(0::bit(64), p, 1);
        v := pg_temp.residue(words);
        FOR b IN 1 .. coalesce(array_length(basis, 1), 0) LOOP
          IF get_bit(v, pivots[b]) = 1 THEN v := v # basis[b]; END IF;
        END LOOP;
        IF position(B'1' IN v) > 0 THEN
          basis := basis || v; pivots := pivots || (position(B'1' IN v) - 1);
        END IF;
      END LOOP;
    END LOOP;
    v := pg_temp.residue(ARRAY[out[k + 1], out[k + 2], out[k + 157], out[k + 313]]);
    FOR b IN 1 .. coalesce(array_length(basis, 1), 0) LOOP
      IF get_bit(v, pivots[b]) = 1 THEN v := v # basis[b]; END IF;
    END LOOP;
    IF position(B'1' IN v) = 0 THEN found := found + 1; END IF;
  END LOOP;
  RETURN found;
END $$;

-- The checker finds the recurrence in ids made as the old code made them: an mt19937_64
-- stream (from any state; here random), two outputs per id, version and variant overwritten.
CREATE FUNCTION pg_temp.mt_ids(n int) RETURNS uuid[] LANGUAGE plpgsql AS $$
DECLARE
  s bit(64)[];
  o bit(64)[] := '{}';
  ids uuid[] := '{}';
BEGIN
  SELECT array_agg(pg_temp.w(md5(random()::text)::text) ORDER BY g) INTO s FROM generate_series(1, 312) g;
  FOR k IN 1 .. 2 * n LOOP
    s := s || pg_temp.twist(s[k], s[k + 1], s[k + 156]);
    o := o || pg_temp.temper(s[k + 312]);
  END LOOP;
  FOR i IN 0 .. n - 1 LOOP
    ids := ids || (substr(lpad(to_hex(o[2 * i + 1]::bigint), 16, '0'), 1, 12) || '4'
                   || substr(lpad(to_hex(o[2 * i + 1]::bigint), 16, '0'), 14, 3)
                   || lpad(to_hex((o[2 * i + 2] & pg_temp.w('3fffffffffffffff')
                                   | pg_temp.w('8000000000000000'))::bigint), 16, '0'))::uuid;
  END LOOP;
  RETURN ids;
END $$;

SELECT is(pg_temp.mt_consistent(pg_temp.mt_ids(200)), 88,
          'the check finds the mt19937_64 recurrence at every k of 200 ids made by the old generator');
SELECT is(pg_temp.mt_consistent((SELECT array_agg(gen_random_uuid()) FROM generate_series(1, 200))), 0,
          'and nowhere in 200 ids of gen_random_uuid()');

-- 200 waiting orders in a row: their order and plan ids are consecutive draws of this backend
-- (order id, then plan id; a waiting plan makes no other id).
CREATE FUNCTION pg_temp.placed_ids(n int) RETURNS uuid[] LANGUAGE plpgsql AS $$
DECLARE
  placed jsonb;
  ids uuid[] := '{}';
BEGIN
  FOR i IN 1..n LOOP
    placed := waitroom.place_order(jsonb_build_object('tenantOrderId', 'mt-' || i,
      'orderLineItems', jsonb_build_array(jsonb_build_object('tenantArticleId', 'w', 'quantity', 5))));
    ids := ids || (placed->>'orderId')::uuid || (placed->'routingPlans'->0->>'routingPlanId')::uuid;
  END LOOP;
  RETURN ids;
END $$;
CREATE TEMP TABLE placed AS SELECT pg_temp.placed_ids(100) AS ids;
SELECT is((SELECT count(*) FROM waitroom.routing_plan p JOIN waitroom.orders o USING (order_id)
            WHERE o.tenant_order_id LIKE 'mt-%' AND p.status = 'WAITING'), 100::bigint,
          '100 orders wait, one plan each');
SELECT is(pg_temp.mt_consistent((SELECT ids FROM placed)), 0,
          'no k where the ids of 100 orders placed in a row follow the mt19937_64 recurrence');
SELECT is((SELECT count(DISTINCT i) FROM placed, unnest(ids) i), 200::bigint,
          'and none of their 200 ids repeats');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
