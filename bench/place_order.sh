#!/usr/bin/env bash
# pgbench of place_order's two lock strategies side by side in one run (alternating, so machine
# noise hits both): optimistic (lock only reserved rows, re-check) vs all_candidates (lock every
# candidate row up front). 20 facilities x 50 articles, 2-line orders, 4 clients, on the fast
# test cluster (contention, not durability, is what differs). The issue 8 figures are
# bench/run.sh's. Usage: bash bench/place_order.sh [seconds per run]
set -euo pipefail
SECS=${1:-10}
source "$(dirname "$0")/lib.sh"
bench_build
wr_cluster_start
bench_createdb bench >/dev/null
bench_network bench 20 1 50 NONE 1000000 2>/dev/null
wr_psql -d bench -c ANALYZE
run() {
  PGOPTIONS="-c waitroom.lock_strategy=$1" pgbench -n -c 4 -j 2 -T "$SECS" \
    -D function=waitroom.place_order -D facilities=20 -D first=1 -D articles=50 \
    -D lines_min=2 -D lines_max=2 \
    -f "$BENCH_DIR/order.sql" bench 2>/dev/null |
    awk -v s="$1" '/^tps/ {printf "%-15s %8.1f tps\n", s, $3}'
}
for round in 1 2; do run optimistic; run all_candidates; done
