# Shared by the bench/ scripts. Source it, then:
#   bench_build                       make + make install of the extension
#   WR_CLUSTER_DURABLE=1 wr_cluster_start   (test/lib/cluster.sh)
#   bench_network DB FACILITIES FIRST ARTICLES BEHAVIOUR ON_HAND [PREFIX]
#                                     facilities x articles, all listed and stocked (gen/network.sql)
#   bench_waiting DB PLANS ARTICLES PREFIX TAG
#                                     waiting plans made set-based (gen/waiting.sql)
#   bench_functions DB                the floor and the baseline router (schema bench)
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
source "$ROOT/test/lib/cluster.sh"

bench_build() {
  (cd "$ROOT" && make -s -j2 >/dev/null && make -s install >/dev/null)
}

bench_createdb() {
  wr_psql -d postgres -c "CREATE DATABASE \"$1\"" && wr_psql -d "$1" -c "CREATE EXTENSION waitroom"
}

bench_network() {
  wr_psql -d "$1" -v facilities="$2" -v first="$3" -v articles="$4" -v behaviour="$5" \
    -v on_hand="$6" -v prefix="${7:-sku-}" -f "$BENCH_DIR/gen/network.sql"
}

bench_waiting() {
  wr_psql -d "$1" -v plans="$2" -v articles="$3" -v prefix="$4" -v tag="$5" \
    -f "$BENCH_DIR/gen/waiting.sql"
}

bench_functions() {
  wr_psql -d "$1" -f "$BENCH_DIR/floor.sql" -f "$BENCH_DIR/baseline/router.sql"
}
