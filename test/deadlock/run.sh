#!/usr/bin/env bash
# Deadlock mix (issue 10, gap 4): 8 pgbench clients for 20 s (WR_DEADLOCK_CLIENTS,
# WR_DEADLOCK_SECONDS) mixing place_order, restocks up and down, whole and partial cancels
# (test/liveness/*.sql) with reroute_all, reroute, assign_facility, fill order switches and
# listing and facility status flips (test/deadlock/*.sql), on the liveness network. Deadlocks are not
# retried (--max-tries=1): each one that reaches a client is a failed transaction.
# Prints the counts; exits 1 if any transaction failed, a client aborted, or the server
# logged a deadlock.
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh

SECONDS_=${WR_DEADLOCK_SECONDS:-20}
CLIENTS=${WR_DEADLOCK_CLIENTS:-8}
[ "${WR_DEADLOCK_NO_BUILD:-0}" = 1 ] || { make -s -j2 >/dev/null && make -s install >/dev/null; } \
    || { echo "build failed"; exit 1; }
wr_cluster_start || exit 1
wr_psql -f test/liveness/setup.sql -f test/deadlock/setup.sql >/dev/null || exit 1

out=$(mktemp); err=$(mktemp)
trap 'rm -f "$out" "$err"; wr_cluster_stop' EXIT
L=test/liveness D=test/deadlock
pgbench -n -c "$CLIENTS" -j 4 -T "$SECONDS_" --max-tries=1 --failures-detailed \
    -f $D/place.sql@5 -f $L/restock.sql@3 -f $L/shrink.sql@1 -f $L/cancel.sql@1 \
    -f $L/cancel_partial.sql@1 -f $D/reroute_all.sql@1 -f $D/reroute.sql@1 \
    -f $D/assign.sql@1 -f $D/fill_order.sql@1 -f $D/listing_flip.sql@1 \
    -f $D/facility_flip.sql@1 >"$out" 2>"$err"
rc=$?
txns=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out")
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
deadlock_failures=$(sed -n 's/^number of deadlock failures: \([0-9]*\).*/\1/p' "$out")
aborted=$(grep -c 'aborted' "$err")
logged=$(grep -c 'deadlock detected' "$WR_CLUSTER_DIR/server.log")
grep -E 'ERROR|aborted' "$err" | sed -E 's/client [0-9]+/client N/' | sort | uniq -c | sort -rn | head -5
if [ "$logged" -gt 0 ]; then  # the statements the cycles ran through
    grep -E '^\s+Process [0-9]+: ' "$WR_CLUSTER_DIR/server.log" \
        | sed -E 's/^\s+Process [0-9]+: //' | cut -c1-100 | sort | uniq -c | sort -rn | head -6
fi
echo "clients $CLIENTS, seconds $SECONDS_, transactions ${txns:-?}, failed ${failed:-?}," \
     "deadlock failures (40P01) ${deadlock_failures:-?}, aborted clients $aborted," \
     "deadlocks in the server log $logged, pgbench exit $rc"
[ "$rc" -eq 0 ] && [ "${failed:-1}" = 0 ] && [ "$aborted" -eq 0 ] && [ "$logged" -eq 0 ]
