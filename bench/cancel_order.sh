#!/usr/bin/env bash
# cancel_order on a 1,000-line order: 500 lines picked at one facility, 500 waiting (backorder,
# waiting room on). Per round a fresh order is placed, then cancelled in two calls: a partial
# cancel naming all 1,000 lines (1 unit of 2 each: the waiting unit, or a picked one, which
# releases its reservation), then the whole rest. Each round does this once with the C++
# cancel_order and once with the PL/pgSQL one it replaced (issue 11; installed from git as
# public.cancel_order_plpgsql), alternating, so machine noise hits both. Prints the median and
# min over ROUNDS of each call, in ms, as seen by the server (clock_timestamp around the call).
# Usage: bash bench/cancel_order.sh [rounds]
set -euo pipefail
ROUNDS=${1:-9}
source "$(dirname "$0")/lib.sh"
[ "${BENCH_NO_BUILD:-0}" = 1 ] || bench_build
wr_cluster_start >/dev/null
bench_createdb bench >/dev/null
wr_psql -d bench -q <<'SQL'
INSERT INTO waitroom.facility (facility_ref) VALUES ('fa');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
SELECT 'fa', 'c-' || i, CASE WHEN i % 2 = 0 THEN 'BACKORDER' ELSE 'NONE' END FROM generate_series(1, 1000) i;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
SELECT 'fa', 'c-' || i, 1000000 FROM generate_series(1, 1000, 2) i;
UPDATE waitroom.routing_strategy SET use_waiting_room_for_pre_back_order_items = true;
ANALYZE;
SQL
# The PL/pgSQL cancel_order as it was before issue 11 moved it to C++.
git -C "$ROOT" show 929339e:sql/src/32_cancel_order.sql |
  sed 's/CREATE FUNCTION cancel_order(/CREATE FUNCTION public.cancel_order_plpgsql(/; s/cancel_order\./cancel_order_plpgsql./g' |
  wr_psql -d bench -q
PGOPTIONS="-c bench.rounds=$ROUNDS" wr_psql -d bench <<'SQL'
CREATE TEMP TABLE t (impl text, round int, partial_ms float8, whole_ms float8);
DO $$
DECLARE
  o uuid; impl text; t0 timestamptz; t1 timestamptz; t2 timestamptz;
  all_lines jsonb := (SELECT jsonb_agg(jsonb_build_object('lineId', i::text, 'quantity', 1)) FROM generate_series(1, 1000) i);
BEGIN
  FOR r IN 1 .. current_setting('bench.rounds')::int LOOP
    FOREACH impl IN ARRAY ARRAY['waitroom.cancel_order', 'public.cancel_order_plpgsql'] LOOP
      o := (waitroom.place_order(jsonb_build_object('tenantOrderId', impl || r, 'orderLineItems',
              (SELECT jsonb_agg(jsonb_build_object('id', i::text, 'tenantArticleId', 'c-' || i, 'quantity', 2))
                 FROM generate_series(1, 1000) i)))->>'orderId')::uuid;
      t0 := clock_timestamp();
      EXECUTE format('SELECT %s($1, $2)', impl) USING o, all_lines;
      t1 := clock_timestamp();
      EXECUTE format('SELECT %s($1)', impl) USING o;
      t2 := clock_timestamp();
      INSERT INTO t VALUES (impl, r, extract(epoch FROM t1 - t0) * 1000, extract(epoch FROM t2 - t1) * 1000);
    END LOOP;
  END LOOP;
END $$;
SELECT impl, count(*) AS rounds,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY partial_ms)::numeric, 1) AS partial_median_ms,
       round(min(partial_ms)::numeric, 1) AS partial_min_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY whole_ms)::numeric, 1) AS whole_median_ms,
       round(min(whole_ms)::numeric, 1) AS whole_min_ms
  FROM t GROUP BY impl ORDER BY impl;
SELECT count(*) AS invariant_violations FROM waitroom.check_invariants();
SQL
