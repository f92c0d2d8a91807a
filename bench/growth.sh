#!/usr/bin/env bash
# What grows with what (docs/scaling.md): the bytes of every waitroom table and index, per
# stock row, per routed order and per waiting order, each measured at two sizes so that the
# growth shows as linear (or not).
#   bash bench/growth.sh           retailer size: 500 facilities, 100,000 then 1,000,000 stock
#                                  rows, 10,000 then 20,000 routed orders, 5,000 then 10,000
#                                  waiting orders (~10-15 min on 2 cores)
#   bash bench/growth.sh --smoke   tiny sizes, the same steps (seconds)
#   ORDERS=N WAITING=N FACILITIES=N ARTICLES="A B" override the sizes.
# A throwaway cluster with the server's default durability (test/lib/cluster.sh,
# WR_CLUSTER_DURABLE=1). Orders go through waitroom.place_order, so every row an order
# writes is there: order, lines, plans, plan lines, pick job and lines, events and their
# deliveries (one subscription, the built-in stdout; no daemon runs, so every delivery is
# pending: the worst case for the outbox's partial indexes), and the stock rows' updates.
# Prints markdown tables (stdout); progress on stderr.
set -euo pipefail
SMOKE=0
[ "${1:-}" = --smoke ] && SMOKE=1
source "$(dirname "$0")/lib.sh"

if [ "$SMOKE" = 1 ]; then
  FACILITIES=${FACILITIES:-20} ARTICLES=(${ARTICLES:-50 100}) ORDERS=${ORDERS:-100}
  WAITING=${WAITING:-100} BATCH=50
else
  FACILITIES=${FACILITIES:-500} ARTICLES=(${ARTICLES:-200 2000}) ORDERS=${ORDERS:-10000}
  WAITING=${WAITING:-5000} BATCH=500
fi
BACKORDER_FACILITIES=$((FACILITIES < 50 ? FACILITIES : 50)) BACKORDER_ARTICLES=100
DB=growth
STARTED=$(date +%s)
say() { echo "[growth $(($(date +%s) - STARTED))s] $*" >&2; }
q() { wr_psql -d $DB -At -c "$1"; }

bench_build
# Each batch is a new session, which loads the installed module: someone's `make install`
# during the run would measure two versions at once. Checked at the end.
MODULE="${DESTDIR:-}$(pg_config --pkglibdir)/waitroom.so"
MODULE_SUM=$(md5sum <"$MODULE")
WR_CLUSTER_DURABLE=1 wr_cluster_start
bench_createdb $DB

# Every waitroom relation's size at a phase: the heap's main fork, its TOAST (with the TOAST
# index), each index, and the free space and visibility maps; and each table's row count.
wr_psql -d $DB <<'SQL'
CREATE SCHEMA growth;
CREATE TABLE growth.snap (phase text, tbl text, part text, bytes bigint, nrows bigint);
CREATE FUNCTION growth.snapshot(p text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO growth.snap
  SELECT p, c.relname, 'heap', pg_relation_size(c.oid),
         (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM waitroom.%I', c.relname),
                                              false, true, '')))[1]::text::bigint
    FROM pg_class c WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind = 'r'
  UNION ALL
  SELECT p, c.relname, 'toast', coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0), NULL
    FROM pg_class c WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind = 'r'
  UNION ALL
  SELECT p, c.relname, 'fsm+vm', pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm'), NULL
    FROM pg_class c WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind = 'r'
  UNION ALL
  SELECT p, c.relname, i.relname, pg_relation_size(i.oid), NULL
    FROM pg_class c JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class i ON i.oid = x.indexrelid
   WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind = 'r'
$$;
SQL
snapshot() {
  # VACUUM first, as autovacuum would have: free space maps and visibility maps exist, and
  # the stock rows' dead versions left by reservations are reusable space, not growth.
  wr_psql -d $DB -c "VACUUM (ANALYZE) waitroom.stock, waitroom.orders, waitroom.order_line,
    waitroom.routing_plan, waitroom.routing_plan_line, waitroom.pick_job, waitroom.pick_line,
    waitroom.event, waitroom.delivery, waitroom.listing, waitroom.facility" \
    -c "SELECT growth.snapshot('$1')" >/dev/null
}

snapshot empty
# The network: FACILITIES x ARTICLES[0] stock rows, then x ARTICLES[1]; all listed NONE and
# stocked, so that orders route. Backorder articles (listed BACKORDER, nothing on hand) at
# the first 50 facilities for the waiting orders, loaded after the second size is measured.
bench_network $DB "$FACILITIES" 1 "${ARTICLES[0]}" NONE 1000000
say "network 1: $(q "SELECT count(*) FROM waitroom.stock") stock rows"
snapshot net1
bench_network $DB "$FACILITIES" $((ARTICLES[0] + 1)) $((ARTICLES[1] - ARTICLES[0])) NONE 1000000
say "network 2: $(q "SELECT count(*) FROM waitroom.stock") stock rows"
snapshot net2
bench_network $DB "$BACKORDER_FACILITIES" 1 $BACKORDER_ARTICLES BACKORDER 0 bo-
snapshot net3

# place N orders in batches of BATCH per transaction (one statement each). Routed orders: 1-5
# distinct in-stock articles, quantity 1-3, a consumer somewhere in the map; each routes whole
# to the nearest facility. Waiting orders: 1-3 distinct backorder articles; the whole order
# waits (the default strategy: fence active and reactive, so the waiting room is on).
place() {  # KIND FIRST COUNT
  local kind=$1 first=$2 count=$3 from to prefix articles
  if [ "$kind" = routed ]; then prefix=sku- articles=${ARTICLES[1]} lmax=5
  else prefix=bo- articles=$BACKORDER_ARTICLES lmax=3; fi
  for ((from = first; from < first + count; from += BATCH)); do
    to=$((from + BATCH - 1 < first + count - 1 ? from + BATCH - 1 : first + count - 1))
    wr_psql -d $DB -v from=$from -v to=$to -v kind="$kind" -v prefix=$prefix \
      -v articles="$articles" -v lmax=$lmax >/dev/null <<'SQL'
SELECT setseed(:from::float8 / 1e9);
SELECT count(waitroom.place_order(jsonb_build_object(
         'tenantOrderId', :'kind' || '-' || g,
         'consumer', jsonb_build_object('lat', 47.3 + random() * 8, 'lon', 6 + random() * 9),
         'orderLineItems', (SELECT jsonb_agg(jsonb_build_object(
              'tenantArticleId', :'prefix' || (1 + (a + k * 7919) % :articles),
              'quantity', 1 + floor(random() * 3)::int))
            FROM generate_series(0, n - 1) k)))) = :to - :from + 1 AS placed
  FROM (SELECT g, floor(random() * :articles)::int AS a, 1 + floor(random() * :lmax)::int AS n
          FROM generate_series(:from, :to) g) o \gset
\if :placed
\else
  \echo place_order did not return one order per call
  SELECT 1/0;
\endif
SQL
  done
}

place routed 1 "$ORDERS"
say "routed orders 1: $(q "SELECT count(*) FROM waitroom.orders")"
snapshot routed1
place routed $((ORDERS + 1)) "$ORDERS"
say "routed orders 2: $(q "SELECT count(*) FROM waitroom.orders")"
snapshot routed2
place waiting 1 "$WAITING"
say "waiting orders 1: $(q "SELECT count(*) FROM waitroom.routing_plan WHERE status = 'WAITING'") waiting plans"
snapshot waiting1
place waiting $((WAITING + 1)) "$WAITING"
say "waiting orders 2: $(q "SELECT count(*) FROM waitroom.routing_plan WHERE status = 'WAITING'") waiting plans"
snapshot waiting2

# Every order must have done what it was placed for, or the per-order figures mean nothing.
bad=$(q "SELECT count(*) FROM waitroom.orders o WHERE NOT EXISTS (
           SELECT FROM waitroom.routing_plan p WHERE p.order_id = o.order_id
              AND p.status = CASE WHEN o.tenant_order_id LIKE 'routed-%' THEN 'ROUTED' ELSE 'WAITING' END)
         OR EXISTS (SELECT FROM waitroom.routing_plan p WHERE p.order_id = o.order_id
              AND p.status NOT IN ('ROUTED', 'WAITING'))")
[ "$bad" = 0 ] || { echo "growth: $bad orders did not route or wait as placed" >&2; exit 1; }
[ -z "$(q "SELECT 1 FROM waitroom.check_invariants(quiet => false) LIMIT 1")" ] ||
  { echo "growth: check_invariants() reports violations" >&2; exit 1; }

[ "$(md5sum <"$MODULE")" = "$MODULE_SUM" ] ||
  { echo "growth: $MODULE changed during the run (a make install): run again" >&2; exit 1; }

# The report. Per-unit figures are the growth between two phases divided by what was added:
# stock rows for the network, orders for the rest.
wr_psql -d $DB -v orders="$ORDERS" -v waiting="$WAITING" -v facilities="$FACILITIES" <<'SQL'
\pset footer off
CREATE TEMP VIEW d AS
SELECT s.tbl, s.part, s.phase,
       s.bytes - lag(s.bytes) OVER w AS grown, s.nrows - lag(s.nrows) OVER w AS rows_added
  FROM growth.snap s
WINDOW w AS (PARTITION BY s.tbl, s.part ORDER BY array_position(
         ARRAY['empty', 'net1', 'net2', 'net3', 'routed1', 'routed2', 'waiting1', 'waiting2'], s.phase));
CREATE TEMP VIEW units AS
SELECT phase, sum(rows_added) FILTER (WHERE tbl = CASE WHEN phase LIKE 'net%' THEN 'stock' ELSE 'orders' END
                                       AND part = 'heap') AS n
  FROM d GROUP BY phase;
CREATE TEMP VIEW per AS
SELECT d.tbl, d.part, d.phase, d.grown::numeric / u.n AS bytes_per, d.rows_added::numeric / u.n AS rows_per
  FROM d JOIN units u USING (phase) WHERE u.n > 0;

\echo
\echo '### Sizes at the end'
\echo
SELECT '| ' || 'table' || ' | rows | heap | TOAST | indexes | total |' AS "|"
UNION ALL SELECT '|---|---|---|---|---|---|'
UNION ALL (
SELECT format('| %s | %s | %s | %s | %s | %s |', c.relname,
              (SELECT s.nrows FROM growth.snap s WHERE s.phase = 'waiting2' AND s.tbl = c.relname AND s.part = 'heap'),
              pg_size_pretty(pg_relation_size(c.oid)),
              pg_size_pretty(coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)),
              pg_size_pretty(pg_indexes_size(c.oid)), pg_size_pretty(pg_total_relation_size(c.oid)))
  FROM pg_class c WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind = 'r'
 ORDER BY pg_total_relation_size(c.oid) DESC) \g (format=unaligned tuples_only)

\echo
\echo '### The network: bytes per stock row (listing and stock; one listing per stock row)'
\echo
SELECT '| relation | part | 1st size: bytes per stock row | 2nd size: bytes per stock row |' AS "|"
UNION ALL SELECT '|---|---|---|---|'
UNION ALL (
SELECT format('| %s | %s | %s | %s |', a.tbl, a.part, round(a.bytes_per), round(b.bytes_per))
  FROM per a JOIN per b ON b.tbl = a.tbl AND b.part = a.part AND b.phase = 'net2'
 WHERE a.phase = 'net1' AND a.tbl IN ('stock', 'listing') AND (a.bytes_per > 0 OR b.bytes_per > 0)
 ORDER BY a.tbl, a.part = 'heap' DESC, a.part) \g (format=unaligned tuples_only)

\echo
\echo '### Per order: bytes each table and index grows by'
\echo
SELECT '| relation | part | rows per routed order | routed: 1st N | routed: 2nd N | rows per waiting order | waiting: 1st N | waiting: 2nd N |' AS "|"
UNION ALL SELECT '|---|---|---|---|---|---|---|---|'
UNION ALL (
SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s |', r1.tbl, r1.part,
              CASE WHEN r1.part = 'heap' THEN round(r1.rows_per, 2)::text ELSE '' END,
              round(r1.bytes_per), round(r2.bytes_per),
              CASE WHEN r1.part = 'heap' THEN round(w1.rows_per, 2)::text ELSE '' END,
              round(w1.bytes_per), round(w2.bytes_per))
  FROM per r1
  JOIN per r2 ON r2.tbl = r1.tbl AND r2.part = r1.part AND r2.phase = 'routed2'
  JOIN per w1 ON w1.tbl = r1.tbl AND w1.part = r1.part AND w1.phase = 'waiting1'
  JOIN per w2 ON w2.tbl = r1.tbl AND w2.part = r1.part AND w2.phase = 'waiting2'
 WHERE r1.phase = 'routed1'
   AND greatest(abs(r1.bytes_per), abs(r2.bytes_per), abs(w1.bytes_per), abs(w2.bytes_per)) >= 1
 ORDER BY array_position(ARRAY['orders', 'order_line', 'routing_plan', 'routing_plan_line',
            'pick_job', 'pick_line', 'event', 'delivery', 'stock'], r1.tbl), r1.part = 'heap' DESC,
          r1.part) \g (format=unaligned tuples_only)
SELECT format('| **total** | | | **%s** | **%s** | | **%s** | **%s** |',
              round(sum(bytes_per) FILTER (WHERE phase = 'routed1')),
              round(sum(bytes_per) FILTER (WHERE phase = 'routed2')),
              round(sum(bytes_per) FILTER (WHERE phase = 'waiting1')),
              round(sum(bytes_per) FILTER (WHERE phase = 'waiting2'))) AS "|"
  FROM per WHERE phase IN ('routed1', 'routed2', 'waiting1', 'waiting2') \g (format=unaligned tuples_only)
SQL
echo
echo "Sizes: $FACILITIES facilities; stock rows $((FACILITIES * ARTICLES[0])) then $((FACILITIES * ARTICLES[1])) (plus $((BACKORDER_FACILITIES * BACKORDER_ARTICLES)) backorder rows); routed orders $ORDERS then $((2 * ORDERS)); waiting orders $WAITING then $((2 * WAITING)) (at most $((BACKORDER_ARTICLES)) backorder articles). $(psql -X -At -d $DB -c 'SHOW server_version' | cut -d' ' -f1), block size 8 kB, git $(git -C "$ROOT" rev-parse --short HEAD). Took $(($(date +%s) - STARTED)) s."
