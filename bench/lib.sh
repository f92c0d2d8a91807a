# Shared by the bench/ scripts: build and install, a throwaway cluster, a network of
# 20 facilities (with lat/lon) and N articles, every (facility, article) listed.
# Usage: bench_network ARTICLES OUT_OF_STOCK_BEHAVIOUR ON_HAND
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
make -s -j2 >/dev/null && make -s install >/dev/null
source test/lib/cluster.sh
wr_cluster_start

bench_network() {
  wr_psql >/dev/null <<SQL
CREATE EXTENSION waitroom;
INSERT INTO waitroom.facility (facility_ref, lat, lon)
  SELECT 'fc-' || f, 47 + (f % 7), 6 + (f % 9) FROM generate_series(1, 20) f;
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
  SELECT 'fc-' || f, 'sku-' || a, '$2' FROM generate_series(1, 20) f, generate_series(1, $1) a;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
  SELECT 'fc-' || f, 'sku-' || a, $3 FROM generate_series(1, 20) f, generate_series(1, $1) a;
SQL
}
