#!/usr/bin/env bash
# pgbench of place_order: 20 facilities x 50 articles, 2-line orders, 4 clients.
# Compares the two lock strategies side by side in one run (alternating, so machine noise
# hits both): optimistic (lock only reserved rows, re-check) vs all_candidates (lock every
# candidate row up front). Usage: bash bench/place_order.sh [seconds per run]
set -euo pipefail
SECS=${1:-10}
source "$(dirname "$0")/lib.sh"
bench_network 50 NONE 1000000
run() {
  PGOPTIONS="-c waitroom.lock_strategy=$1" pgbench -n -c 4 -j 2 -T "$SECS" -f bench/place_order.sql 2>/dev/null |
    awk -v s="$1" '/^tps/ {printf "%-15s %8.1f tps\n", s, $3}'
}
for round in 1 2; do run optimistic; run all_candidates; done
