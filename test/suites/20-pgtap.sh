#!/usr/bin/env bash
# pgTAP: builds and installs the extension, starts a throwaway cluster, runs every
# test/pgtap/*.sql with pg_prove. Each file runs in one transaction that creates the
# extension itself and rolls back, so files never see each other's data.
set -uo pipefail
source test/lib/cluster.sh

fail() { echo "$1"; echo "suite-result: 0 passed, 1 failed"; exit 1; }
make -s -j2 >/dev/null && make -s install >/dev/null || fail "extension build failed"
wr_cluster_start || fail "cluster did not start"
wr_psql -c "CREATE EXTENSION pgtap" || fail "pgtap missing"

log=$(mktemp)
pg_prove --verbose --ext .sql test/pgtap/ 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# Count individual assertions: "ok N" / "not ok N" lines of the TAP streams.
# A `todo` assertion (a documented known limitation) that fails is reported, not counted.
passed=$(grep -cE '^ok [0-9]+' "$log")
failed=$(grep -E '^not ok [0-9]+' "$log" | grep -vc '# TODO')
todo=$(grep -E '^not ok [0-9]+' "$log" | grep -c '# TODO')
[ "$todo" -gt 0 ] && echo "known limitations (todo, not counted): $todo"
# A file that died or planned more than it ran counts as a failure too.
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
rm -f "$log"
echo "suite-result: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
