#!/usr/bin/env bash
# Suite 30: isolation specs (test/specs/*.spec, expected output in test/expected/*.out).
# What two or three sessions do at once: races for the last unit, restocks against orders,
# cancels and manual assignments against restocks. Each spec's setup recreates the extension,
# so permutations never see each other's data; the specs' helper functions (outside the
# extension) are installed once, before the first spec.
# The specs run the way a DBA runs them: `make installcheck` (its isolation part: the Makefile's
# ISOLATION, ISOLATION_OPTS and installcheck-prep, which makes the specs' database, installs the
# helpers and sets deadlock_timeout) against a throwaway cluster with PostgreSQL's default
# settings. This is the one run of the specs: suite 55 runs the pg_regress part of `make
# installcheck`. `bash test/suites/30-isolation.sh SPEC...` runs only those specs.
# Ends with "suite-result: P passed, F failed" (P/F = specs).
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh

fail() { echo "30-isolation: $1"; echo "suite-result: 0 passed, 1 failed"; exit 1; }
make -s -j2 >/dev/null && make -s install >/dev/null || fail "extension build failed"
ls test/specs/*.spec >/dev/null 2>&1 || fail "no specs in test/specs"
wr_cluster_start || fail "cluster did not start"
# PostgreSQL's defaults, not the test cluster's tuning (cluster.sh sets these in postgresql.conf).
wr_psql -c "ALTER SYSTEM SET max_locks_per_transaction = 64" -c "ALTER SYSTEM SET fsync = on" \
        -c "ALTER SYSTEM SET synchronous_commit = on" -c "ALTER SYSTEM SET full_page_writes = on" \
  >/dev/null || fail "ALTER SYSTEM failed"
wr_cluster_ctl restart || fail "cluster did not restart"

specs=()
[ "$#" -gt 0 ] && specs=(ISOLATION="$*")
out=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$out" "$log"; wr_cluster_stop' EXIT
make installcheck REGRESS= TESTOUT="$out" "${specs[@]}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# pg_isolation_regress prints "test name ... ok|FAILED" (PG 15; later "ok N - name").
passed=$(grep -cE '^(ok [0-9]+|(test|permutation)? *[A-Za-z0-9_-]+ +\.\.\. ok)' "$log")
failed=$(grep -cE '^(not ok [0-9]+|(test|permutation)? *[A-Za-z0-9_-]+ +\.\.\. FAILED)' "$log")
if [ -s "$out/regression.diffs" ]; then
    echo "---- regression.diffs"
    cat "$out/regression.diffs"
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
[ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && failed=1  # no spec ran is a failure
echo "suite-result: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
