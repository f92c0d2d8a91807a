#!/usr/bin/env bash
# Issue 11: what moving statements out of C++ literals into named SQL functions costs. Each
# statement waitroom used to keep in a C++ string (its text as it was, copied here) runs
# against its replacement, a call of the function in sql/src, side by side in one run
# (alternating old / new, ROUNDS times, so machine noise hits both). pgbench -M prepared with
# generic plans, one client: the C module prepares its statements generic (spi.cpp), and an
# article array is one opaque argument there (string_to_array here). Default durability, 100
# facilities x 1,000 articles (100,000 stock rows and listings), 100,000 waiting plans over
# 1,000 other articles (100 each, listed BACKORDER at 5 facilities).
# Two statements that stay in C++ (waited, strategy) run against a function made here only.
# Prints, per statement, the median latency of each side in microseconds and new/old.
# Usage: bash bench/queue_sql.sh [seconds per run] [rounds]
set -euo pipefail
SECS=${1:-5}
ROUNDS=${2:-3}
source "$(dirname "$0")/lib.sh"
bench_build
WR_CLUSTER_DURABLE=1 wr_cluster_start
bench_createdb bench >/dev/null
bench_network bench 100 1 1000 NONE 1000000 2>/dev/null
bench_network bench 5 1 1000 BACKORDER 0 wait- 2>/dev/null
bench_waiting bench 100000 1000 wait- w- >/dev/null
wr_psql -d bench -c "ANALYZE" >/dev/null
W=$(mktemp -d /tmp/waitroom-queue-sql.XXXXXX)
chmod 755 "$W"

# Variables: :a, :b two catalogue articles; :w a waited article; :n a waiting order (w-<n>).
head='\set a random(1, 1000)
\set b random(1, 1000)
\set w random(1, 1000)
\set n random(1, 100000)'

# ---- the candidate offers of an order's two articles (place_order, every decision)
cat >"$W/offers_old.sql" <<SQL
$head
SELECT l.facility_ref, l.tenant_article_id, l.out_of_stock_behaviour,
       (extract(epoch FROM l.preorder_available_from) * 1000000)::bigint,
       s.on_hand, s.reserved, f.lat, f.lon
  FROM waitroom.listing l
  JOIN waitroom.facility f ON f.facility_ref = l.facility_ref
  LEFT JOIN waitroom.stock s
         ON s.facility_ref = l.facility_ref AND s.tenant_article_id = l.tenant_article_id
        AND s.tenant_article_id = ANY (string_to_array('sku-' || :a || ',sku-' || :b, ','))
 WHERE l.tenant_article_id = ANY (string_to_array('sku-' || :a || ',sku-' || :b, ','))
   AND l.status = 'ACTIVE' AND f.status = 'ONLINE';
SQL
cat >"$W/offers_new.sql" <<SQL
$head
SELECT c.facility_ref, c.tenant_article_id, c.out_of_stock_behaviour,
       (extract(epoch FROM c.preorder_available_from) * 1000000)::bigint,
       c.on_hand, c.reserved, c.lat, c.lon
  FROM waitroom.candidate_offer(string_to_array('sku-' || :a || ',sku-' || :b, ',')) c;
SQL

# ---- STRICT_FIFO: held back from a new plan of an order (place_order under STRICT_FIFO)
cat >"$W/held_old.sql" <<SQL
$head
SELECT a.article, sum(w.quantity)
  FROM unnest(string_to_array('wait-' || :w, ',')) AS a(article)
 CROSS JOIN LATERAL (
       SELECT l.quantity, o.order_date, p.plan_no
         FROM waitroom.routing_plan_line l
         JOIN waitroom.routing_plan p ON p.routing_plan_id = l.routing_plan_id
         JOIN waitroom.orders o ON o.order_id = p.order_id
        WHERE l.waiting AND l.tenant_article_id = a.article
          AND l.routing_plan_id IS DISTINCT FROM NULL::uuid
       OFFSET 0) w
 WHERE CASE WHEN NULL::uuid IS NOT NULL
            THEN (w.order_date, w.plan_no) <
                 (SELECT o2.order_date, p2.plan_no FROM waitroom.routing_plan p2
                    JOIN waitroom.orders o2 ON o2.order_id = p2.order_id
                   WHERE p2.routing_plan_id = NULL::uuid)
            ELSE w.order_date <=
                 (SELECT o3.order_date FROM waitroom.orders o3
                   WHERE o3.tenant_order_id = 'w-' || :n AND o3.status = 'OPEN')
       END
 GROUP BY 1;
SQL
cat >"$W/held_new.sql" <<SQL
$head
SELECT q.tenant_article_id, q.ahead
  FROM waitroom.waiting_queue(string_to_array('wait-' || :w, ','), NULL::uuid[],
                              (SELECT o3.order_id FROM waitroom.orders o3
                                WHERE o3.tenant_order_id = 'w-' || :n AND o3.status = 'OPEN')) q
 WHERE q.probe;
SQL

# ---- the pass: WAITING plans of a raised article, in queue order
cat >"$W/pass_old.sql" <<SQL
$head
SELECT p.routing_plan_id
  FROM (SELECT DISTINCT w.routing_plan_id
          FROM unnest(string_to_array('wait-' || :w, ',')) AS a(article)
         CROSS JOIN LATERAL (SELECT l.routing_plan_id FROM waitroom.routing_plan_line l
                              WHERE l.waiting AND l.tenant_article_id = a.article
                             OFFSET 0) w) ids
 CROSS JOIN LATERAL (SELECT p.routing_plan_id, p.plan_no, o.order_date, o.priority
                       FROM waitroom.routing_plan p
                       JOIN waitroom.orders o ON o.order_id = p.order_id
                      WHERE p.routing_plan_id = ids.routing_plan_id
                        AND p.status = 'WAITING' OFFSET 0) p
 ORDER BY CASE WHEN (SELECT waiting_room_priority FROM waitroom.routing_strategy)
               = 'PRIORITY' THEN p.priority END DESC NULLS LAST,
          p.order_date, p.plan_no;
SQL
cat >"$W/pass_new.sql" <<SQL
$head
SELECT q.routing_plan_id FROM waitroom.waiting_queue(string_to_array('wait-' || :w, ',')) q
 GROUP BY q.routing_plan_id ORDER BY min(q.queue_rank);
SQL

# ---- the batch under STRICT_FIFO: every waiting line's place (old: keys, summed in C++)
cat >"$W/batch_old.sql" <<SQL
$head
SELECT a.article, w.quantity, w.order_date, w.plan_no
  FROM unnest(string_to_array('wait-' || :w, ',')) AS a(article)
 CROSS JOIN LATERAL (
       SELECT l.quantity, p.plan_no,
              (extract(epoch FROM o.order_date) * 1000000)::bigint AS order_date
         FROM waitroom.routing_plan_line l
         JOIN waitroom.routing_plan p ON p.routing_plan_id = l.routing_plan_id
         JOIN waitroom.orders o ON o.order_id = p.order_id
        WHERE l.waiting AND l.tenant_article_id = a.article OFFSET 0) w;
SQL
cat >"$W/batch_new.sql" <<SQL
$head
SELECT q.routing_plan_id, q.tenant_article_id, q.ahead FROM waitroom.waiting_queue(string_to_array('wait-' || :w, ',')) q;
SQL

# ---- reroute(order): the order's unrouted plans in queue order
cat >"$W/unrouted_old.sql" <<SQL
$head
SELECT p.routing_plan_id
  FROM waitroom.routing_plan p
  JOIN waitroom.orders o ON o.order_id = p.order_id
 WHERE p.status IN ('WAITING', 'NOT_ROUTABLE')
   AND ((SELECT o3.order_id FROM waitroom.orders o3
          WHERE o3.tenant_order_id = 'w-' || :n AND o3.status = 'OPEN') IS NULL
        OR p.order_id = (SELECT o3.order_id FROM waitroom.orders o3
                          WHERE o3.tenant_order_id = 'w-' || :n AND o3.status = 'OPEN'))
 ORDER BY CASE WHEN (SELECT waiting_room_priority FROM waitroom.routing_strategy)
               = 'PRIORITY' THEN o.priority END DESC NULLS LAST,
          o.order_date, p.plan_no;
SQL
cat >"$W/unrouted_new.sql" <<SQL
$head
SELECT u.routing_plan_id
  FROM waitroom.unrouted_plans((SELECT o3.order_id FROM waitroom.orders o3
                                 WHERE o3.tenant_order_id = 'w-' || :n AND o3.status = 'OPEN')) u
 ORDER BY u.queue_rank;
SQL

# ---- release_due: articles whose pre-order is due
cat >"$W/due_old.sql" <<SQL
$head
SELECT DISTINCT l.tenant_article_id
  FROM waitroom.routing_plan_line l
  JOIN waitroom.listing li ON li.tenant_article_id = l.tenant_article_id
 WHERE l.waiting AND li.out_of_stock_behaviour = 'PREORDER' AND li.status = 'ACTIVE'
   AND li.preorder_available_from <= now();
SQL
cat >"$W/due_new.sql" <<SQL
$head
SELECT a FROM waitroom.due_preorder_articles(now()) a;
SQL

# ---- candidates that stay in C++: the same statement as a pinned function (created here only)
wr_psql -d bench >/dev/null <<'SQL'
CREATE SCHEMA candidate;
CREATE FUNCTION candidate.waited_articles(articles text[]) RETURNS SETOF text
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT a FROM unnest(articles) AS a
     WHERE (SELECT true FROM routing_plan_line w WHERE w.waiting AND w.tenant_article_id = a LIMIT 1)
     UNION ALL
    (SELECT NULL FROM reroute_queue LIMIT 1);
END $$;
CREATE FUNCTION candidate.strategy(at timestamptz)
RETURNS TABLE (a bool, b text, c bool, d int, e bool, f text, g bigint)
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT complete_stock_fence_active, complete_stock_fence_mode, order_split_active,
           max_split_count, use_waiting_room_for_pre_back_order_items, waiting_room_priority,
           (extract(epoch FROM coalesce(at, now())) * 1000000)::bigint
      FROM routing_strategy;
END $$;
SQL
# ---- the stock trigger's pass: which raised articles a committed plan waits for
cat >"$W/waited_old.sql" <<SQL
$head
SELECT a FROM unnest(string_to_array('sku-' || :a || ',wait-' || :w, ',')) AS a
 WHERE (SELECT true FROM waitroom.routing_plan_line w
         WHERE w.waiting AND w.tenant_article_id = a LIMIT 1)
 UNION ALL
(SELECT NULL FROM waitroom.reroute_queue LIMIT 1);
SQL
cat >"$W/waited_new.sql" <<SQL
$head
SELECT a FROM candidate.waited_articles(string_to_array('sku-' || :a || ',wait-' || :w, ',')) a;
SQL
# ---- every decision: the strategy and the time
cat >"$W/strategy_old.sql" <<SQL
SELECT complete_stock_fence_active, complete_stock_fence_mode, order_split_active,
       max_split_count, use_waiting_room_for_pre_back_order_items, waiting_room_priority,
       (extract(epoch FROM coalesce(NULL::timestamptz, now())) * 1000000)::bigint
  FROM waitroom.routing_strategy;
SQL
cat >"$W/strategy_new.sql" <<SQL
SELECT * FROM candidate.strategy(NULL);
SQL

# One run: median latency in microseconds (pgbench's average over the run).
run() {
  PGOPTIONS="-c plan_cache_mode=force_generic_plan" pgbench -n -M prepared -c 1 -j 1 -T "$SECS" -f "$W/$1.sql" bench 2>/dev/null |
    awk '/^latency average/ {printf "%.1f", $4 * 1000}'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

printf '%-10s %12s %12s %8s\n' statement "old (us)" "new (us)" new/old
for s in offers held pass batch unrouted due waited strategy; do
  old= new=
  for _ in $(seq 1 "$ROUNDS"); do
    old="$old $(run "${s}_old")"
    new="$new $(run "${s}_new")"
  done
  mo=$(echo "$old" | median) mn=$(echo "$new" | median)
  printf '%-10s %12s %12s %8s   (old:%s / new:%s)\n' "$s" "$mo" "$mn" \
    "$(awk -v a="$mn" -v b="$mo" 'BEGIN {printf "%.2f", a / b}')" "$old" "$new"
done
rm -rf "$W"
