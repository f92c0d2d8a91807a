#!/usr/bin/env bash
# waitroomd on Citus against waitroomd on one server (issue 13; docs/scaling.md "waitroomd on a
# cluster"): the same backlog, EVENTS events of two tenants over ORDERS orders, drained to stdout
# by one daemon, alternately on a single server and on a coordinator + 2 workers (the two
# tenants on different workers), RUNS times each, both with the server's default durability.
#   bash bench/daemon_citus.sh [--smoke]
# Prints:
#   daemon_single_events_per_s N   median of RUNS, one server
#   daemon_citus_events_per_s N    median of RUNS, through the coordinator, claims per tenant
#   daemon_citus_ratio X           single / citus, from the same runs
# and a '#' line per run. Needs Citus built (bash vendor/citus/build.sh; cached).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

EVENTS=20000 ORDERS=4000 RUNS=3
if [ "${1:-}" = --smoke ]; then EVENTS=1000 ORDERS=200 RUNS=1; fi

note() { echo "# $*"; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
now_s() { date +%s.%N; }

bash vendor/citus/build.sh >/dev/null
cmake -S . -B build >/tmp/bench-daemon-citus-build.log 2>&1 &&
  cmake --build build -j2 --target waitroomd >>/tmp/bench-daemon-citus-build.log 2>&1 ||
  { tail -30 /tmp/bench-daemon-citus-build.log; exit 1; }
WAITROOMD=$ROOT/build/service/waitroomd
make -s -j2 >/dev/null && make -s install >/dev/null
TMP=$(mktemp -d /tmp/bench-daemon-citus.XXXXXX)

export WR_CLUSTER_DURABLE=1 WR_CITUS_DURABLE=1
source test/lib/cluster.sh
source test/lib/citus_cluster.sh
DAEMON=
cleanup() {
  [ -n "$DAEMON" ] && kill -KILL "$DAEMON" 2>/dev/null
  wr_cluster_stop
  wr_citus_stop
  rm -rf "$TMP"
}
wr_cluster_start
trap cleanup EXIT
SINGLE_HOST=$PGHOST SINGLE_PORT=$PGPORT  # wr_citus_start points PG* at the coordinator
wr_citus_start
trap cleanup EXIT
single() { psql -X -q -v ON_ERROR_STOP=1 -h "$SINGLE_HOST" -p "$SINGLE_PORT" -U postgres -d postgres -At "$@"; }
citus() { PGOPTIONS='-c client_min_messages=warning' wr_citus_psql 0 -At "$@"; }
single -c "CREATE EXTENSION waitroom" >/dev/null
citus -c "CREATE EXTENSION waitroom" -c "SELECT waitroom.distribute()" >/dev/null
node_of() {
  citus -c "SELECT nodeport FROM pg_dist_shard_placement
             WHERE shardid = get_shard_id_for_distribution_column('waitroom.facility', '$1')"
}
TA=ta TB=
for t in tb tc td te tf tg th; do [ "$(node_of "$t")" != "$(node_of "$TA")" ] && { TB=$t; break; }; done
[ -n "$TB" ] || { echo "no second tenant on the other worker" >&2; exit 1; }
note "tenants $TA (port $(node_of "$TA")) and $TB (port $(node_of "$TB")); $EVENTS events over $ORDERS orders"

# The same rows on both: each tenant half the orders, the events interleaved. One multi-row
# INSERT ... VALUES per tenant: Citus runs an INSERT ... SELECT from generate_series through the
# coordinator on several connections, and the fan-out's NOTIFY then fails its two-phase commit.
backlog() {
  local t
  for t in "$TA" "$TB"; do
    "$1" >/dev/null <<SQL
SELECT format('INSERT INTO waitroom.event (tenant_id, event, order_id, payload) VALUES %s',
              string_agg(format('(%L, %L, %L::uuid, %L::jsonb)', '$t', 'ORDER_CREATED',
                                format('00000000-0000-4000-8000-%s', lpad(o::text, 12, '0')),
                                jsonb_build_object('order', o, 'seq', s, 'tenantId', '$t')),
                         ',' ORDER BY s, o))
  FROM generate_series(1, $((EVENTS / ORDERS))) s, generate_series(1, $((ORDERS / 2))) o \gexec
SQL
  done
  "$1" -c "ANALYZE waitroom.event" -c "ANALYZE waitroom.delivery" >/dev/null
}
pending() { "$1" -c "SELECT count(*) FROM waitroom.delivery WHERE state = 'pending'"; }

# run single|citus: events/s from the daemon's start until nothing is pending
run() {
  local where=$1 conninfo start secs
  if [ "$where" = single ]; then
    conninfo="host=$SINGLE_HOST port=$SINGLE_PORT user=postgres dbname=postgres"
  else
    conninfo="host=$WR_CITUS_DIR port=${WR_CITUS_PORTS[0]} user=postgres dbname=postgres"
  fi
  "$where" -c "TRUNCATE waitroom.delivery, waitroom.event" >/dev/null
  backlog "$where"
  start=$(now_s)
  "$WAITROOMD" --conninfo "$conninfo" --name "bench-$where" --http-port 0 --no-webhooks \
    --release-due-interval 0 --purge-interval 0 >"$TMP/$where.out" 2>"$TMP/$where.err" &
  DAEMON=$!
  until [ "$(pending "$where")" = 0 ]; do
    kill -0 "$DAEMON" 2>/dev/null || { tail -5 "$TMP/$where.err" >&2; exit 1; }
    sleep 0.1
  done
  secs=$(echo "$(now_s) - $start" | bc -l)
  kill -TERM "$DAEMON"; wait "$DAEMON" || true; DAEMON=
  [ "$(wc -l <"$TMP/$where.out")" -ge "$EVENTS" ] || { echo "$where: only $(wc -l <"$TMP/$where.out") lines" >&2; exit 1; }
  echo "$EVENTS / $secs" | bc -l | xargs printf '%.0f\n'
}

for i in $(seq 1 "$RUNS"); do
  s=$(run single); c=$(run citus)
  note "run $i: single $s events/s, citus $c events/s"
  echo "$s" >>"$TMP/single"; echo "$c" >>"$TMP/citus"
done
s=$(median <"$TMP/single") c=$(median <"$TMP/citus")
echo "daemon_single_events_per_s $s"
echo "daemon_citus_events_per_s $c"
echo "daemon_citus_ratio $(echo "$s / $c" | bc -l | xargs printf '%.2f')"
