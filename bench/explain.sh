#!/usr/bin/env bash
# What explain's decision log costs (issue 12, 5a): the module without it ("before": a build of
# the same tree with extension/pg's decision writer, plan routing and batch as they were before
# the log) against the module with it ("after"), alternating in one durable cluster (default
# durability), so machine noise hits both. Both modules run against the same 0.2.0 schema: the
# bench databases' C functions point at a symlink that is switched between runs (the shared
# $libdir/waitroom.so is not touched).
#   #A place_order, 2-line orders, 20 facilities x 50 articles, 2 clients: tps
#   #B one UPDATE serving 1,000 waiting plans (each decision written, so traced and logged)
#   #C one UPDATE of +1 with 1,000 plans waiting: 1 served, 999 re-decided and left as they were
# Usage: bash bench/explain.sh BEFORE.so AFTER.so [seconds per pgbench run] [rounds]
set -euo pipefail
BEFORE=$1 AFTER=$2 SECS=${3:-15} ROUNDS=${4:-3}
source "$(dirname "$0")/lib.sh"
LIB=$(mktemp -d /tmp/explain-bench.XXXX)
chmod 755 "$LIB"
cp "$BEFORE" "$LIB/before.so"
cp "$AFTER" "$LIB/after.so"
chmod 644 "$LIB"/*.so
use() { ln -sfn "$LIB/$1.so" "$LIB/waitroom.so"; }
use after
WR_CLUSTER_DURABLE=1 wr_cluster_start
point() {  # the database's waitroom C functions load the symlink
  wr_psql -d "$1" -c "UPDATE pg_catalog.pg_proc SET probin = '$LIB/waitroom' WHERE probin = '\$libdir/waitroom'" >/dev/null
}
bench_createdb orders >/dev/null
bench_network orders 20 1 50 NONE 1000000 >/dev/null 2>&1
point orders
bench_createdb room >/dev/null
bench_network room 20 1 1 BACKORDER 0 wait1000- >/dev/null 2>&1
bench_waiting room 1000 1 wait1000- w1000- >/dev/null 2>&1
point room
wr_psql -d orders -c ANALYZE >/dev/null
wr_psql -d room -c ANALYZE >/dev/null

place() {
  pgbench -n -c 2 -j 2 -T "$SECS" -D function=waitroom.place_order -D facilities=20 -D first=1 \
    -D articles=50 -D lines_min=2 -D lines_max=2 -f "$BENCH_DIR/order.sql" orders 2>/dev/null |
    awk '/^tps/ {printf "%.1f", $3}'
}
restock() {  # $1: the rise; prints the UPDATE's milliseconds (rolled back)
  wr_psql -d room -At <<SQL | awk '/^Time:/ {printf "%.1f", $2}'
BEGIN;
\\timing on
UPDATE waitroom.stock SET on_hand = on_hand + $1 WHERE facility_ref = 'fc-1' AND tenant_article_id = 'wait1000-1';
\\timing off
ROLLBACK;
SQL
}
printf '%-7s %-6s %12s %16s %16s\n' round module "A tps" "B ms (1000)" "C ms (1 of 1000)"
for round in $(seq "$ROUNDS"); do
  for m in before after; do
    use $m
    a=$(place); b=$(restock 1000); c=$(restock 1)
    printf '%-7s %-6s %12s %16s %16s\n' "$round" "$m" "$a" "$b" "$c"
  done
done
wr_psql -d room -At -c "SELECT 'log rows ' || count(*) || ', average ' || avg(pg_column_size(log))::int || ' bytes' FROM waitroom.routing_decision" 
wr_psql -d orders -At -c "SELECT 'orders log rows ' || count(*) || ', average ' || avg(pg_column_size(log))::int || ' bytes, table ' || pg_size_pretty(pg_total_relation_size('waitroom.routing_decision')) || ' vs routing_plan ' || pg_size_pretty(pg_total_relation_size('waitroom.routing_plan')) FROM waitroom.routing_decision"
rm -rf "$LIB"
