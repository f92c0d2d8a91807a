#!/usr/bin/env bash
# Suite 30: isolation specs (test/specs/*.spec, expected output in test/expected/*.out).
# What two or three sessions do at once: races for the last unit, restocks against orders,
# cancels and manual assignments against restocks. Each spec's setup recreates the extension,
# so permutations never see each other's data; the specs' helper functions (outside the
# extension) are installed once, before the first spec. Runs pg_isolation_regress against a throwaway
# cluster (the same thing `make installcheck` does with the Makefile's ISOLATION_OPTS) and
# ends with "suite-result: P passed, F failed" (P/F = specs).
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh

fail() { echo "30-isolation: $1"; echo "suite-result: 0 passed, 1 failed"; exit 1; }
make -s -j2 >/dev/null && make -s install >/dev/null || fail "extension build failed"
wr_cluster_start || fail "cluster did not start"
# A restock pass waits for another pass's article locks at most half of deadlock_timeout.
# Long enough here that the isolation tester always sees that wait as blocked, so the
# expected outputs do not depend on machine load.
wr_psql -c "ALTER SYSTEM SET deadlock_timeout = '10s'" -c "SELECT pg_reload_conf()" >/dev/null

ISO_BIN=$(pg_config --pkglibdir)/pgxs/src/test/isolation/pg_isolation_regress
[ -x "$ISO_BIN" ] || fail "pg_isolation_regress missing ($ISO_BIN)"

specs=()
if [ "$#" -gt 0 ]; then
    specs=("$@")
else
    for f in test/specs/*.spec; do specs+=("$(basename "$f" .spec)"); done
fi
[ "${#specs[@]}" -gt 0 ] || fail "no specs in test/specs"

rm -rf test/out && mkdir -p test/out
chmod 777 test/out
log=$(mktemp)
iso() {
    "$ISO_BIN" --inputdir=test --outputdir=test/out --bindir="$(pg_config --bindir)" \
        --dbname=isolation_regression_waitroom "$@"
}
# The specs' database as pg_isolation_regress makes it (its settings; the extension loads), no
# spec run yet; then the specs' helpers, installed once (test/isolation/helpers.sql).
iso --load-extension=waitroom >"$log" 2>&1 || { cat "$log"; fail "creating the specs' database failed"; }
wr_psql -d isolation_regression_waitroom -f test/isolation/helpers.sql || fail "test/isolation/helpers.sql failed"
iso --use-existing "${specs[@]}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# pg_isolation_regress prints "ok N - name" / "not ok N - name" (PG 15: "test name ... ok|FAILED").
passed=$(grep -cE '^(ok [0-9]+|(test|permutation)? *[A-Za-z0-9_-]+ +\.\.\. ok)' "$log")
failed=$(grep -cE '^(not ok [0-9]+|(test|permutation)? *[A-Za-z0-9_-]+ +\.\.\. FAILED)' "$log")
if [ -s test/out/regression.diffs ]; then
    echo "---- test/out/regression.diffs"
    cat test/out/regression.diffs
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
rm -f "$log"
echo "suite-result: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
