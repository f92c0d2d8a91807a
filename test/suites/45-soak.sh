#!/usr/bin/env bash
# Suite 45: the soak. 9 clients for WR_SOAK_SECONDS (default 15; long mode:
# WR_SOAK_SECONDS=600 bash test/suites/45-soak.sh) mix at random, as an app, a DBA and
# waitroomd would: place_order (bundles, pre-orders, backorders, retries of the same body, the
# same id with another body), restocks up and down, reservations recounted by direct UPDATE,
# whole and partial cancels, reroute, reroute_all (two DBAs at once), assign_facility,
# release_due, FIFO / STRICT_FIFO / PRIORITY switches, listing and facility status changes,
# app calls at READ COMMITTED and at REPEATABLE READ (test/soak/). Then, quiet:
#   1. no error reached a caller but SPEC §6's (22P02, 22023, P0002, 55000, 23505). Counted
#      apart and allowed, at REPEATABLE READ only: 40001 "concurrent update" from the app's own
#      stock UPDATE/upsert (no frame of waitroom's code in the error's context), and from
#      cancel_order, reroute and assign_facility on an order another transaction changed after
#      the caller's snapshot, and from place_order's insert of an order whose tenantOrderId an
#      order committed after the snapshot holds (PostgreSQL's rule for writing a row changed
#      since the snapshot, and for a unique conflict with a row it cannot see; README
#      "Isolation levels"). The waiting-room pass and place_order's decisions raise no 40001.
#      Every error is printed with its count
#   2. no pgbench client failed or aborted
#   3. check_invariants() finds no violation
# Ends with "suite-result: P passed, F failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh
source test/soak/soak.sh

SECONDS_=${WR_SOAK_SECONDS:-15}
fail() { echo "45-soak: $1"; echo "suite-result: 0 passed, 1 failed"; exit 1; }
make -s -j2 >/dev/null && make -s install >/dev/null || fail "extension build failed"
wr_cluster_start || fail "cluster did not start"
soak_setup || fail "setup failed"
work=$(mktemp -d)
trap 'rm -rf "$work"; wr_cluster_stop' EXIT

passed=0; failed=0
check() {  # name, ok(0/1), detail
    if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok - $1 $3"
    else failed=$((failed + 1)); echo "not ok - $1 $3"; fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }

echo "# soak: 9 clients (app: 4 at READ COMMITTED, 2 at REPEATABLE READ; DBA 2; daemon 1), ${SECONDS_}s"
soak_start "$SECONDS_" "$work"
soak_wait
soak_report "$work"
# Quiet now: what waitroomd's timer would do next (release due pre-orders, drain the queue).
PGUSER=soak_daemon q "SELECT waitroom.release_due()" >/dev/null
echo "# orders: $(q "SELECT count(*) FROM waitroom.orders"), plans by status: $(q "SELECT string_agg(status || '=' || n, ' ' ORDER BY status) FROM (SELECT status, count(*) n FROM waitroom.routing_plan GROUP BY 1) s"), events: $(q "SELECT count(*) FROM waitroom.event")"
echo "# errors that reached callers (count, SQLSTATE, isolation, operation, own statement, message):"
q "SELECT n || ' ' || k FROM (SELECT k, count(*) n FROM (
       SELECT sqlstate || ' ' || isolation || ' ' || op || CASE WHEN own AND op IN ('restock_up', 'restock_down') THEN ' (own statement)' ELSE '' END || ': '
              || left(regexp_replace(message, '[0-9a-f-]{36}|S-[0-9]+', '…', 'g'), 80) AS k FROM soak.error) e
     GROUP BY k) g ORDER BY n DESC, k" | sed 's/^/#   /'
# A write at REPEATABLE READ to a row changed after the caller's snapshot (see the header).
rr_conflict="sqlstate = '40001' AND isolation = 'repeatable read'
             AND message = 'could not serialize access due to concurrent update'
             AND ((own AND op IN ('restock_up', 'restock_down'))
                  OR op IN ('cancel_order', 'cancel_order_lines', 'reroute', 'assign_facility')
                  OR (op LIKE 'place_order%' AND context LIKE '%INSERT INTO waitroom.orders %'))"
undocumented=$(q "SELECT count(*) FROM soak.error
                   WHERE sqlstate NOT IN ('22P02', '22023', 'P0002', '55000', '23505')
                     AND NOT ($rr_conflict)")
if [ "$undocumented" != 0 ]; then  # where in waitroom's code: the innermost frames
  q "SELECT DISTINCT sqlstate || ' ' || op || ': ' || regexp_replace(left(context, 240), '\s+', ' ', 'g')
       FROM soak.error WHERE sqlstate NOT IN ('22P02', '22023', 'P0002', '55000', '23505') AND NOT ($rr_conflict) LIMIT 6" | sed 's/^/#   at: /'
fi
own=$(q "SELECT count(*) FROM soak.error WHERE $rr_conflict")
check "only SPEC §6's SQLSTATEs reached callers" $([ "$undocumented" = 0 ] && echo 0 || echo 1) \
    "($undocumented others; $own REPEATABLE READ write conflicts on rows changed after the caller's snapshot apart)"
client_errors=$(cat "$work"/*.err | grep -c -E 'ERROR|aborted')
failed_txns=$(cat "$work"/*.out | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' | awk "{s += \$1} END {print s + 0}")
check "no pgbench client failed or aborted" $([ "$SOAK_RC" = 0 ] && [ "$client_errors" = 0 ] && [ "${failed_txns:-0}" = 0 ] && echo 0 || echo 1) \
    "(exit $SOAK_RC, $client_errors client errors, ${failed_txns:-?} failed transactions)"
deadlocks=$(grep -c 'deadlock detected' "$WR_CLUSTER_DIR/server.log")
echo "# 'deadlock detected' in the server log: $deadlocks"
violations=$(q "SELECT invariant || ': ' || subject || ': ' || detail FROM waitroom.check_invariants()")
[ -n "$violations" ] && echo "$violations" | head -10 | sed 's/^/#   /'
check "check_invariants() finds no violation" $([ -z "$violations" ] && echo 0 || echo 1) "($(grep -c . <<<"$violations") rows)"

echo "suite-result: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
