#!/usr/bin/env bash
# Suite 22: least privilege. Runs pgTAP files as login roles granted waitroom_app,
# waitroom_reader and waitroom_daemon, and as a login with no waitroom role (test/roles/):
# each allowed operation works, each refused one fails with 42501. matrix.sql checks the
# whole privilege matrix from the catalog as the owner.
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh

fail() { echo "22-roles: $1"; echo "suite-result: 0 passed, 1 failed"; exit 1; }
make -s -j2 >/dev/null && make -s install >/dev/null || fail "extension build failed"
wr_cluster_start || fail "cluster did not start"
wr_psql -f test/roles/setup.sql >/dev/null || fail "setup failed"

log=$(mktemp)
rc=0
for run in postgres:matrix app_login:app reader_login:reader daemon_login:daemon stranger:stranger; do
    user=${run%%:*} file=test/roles/${run#*:}.sql
    echo "--- $file as $user"
    PGUSER=$user pg_prove --verbose "$file" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
done
# After every role's scenarios: the invariants hold (README "Checking invariants"), and a
# reader may check them.
violations=$(PGUSER=reader_login psql -X -q -At -v ON_ERROR_STOP=1 \
    -c "SELECT invariant || ': ' || subject || ': ' || detail FROM waitroom.check_invariants()" 2>&1)
if [ -z "$violations" ]; then echo "ok 1 - check_invariants() as reader_login: no violation" | tee -a "$log"
else echo "not ok 1 - check_invariants() as reader_login: $violations" | head -10 | tee -a "$log"; fi
passed=$(grep -cE '^ok [0-9]+' "$log")
failed=$(grep -cE '^not ok [0-9]+' "$log")
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
rm -f "$log"
echo "suite-result: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
