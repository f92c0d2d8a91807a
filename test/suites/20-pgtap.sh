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

# Two pg_prove runs at once, one per core, each on a database of its own (a file's
# CREATE EXTENSION waitroom in one database never waits for the other's). The extension's roles
# are cluster-wide: made once, committed, so that no file's transaction creates them (a second
# one would wait for the first to end).
wr_psql -c "CREATE EXTENSION waitroom CASCADE" -c "DROP EXTENSION waitroom" >/dev/null ||
  fail "the extension's roles could not be made"
wr_psql -c "CREATE DATABASE pgtap_b" >/dev/null && wr_psql -d pgtap_b -c "CREATE EXTENSION pgtap" >/dev/null ||
  fail "a second database for pgTAP could not be made"
files=(test/pgtap/*.sql) half_a=() half_b=()
for i in "${!files[@]}"; do
  if [ $((i % 2)) -eq 0 ]; then half_a+=("${files[$i]}"); else half_b+=("${files[$i]}"); fi
done
log=$(mktemp) log_b=$(mktemp)
pg_prove --verbose -d pgtap_b "${half_b[@]}" >"$log_b" 2>&1 &
prove_b=$!
pg_prove --verbose "${half_a[@]}" >"$log" 2>&1
rc=$?
wait "$prove_b" || rc=1
cat "$log_b" >>"$log" && rm -f "$log_b"
cat "$log"
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
