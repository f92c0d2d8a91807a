#!/usr/bin/env bash
# Suite 25: the plan guard (issue 8). No statement waitroom runs may read a whole big table
# (stock, listing, routing_plan, routing_plan_line, pick_line, order_line, event): neither a
# Seq Scan nor a full scan of a non-partial index (no condition on its first column: the same
# read in key order, what the planner picks when seq scans are off).
# Tables at size (test/plan_guard/load.sql: 200,000 stock and listing rows, 20,000 waiting
# plans, 15,000 routed orders, 85,000 events), checked twice: phase A before ANALYZE (a new
# install has no statistics; autovacuum is off so none appear), phase B after. Each phase:
#   a. every statement of the C module (waitroom._statements(), generated from the code):
#      PREPARE + force_generic_plan + EXPLAIN EXECUTE, one line per statement;
#   b. every statement run inside waitroom's SQL and PL/pgSQL functions, the view and the
#      triggers: test/plan_guard/workload.sql calls every function under auto_explain
#      (nested statements, JSON, generic plans); the server log is checked, one line per
#      distinct statement;
#   c. every function of the waitroom schema (pg_proc) was called by the workload
#      (track_functions = all, triggers and C functions included): a new one cannot escape.
# A probe (an index scan repeated per outer row) that binds only tenant_id of its index by
# equality fails too (for one tenant it reads the whole table per row), and so does one whose
# conditions name no other relation (it reads the same rows again per row).
# Phase C: waitroomd's claim on an outbox left bloated and without statistics (a database of
# its own), with delivery counted as a big table.
# Ends with "suite-result: P passed, F failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh

fail() { echo "25-plan-guard: $1"; echo "suite-result: 0 passed, 1 failed"; exit 1; }
make -s -j2 >/dev/null && make -s install >/dev/null || fail "extension build failed"
wr_cluster_start || fail "cluster did not start"
cat >>"$WR_CLUSTER_DIR/data/postgresql.conf" <<CONF
autovacuum = off
track_functions = 'all'
logging_collector = on
log_destination = 'jsonlog'
log_directory = '$WR_CLUSTER_DIR/log'
log_filename = 'guard.log'
log_rotation_age = 0
log_rotation_size = 0
CONF
wr_cluster_ctl restart || fail "cluster did not restart with the guard's settings"
log="$WR_CLUSTER_DIR/log/guard.json"

work=$(mktemp -d)
trap 'rm -rf "$work"; wr_cluster_stop' EXIT

# Whole-set statements: allowed only where the whole set is the work. "table | statement
# text prefix | why". A per-order path never belongs here.
cat >"$work/allow" <<'ALLOW'
# reroute_all()'s tenants on Citus only (spi::on_citus(); one node uses the loose index scan
# of routing_plan_unrouted, checked above): Citus refuses a recursive CTE without the tenant,
# so there each shard groups its unrouted plans, every one read once, which reroute_all()
# then re-routes anyway.
routing_plan | SELECT p.tenant_id FROM waitroom.routing_plan p WHERE p.status IN ('WAITING', 'NOT_ROUTABLE') GROUP BY p.tenant_id | Citus only: every unrouted plan, reroute_all's own work
# The whole waiting_room view: every waiting line is its work (here 25,000 of 55,000 plan
# lines), with their plans and order lines; availability is still read per waiting article.
routing_plan_line | SELECT count(*) AS waiting_lines, count(reason), max(queue_position) FROM waitroom.waiting_room; | every waiting line
routing_plan      | SELECT count(*) AS waiting_lines, count(reason), max(queue_position) FROM waitroom.waiting_room; | every waiting plan
order_line        | SELECT count(*) AS waiting_lines, count(reason), max(queue_position) FROM waitroom.waiting_room; | every waiting line's order line
# waitroomd's lines per reason (72_metrics.sql): the same whole view, grouped; the daemon polls
# it at most every 30 s and at most 1% of its session (contrib/README.md).
routing_plan_line | SELECT w.reason, count(*) FROM waiting_room w GROUP BY w.reason | every waiting line, polled rarely
# waitroomd's dashboard (74_dashboard.sql): the waiting-lines tile (waitroom.stats) and the
# largest queues count every waiting line (a seq scan here, where 45% of plan lines wait); read
# every 2 s and 20 s by one session (docs/dashboard.md: 100-160 ms and 130 ms at 105,000 waiting
# plans). The releases read the newest events backwards by event_id, stopped by their LIMIT.
routing_plan_line | SELECT jsonb_build_object( 'plansWaiting', s.plans_waiting, | every waiting line, the waiting-lines tile
routing_plan_line | SELECT coalesce(jsonb_agg(jsonb_build_object('article', q.tenant_article_id, | every waiting line, grouped by article
# waitroomd's /metrics gauges read the same view through stats_gauges() (72_metrics.sql: as the
# owner, for Citus), on the stats poller's own session (service/src/stats_poller.cpp).
routing_plan_line | SELECT * FROM stats | every waiting line, the waiting-lines gauge
event | WITH recent AS MATERIALIZED ( SELECT e.event, e.created_at, | the newest events, backwards by event_id up to the LIMIT
# purge_delivered (the daemon's timer, in batches): the age of an event is known only from its
# created_at, which has no index; every event (of every tenant) is a candidate.
event | WITH doomed AS ( SELECT ev.tenant_id, ev.event_id FROM event ev WHERE ev.created_at < | every event is a candidate
# outbox_status counts every delivery of every subscription, delivered ones too.
event | SELECT count(pending), count(oldest_pending_at) FROM waitroom.outbox_status; | the whole outbox is its work
# A strategy change that can serve more serves every waiting article of its tenant (like
# reroute_all(tenant)): here the load's one tenant, whose waiting lines are 45% of plan lines.
routing_plan_line | SELECT _reactivate(t, jsonb_agg(DISTINCT w.tenant_article_id)) FROM routing_plan | every waiting line of the tenant
# check_invariants() (README "Checking invariants"): a whole-database check of every stock
# row, order line, plan, pick line and event; a DBA runs it off-peak, the tests after their scenarios.
stock             | WITH open_lines AS ( SELECT pl.facility_ref, pl.tenant_article_id | every stock row
pick_line         | WITH open_lines AS ( SELECT pl.facility_ref, pl.tenant_article_id | every open pick line
order_line        | WITH picked AS ( SELECT j.order_id, pl.line_id | every order line
pick_line         | WITH picked AS ( SELECT j.order_id, pl.line_id | every open pick line
routing_plan_line | WITH picked AS ( SELECT j.order_id, pl.line_id | every plan line
routing_plan      | WITH picked AS ( SELECT j.order_id, pl.line_id | every plan
routing_plan      | SELECT 'plan_pick_job', | every plan
stock             | WITH beyond AS ( SELECT pl.facility_ref, pl.tenant_article_id | every stock row
pick_line         | WITH beyond AS ( SELECT pl.facility_ref, pl.tenant_article_id | every open pick line
routing_plan      | WITH beyond AS ( SELECT pl.facility_ref, pl.tenant_article_id | every plan with an open pick job
event             | WITH expected AS ( SELECT o.order_id, 'ORDER_CREATED' AS ev | every event
order_line        | WITH expected AS ( SELECT o.order_id, 'ORDER_CREATED' AS ev | every order's lines
routing_plan      | WITH expected AS ( SELECT o.order_id, 'ORDER_CREATED' AS ev | every plan
ALLOW

# Functions part c does not require the workload to call: "signature | why". Each must exist
# (a stale entry fails) and its own statements must be checked some other way (the reason
# says how). Not for anything an order, a restock or the daemon runs.
cat >"$work/uncalled" <<'UNCALLED'
waitroom.distribute() | needs Citus (55000 without it): test/citus/80-citus.sh runs it
waitroom.move_tenant(text,text,integer,text) | needs Citus (55000 without it): test/citus/80-citus.sh runs it
waitroom.reroute_all_tenants(bigint) | commits per tenant, so it cannot run with the loaded room hidden (it would re-route all 20,000 loaded plans); its one statement of its own (the tenant list) is release_due_all_tenants's, called and checked here, and it runs reroute_all(tenant), called here
UNCALLED

passed=0; failed=0
count() {  # reads result lines, echoes them, counts them (in this shell: count < <(...))
    local line
    while IFS= read -r line; do
        echo "$line"
        case $line in
            "ok - "*) passed=$((passed + 1)) ;;
            "not ok - "*) failed=$((failed + 1)) ;;
        esac
    done
}
check() {  # name, condition (0 = ok)
    if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "not ok - $1"; fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

t=$(now)
q -c "CREATE EXTENSION waitroom" && q -f test/plan_guard/load.sql || fail "load failed"
echo "# load: $(took "$t") s"
q -At -c "SELECT json_build_object('name', p.oid::regprocedure, 'src', p.prosrc)
            FROM pg_proc p WHERE p.pronamespace = 'waitroom'::regnamespace" >"$work/functions.jsonl"
q -At -c "SELECT json_object_agg(c.relname, json_build_object(
                   'table', t.relname, 'partial', i.indpred IS NOT NULL,
                   'lead', (SELECT a.attname FROM pg_attribute a
                             WHERE a.attrelid = t.oid AND a.attnum = i.indkey[0]),
                   'columns', (SELECT coalesce(json_agg(a.attname ORDER BY k.n), '[]')
                                 FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)))
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
           WHERE t.relnamespace = 'waitroom'::regnamespace" >"$work/indexes.json"

# The session settings of every logged workload: nested statements' generic plans as JSON.
explain_session=(-c "LOAD 'auto_explain'"
                 -c "SET log_min_messages = log" -c "SET auto_explain.log_min_duration = 0"
                 -c "SET auto_explain.log_nested_statements = on" -c "SET auto_explain.log_format = json"
                 -c "SET plan_cache_mode = force_generic_plan")
end_marker() { echo "DO \$\$ BEGIN RAISE LOG 'plan guard: end of phase $1'; END \$\$"; }
check_logged() {  # PHASE OFFSET PLANS: waits for the phase's end marker, checks what it logged
    for _ in $(seq 1 100); do
        grep -q "plan guard: end of phase $1" "$log" 2>/dev/null && break
        sleep 0.1
    done
    count < <(python3 test/plan_guard/check_plans.py log "$1" "$log" "$2" "$3" \
                  "$work/functions.jsonl" "$work/indexes.json" "$work/allow")
}

phase() {  # A|B
    local phase=$1 t offset
    t=$(now)
    q -c "SELECT pg_stat_reset()" >/dev/null

    # a. The C module's statements.
    if q -f test/plan_guard/generic_plans.sql >"$work/plans-$phase.jsonl"; then
        count < <(python3 test/plan_guard/check_plans.py explain "$phase" \
                      "$work/plans-$phase.jsonl" "$work/indexes.json" "$work/allow")
    else
        count <<<"not ok - $phase: could not EXPLAIN waitroom._statements()"
    fi

    # b. The workload under auto_explain. A marker logged last says the log is complete.
    offset=$(stat -c %s "$log" 2>/dev/null || echo 0)
    if ! psql -X -q -v ON_ERROR_STOP=1 -v phase="$phase" "${explain_session[@]}" \
        -f test/plan_guard/workload.sql \
        -c "SELECT pg_stat_force_next_flush()" -c "$(end_marker "$phase")" \
        >"$work/workload-$phase.out" 2>&1; then
        cat "$work/workload-$phase.out"
        count <<<"not ok - $phase: the workload failed"
    fi
    check_logged "$phase" "$offset" "$work/plans-$phase.jsonl"

    # c. Every function of the schema was called (stats are flushed when the workload's
    # backend ends; wait for that).
    local uncalled
    for _ in $(seq 1 50); do
        uncalled=$(q -c "SELECT p.oid::regprocedure FROM pg_proc p
                           LEFT JOIN pg_stat_user_functions s ON s.funcid = p.oid
                          WHERE p.pronamespace = 'waitroom'::regnamespace
                            AND coalesce(s.calls, 0) = 0 ORDER BY 1")
        [ -z "$uncalled" ] && break
        sleep 0.1
    done
    count < <(q -c "SELECT p.oid::regprocedure, coalesce(s.calls, 0) FROM pg_proc p
                     LEFT JOIN pg_stat_user_functions s ON s.funcid = p.oid
                    WHERE p.pronamespace = 'waitroom'::regnamespace ORDER BY 1" |
              while IFS='|' read -r fn calls; do
                  why=$(awk -F ' [|] ' -v f="$fn" '$1 == f { print $2 }' "$work/uncalled")
                  if [ -n "$why" ] && [ "$calls" -eq 0 ]; then
                      echo "# $phase not called here: $fn: $why"
                  else
                      check "$phase called $fn ($calls calls)" "$([ "$calls" -gt 0 ]; echo $?)"
                  fi
              done)
    count < <(while IFS='|' read -r fn _; do
                  fn=${fn% }
                  [ -n "$(q -c "SELECT to_regprocedure('$fn')")" ] ||
                      echo "not ok - $phase: $fn, listed as not called here, is no function of waitroom (stale entry)"
              done <"$work/uncalled")
    echo "# phase $phase: $(took "$t") s"
}

stats=$(q -c "SELECT count(*) FROM pg_stats WHERE schemaname = 'waitroom'")
count < <(check "A: no statistics on waitroom's tables ($stats rows in pg_stats)" \
                "$([ "$stats" -eq 0 ]; echo $?)")
phase A

t=$(now)
q -c "ANALYZE"
echo "# analyze: $(took "$t") s"
stats=$(q -c "SELECT count(*) FROM pg_stats WHERE schemaname = 'waitroom' AND tablename = 'stock'")
count < <(check "B: stock has statistics ($stats columns)" "$([ "$stats" -gt 0 ]; echo $?)")
phase B

# C. The daemon's claim on an outbox that a day of deliveries left bloated and without
# statistics (a new install; autovacuum is off here): 15,000 deliveries, 10,000 of them
# delivered, the open ones retried six times, in a database of its own. Found in suite 60 (two
# daemons, auto_explain): the head test probed the primary key (tenant_id, event_id < x), every
# earlier delivery of the tenant per candidate, 53 s and 71 million buffer hits for one claim;
# the probe must bind the lane. The claim's statements are checked as in b, with delivery a big
# table (verified here: the claim before the fix fails this phase, a Tenant-wide Probe).
t=$(now)
retries=()
for _ in 1 2 3 4 5 6; do
  retries+=(-c "/* guard-setup */ UPDATE waitroom.delivery
                  SET next_attempt_at = next_attempt_at - interval '1 ms' WHERE state = 'pending'")
done
offset=$(stat -c %s "$log" 2>/dev/null || echo 0)
if q -c "CREATE DATABASE guard_outbox" &&
   psql -X -q -v ON_ERROR_STOP=1 -d guard_outbox \
    -c "CREATE EXTENSION waitroom" \
    -c "/* guard-setup */ UPDATE waitroom.subscription SET active = true" \
    -c "/* guard-setup */ INSERT INTO waitroom.event (event, order_id, payload)
          SELECT 'ORDER_CREATED', md5(r::text || '-' || o)::uuid, jsonb_build_object('seq', s)
            FROM generate_series(1, 2) r, generate_series(1, 100) s, generate_series(1, 50) o
           ORDER BY r, s, o" \
    -c "/* guard-setup */ UPDATE waitroom.delivery SET state = 'delivered' WHERE event_id % 3 <> 0" \
    -c "/* guard-setup */ INSERT INTO waitroom.event (event, order_id, payload)
          SELECT 'ORDER_CREATED', md5('3-' || o)::uuid, jsonb_build_object('seq', s)
            FROM generate_series(1, 100) s, generate_series(1, 50) o ORDER BY s, o" \
    "${retries[@]}" "${explain_session[@]}" \
    -c "BEGIN" -c "SELECT count(*) FROM waitroom.claim_deliveries(true, 'stdout', 16, 100)" \
    -c "ROLLBACK" -c "$(end_marker C)" \
    >"$work/outbox.out" 2>&1; then
  WR_GUARD_BIG=delivery check_logged C "$offset" "$work/plans-B.jsonl"
else
  cat "$work/outbox.out"
  count <<<"not ok - C: the outbox scenario failed"
fi
echo "# phase C: $(took "$t") s"

echo "suite-result: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
