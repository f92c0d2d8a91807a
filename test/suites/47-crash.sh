#!/usr/bin/env bash
# Suite 47: a crash mid-soak. waitroomd (as a waitroom_daemon login, stdout sink to a file)
# publishes while the soak mix of test/soak/ runs; after a few seconds the postmaster is
# killed with SIGKILL (its backends die with it), the cluster is started again (crash
# recovery), the soak goes on for a few more seconds and waitroomd, which reconnects by
# itself, drains the outbox. Then:
#   1. the cluster recovers and waitroomd reconnects and delivers everything
#   2. every committed event was published at least once, and per order in event_id order
#      (test/daemon/check_delivery.py --ordered: no event before all earlier ones of its order)
#   3. check_invariants() finds no violation
# The test cluster runs with synchronous_commit off; this suite turns it on, so a commit the
# soak saw acknowledged is in the WAL when the postmaster dies (fsync stays off: the OS does
# not crash here). Ends with "suite-result: P passed, F failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source test/lib/cluster.sh
source test/soak/soak.sh

BEFORE=${WR_CRASH_BEFORE_SECONDS:-8}   # soak before the kill
AFTER=${WR_CRASH_AFTER_SECONDS:-5}     # soak after the restart
pass=0; fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
finish() { echo "suite-result: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }

if cmake -S . -B build >build-47-crash.log 2>&1 && cmake --build build -j2 --target waitroomd >>build-47-crash.log 2>&1; then
  WAITROOMD=$ROOT/build/service/waitroomd
else
  cmake -S service -B build/service-only >>build-47-crash.log 2>&1 &&
    cmake --build build/service-only -j2 >>build-47-crash.log 2>&1
  WAITROOMD=$ROOT/build/service-only/waitroomd
fi
[ -x "$WAITROOMD" ] || { tail -20 build-47-crash.log; not_ok "waitroomd builds"; finish; }
rm -f build-47-crash.log
make -s -j2 >/dev/null && make -s install >/dev/null || { not_ok "extension builds"; finish; }

wr_cluster_start || { not_ok "cluster starts"; finish; }
work=$(mktemp -d)
daemon_pid=
trap '[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; wr_cluster_stop' EXIT
q "ALTER SYSTEM SET synchronous_commit = on" && q "SELECT pg_reload_conf()" >/dev/null
soak_setup || { not_ok "soak setup"; finish; }

PGUSER=soak_daemon "$WAITROOMD" --name crash --http-port 0 --poll-interval 0.2 --release-due-interval 0.5 \
  --reconnect-base 0.1 --reconnect-max 0.5 >"$work/published.jsonl" 2>"$work/waitroomd.err" &
daemon_pid=$!

echo "# soak ${BEFORE}s, kill -9 of the postmaster, restart, soak ${AFTER}s, drain"
soak_start $((BEFORE + 30)) "$work"   # ended by the crash
sleep "$BEFORE"
postmaster=$(head -1 "$WR_CLUSTER_DIR/data/postmaster.pid")
events_at_kill=$(q "SELECT count(*) FROM waitroom.event")
kill -KILL "$postmaster"
echo "# killed postmaster $postmaster with ~$events_at_kill events committed"
soak_wait
echo "# pgbench ended (exit $SOAK_RC): $(cat "$work"/*.err | grep -c -iE 'aborted|terminat|connection') lines about lost connections"

# The orphaned backends notice the postmaster's death and exit; until then a new postmaster
# refuses the data directory.
started=1
for _ in $(seq 1 60); do
  wr_cluster_ctl start 2>/dev/null && { started=0; break; }
  sleep 0.5
done
check "the cluster restarts after the kill (crash recovery)" test "$started" = 0
[ "$started" = 0 ] || finish
grep -q 'database system was interrupted\|not properly shut down' "$WR_CLUSTER_DIR/server.log" &&
  echo "# server log: $(grep -m1 -o 'database system was not properly shut down; automatic recovery in progress\|database system was interrupted[^;]*' "$WR_CLUSTER_DIR/server.log")"

mkdir -p "$work/after"
soak_start "$AFTER" "$work/after"
soak_wait
echo "# after the restart: $(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work"/after/*.out | awk "{s += \$1} END {print s + 0}") transactions (exit $SOAK_RC)"

PGUSER=soak_daemon q "SELECT waitroom.release_due()" >/dev/null
drained=1
for _ in $(seq 1 300); do
  [ "$(q "SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'stdout' AND state <> 'delivered'")" = 0 ] &&
    { drained=0; break; }
  sleep 0.1
done
check "waitroomd reconnected and delivered every event ($(q "SELECT count(*) FROM waitroom.event") events)" test "$drained" = 0
kill -TERM "$daemon_pid"; wait "$daemon_pid"; daemon_pid=
grep -iE 'reconnect|connection' "$work/waitroomd.err" | head -3 | cut -c1-160 | sed 's/^/# waitroomd: /'

q "SELECT event_id, coalesce(order_id, '00000000-0000-0000-0000-000000000000') FROM waitroom.event ORDER BY event_id" |
  tr '|' '\t' >"$work/expected"
summary=$(python3 test/daemon/check_delivery.py --expected "$work/expected" --stdout "$work/published.jsonl" --ordered)
rc=$?
check "every committed event published, in event_id order per order ($summary)" test "$rc" = 0
others=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["otherArrivals"])' "$summary" 2>/dev/null)
check "nothing published that is not committed (${others:-?} unknown event ids)" test "${others:-1}" = 0

violations=$(q "SELECT invariant || ': ' || subject || ': ' || detail FROM waitroom.check_invariants()")
[ -n "$violations" ] && echo "$violations" | head -10 | sed 's/^/#   /'
# What a lost wake-up leaves, for the report: each such plan's lines, their articles' stock
# and queue, the reroute_queue, and the plan's decision log.
if grep -q no_lost_wakeup <<<"$violations"; then
  plans=$(grep no_lost_wakeup <<<"$violations" | grep -oE 'routing plan [0-9a-f-]{36}' | awk '{print $3}' | paste -sd, -)
  q "SELECT format('plan %s created %s updated %s decided %s: %s', p.routing_plan_id, p.created_at, p.updated_at,
                   d.decided_at, (SELECT string_agg(l.tenant_article_id || ' x' || l.quantity, ', ')
                                    FROM waitroom.routing_plan_line l WHERE l.routing_plan_id = p.routing_plan_id))
       FROM waitroom.routing_plan p LEFT JOIN waitroom.routing_decision d USING (routing_plan_id)
      WHERE p.routing_plan_id = ANY ('{$plans}'::uuid[])" | sed 's/^/#   /'
  q "SELECT format('stock %s/%s on_hand %s reserved %s', facility_ref, tenant_article_id, on_hand, reserved)
       FROM waitroom.stock WHERE tenant_article_id IN (
            SELECT l.tenant_article_id FROM waitroom.routing_plan_line l WHERE l.waiting)
        AND on_hand > reserved ORDER BY 1 LIMIT 20" | sed 's/^/#   /'
  q "SELECT 'reroute_queue: ' || count(*) FROM waitroom.reroute_queue" | sed 's/^/#   /'
fi
check "check_invariants() finds no violation after the crash ($(grep -c . <<<"$violations") rows)" test -z "$violations"
finish
