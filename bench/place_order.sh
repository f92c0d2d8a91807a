#!/usr/bin/env bash
# pgbench of place_order: 20 facilities x 50 articles, 2-line orders, 4 clients.
# Compares the two lock strategies side by side in one run (alternating, so machine noise
# hits both): optimistic (lock only reserved rows, re-check) vs all_candidates (lock every
# candidate row up front). Usage: bash bench/place_order.sh [seconds per run]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
make -s -j2 >/dev/null && make -s install >/dev/null
source test/lib/cluster.sh
wr_cluster_start
wr_psql >/dev/null <<'SQL'
CREATE EXTENSION waitroom;
INSERT INTO waitroom.facility (facility_ref, lat, lon)
  SELECT 'fc-' || f, 47 + (f % 7), 6 + (f % 9) FROM generate_series(1, 20) f;
INSERT INTO waitroom.listing (facility_ref, tenant_article_id)
  SELECT 'fc-' || f, 'sku-' || a FROM generate_series(1, 20) f, generate_series(1, 50) a;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
  SELECT 'fc-' || f, 'sku-' || a, 1000000 FROM generate_series(1, 20) f, generate_series(1, 50) a;
SQL
run() {
  PGOPTIONS="-c waitroom.lock_strategy=$1" pgbench -n -c 4 -j 2 -T "$SECS" -f bench/place_order.sql 2>/dev/null |
    awk -v s="$1" '/^tps/ {printf "%-15s %8.1f tps\n", s, $3}'
}
for round in 1 2; do run optimistic; run all_candidates; done
