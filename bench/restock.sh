#!/usr/bin/env bash
# What the stock trigger costs. Usage: bash bench/restock.sh [seconds per run]
# 1. Single-row restocks of articles nobody waits for, trigger on vs off (pgbench, 2 clients,
#    alternating runs so machine noise hits both): the "almost nothing" case.
# 2. One UPDATE of 10,000 stock rows (a nightly import) with 200 plans waiting: one pass per
#    statement, timed with and without the triggers.
# 3. Server CPU per one-row restock (the backend's utime+stime over 20,000 statements, one
#    client), trigger on vs off: steadier than tps on a shared machine.
set -euo pipefail
SECS=${1:-10}
source "$(dirname "$0")/lib.sh"
bench_network 500 BACKORDER 0
wr_psql >/dev/null <<'SQL'
-- 200 orders wait, for articles 1..200 (pgbench restocks 1..500, mostly of unwaited articles
-- once the first restock of an article has served its order).
SELECT waitroom.place_order(jsonb_build_object('tenantOrderId', 'w-' || a,
  'orderLineItems', jsonb_build_array(jsonb_build_object('tenantArticleId', 'sku-' || a, 'quantity', 1))))
  FROM generate_series(1, 200) a;
SQL
echo "-- nightly import: one UPDATE of 10,000 rows (200 waiting plans served by it)"
wr_psql -c "BEGIN" -c "ALTER TABLE waitroom.stock DISABLE TRIGGER USER" -c '\timing on' \
  -c "UPDATE waitroom.stock SET on_hand = on_hand + 5" -c "ROLLBACK" | grep -m1 -E '^Time' | sed 's/^/triggers off: /'
wr_psql -c '\timing on' -c "UPDATE waitroom.stock SET on_hand = on_hand + 5" | grep -E '^Time' | sed 's/^/triggers on:  /'
wr_psql -At -c "SELECT 'plans still waiting: ' || count(*) FROM waitroom.routing_plan WHERE status = 'WAITING'"
echo "-- single-row restocks, nothing waiting ($SECS s per run)"
run() {
  local label=$1
  [ "$label" = "trigger_off" ] && wr_psql -c "ALTER TABLE waitroom.stock DISABLE TRIGGER USER"
  [ "$label" = "trigger_on" ] && wr_psql -c "ALTER TABLE waitroom.stock ENABLE TRIGGER USER"
  pgbench -n -c 2 -j 2 -T "$SECS" -f bench/restock.sql 2>/dev/null |
    awk -v s="$label" '/^tps/ {printf "%-12s %8.1f tps\n", s, $3}'
}
for round in 1 2; do run trigger_on; run trigger_off; done
wr_psql -c "ALTER TABLE waitroom.stock ENABLE TRIGGER USER"

echo "-- server CPU per one-row restock, nothing waiting (20,000 statements per run)"
cpu_run() {
  local label=$1 n=20000 backend ticks=0 stat
  [ "$label" = "trigger_off" ] && wr_psql -c "ALTER TABLE waitroom.stock DISABLE TRIGGER USER"
  [ "$label" = "trigger_on" ] && wr_psql -c "ALTER TABLE waitroom.stock ENABLE TRIGGER USER"
  pgbench -n -M prepared -c 1 -j 1 -t "$n" -f bench/restock.sql >/dev/null 2>&1 &
  local client=$!
  sleep 0.3
  backend=$(wr_psql -At -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench'")
  # The backend's CPU ticks (1/100 s), sampled until pgbench ends and the backend with it.
  while kill -0 "$client" 2>/dev/null; do
    read -r -a stat <"/proc/$backend/stat" 2>/dev/null && ticks=$((stat[13] + stat[14]))
    sleep 0.05
  done
  printf "%-12s %5d us per statement\n" "$label" $((ticks * 10000 / n))
}
for round in 1 2 3; do cpu_run trigger_on; cpu_run trigger_off; done
wr_psql -c "ALTER TABLE waitroom.stock ENABLE TRIGGER USER"
