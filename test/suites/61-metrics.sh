#!/usr/bin/env bash
# waitroomd's /metrics against a real throwaway cluster (issue 12, point 9): every series at 0
# on the first scrape, then moving as events are delivered (latency histogram, lag per
# subscription falling back) and equal to waitroom.stats; the text format parsed strictly
# (test/metrics/check.py); every metric and label the alert rules (contrib/prometheus) and the
# Grafana dashboard (contrib/grafana) name exists in the real scrape, and contrib/README.md
# documents exactly the scraped families. A slow gauge poll (lines per reason made to take 5 s)
# delays no delivery; a SIGTERM meanwhile stops the daemon once it ends. The checker is shown
# to reject broken inputs.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export WR_DAEMON_TESTS=$ROOT/test/daemon
CHECK=$ROOT/test/metrics/check.py
RULES=$ROOT/contrib/prometheus/waitroom-alerts.yml
DASHBOARD=$ROOT/contrib/grafana/waitroom.json
README=$ROOT/contrib/README.md

pass=0 fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
note()   { echo "# $*"; }
finish() { echo "suite-result: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }
# shows OUTPUT (indented) under the check it belongs to
shown()  { sed 's/^/#   /' "$1"; }

# ------------------------------------------------------------------ build and install
if [ -n "${WR_WAITROOMD:-}" ]; then
  WAITROOMD=$WR_WAITROOMD
elif cmake -S . -B build >build-61-metrics.log 2>&1 &&
     cmake --build build -j2 --target waitroomd >>build-61-metrics.log 2>&1; then
  WAITROOMD=$ROOT/build/service/waitroomd
else
  cmake -S service -B build/service-only >>build-61-metrics.log 2>&1 &&
    cmake --build build/service-only -j2 --target waitroomd >>build-61-metrics.log 2>&1
  WAITROOMD=$ROOT/build/service-only/waitroomd
fi
check "waitroomd builds" test -x "$WAITROOMD"
[ -x "$WAITROOMD" ] || { tail -20 build-61-metrics.log; finish; }
rm -f build-61-metrics.log
if ! (make -j2 >/tmp/waitroomd-61-make.log 2>&1 && make install >>/tmp/waitroomd-61-make.log 2>&1); then
  not_ok "extension builds and installs"; tail -20 /tmp/waitroomd-61-make.log; finish
fi

source test/lib/cluster.sh
source test/daemon/lib.sh
wr_cluster_start || { not_ok "cluster starts"; finish; }
trap 'daemon_cleanup; wr_cluster_stop; rm -rf "$WR_TMP"' EXIT
wr_psql -q -c "CREATE EXTENSION waitroom"
export WR_DAEMON_USER=waitroomd_metrics
wr_psql -q -c "CREATE ROLE $WR_DAEMON_USER LOGIN IN ROLE waitroom_daemon"
# A paused webhook subscription besides the built-in stdout one: its series must exist too.
wr_psql -q -c "INSERT INTO waitroom.subscription (subscription_id, url, active)
               VALUES ('hook_paused', 'https://hooks.example.org/w', false)"
FAST=(--poll-interval 0.5 --release-due-interval 0.5 --reconnect-base 0.1 --reconnect-max 1)

# scrape PORT FILE
scrape() { curl -fsS -o "$2" "http://127.0.0.1:$1/metrics"; }
value() { "$CHECK" value "$@"; }  # value SCRAPE 'name{labels}'
# sql QUERY: one value
sql() { wr_psql -At -c "$1"; }

# ------------------------------------------------------------------ the first scrape
# m1 serves webhooks only (none active), so the stdout events below stay pending: lag.
port=$(wr_free_port)
start_daemon m1 "${FAST[@]}" --http-port "$port" --no-stdout
wait_for 10 count_is 200 healthz "$port" /dev/null 2>/dev/null
scrape "$port" "$WR_TMP/first.prom"
"$CHECK" exposition "$WR_TMP/first.prom" >"$WR_TMP/first.check"; rc=$?
check "first scrape: valid Prometheus text ($(tail -1 "$WR_TMP/first.check" | sed 's/^# //'))" test $rc -eq 0
grep -v '^#' "$WR_TMP/first.check" | head -5 | sed 's/^/#   /'
extversion=$(sed -n 's/^EXTVERSION *= *//p' Makefile)
check "waitroomd_build_info{version=\"$extversion\"} 1 (the Makefile's EXTVERSION)" \
  count_is 1 value "$WR_TMP/first.prom" "waitroomd_build_info{version=\"$extversion\"}"

# zero SCRAPE SELECTOR...: each sample exists with value 0; prints the ones that do not
zero() {
  local f=$1 s v bad=0; shift
  for s in "$@"; do
    v=$(value "$f" "$s")
    [ "$v" = 0 ] || { echo "#   $s = ${v:-absent}"; bad=1; }
  done
  return $bad
}
statuses=(WAITING NOT_ROUTABLE ROUTED CANCELLED)
# The reasons of the waiting_room view, read from its definition: the daemon's list must match.
mapfile -t reasons < <(sql "SELECT pg_get_viewdef('waitroom.waiting_room'::regclass)" |
  grep -oE "(THEN|ELSE) '[A-Z_]+'" | sed -E "s/^(THEN|ELSE) '(.*)'$/\2/" | sort -u)
scraped_reasons=$(grep -oE '^waitroom_waiting_lines_by_reason\{reason="[A-Z_]+"\}' "$WR_TMP/first.prom" |
  sed -E 's/.*reason="(.*)".*/\1/' | sort | tr '\n' ' ')
check "waiting_lines_by_reason labels = the view's reasons (${#reasons[@]}: ${reasons[*]})" \
  test "$scraped_reasons" = "$(printf '%s ' "${reasons[@]}")"
[ ${#reasons[@]} -ge 5 ] || not_ok "the view's reasons were found (${#reasons[@]})"
mapfile -t subscriptions < <(sql "SELECT subscription_id FROM waitroom.subscription ORDER BY 1")
series=()
for s in "${statuses[@]}"; do series+=("waitroom_plans{status=\"$s\"}"); done
for r in "${reasons[@]}"; do series+=("waitroom_waiting_lines_by_reason{reason=\"$r\"}"); done
for sub in "${subscriptions[@]}"; do
  l="subscription=\"$sub\""
  series+=("waitroomd_delivered_total{$l}" "waitroomd_failed_total{$l}" "waitroomd_dead_lettered_total{$l}"
           "waitroomd_delivery_latency_seconds_count{$l}" "waitroomd_delivery_latency_seconds_sum{$l}"
           "waitroomd_delivery_latency_seconds_bucket{$l,le=\"0.005\"}"
           "waitroomd_delivery_latency_seconds_bucket{$l,le=\"300\"}"
           "waitroomd_delivery_latency_seconds_bucket{$l,le=\"+Inf\"}"
           "waitroom_subscription_pending_deliveries{$l}" "waitroom_subscription_lag_seconds{$l}")
done
series+=(waitroom_waiting_lines waitroom_oldest_wait_seconds waitroom_reroute_queue_depth
         'waitroom_deliveries{state="pending"}' 'waitroom_deliveries{state="dead"}'
         waitroomd_stats_poll_failures_total waitroomd_duplicates_total)
check "first scrape, before any event: ${#series[@]} series at 0 (every status, reason, subscription: ${subscriptions[*]})" \
  zero "$WR_TMP/first.prom" "${series[@]}"
check "first scrape: subscription stdout active (1), hook_paused paused (0)" \
  count_is "1 0" echo "$(value "$WR_TMP/first.prom" 'waitroom_subscription_active{subscription="stdout"}') $(value "$WR_TMP/first.prom" 'waitroom_subscription_active{subscription="hook_paused"}')"
check "first scrape: the stats poll succeeded (a last-success timestamp)" \
  test "$(value "$WR_TMP/first.prom" waitroomd_stats_last_success_timestamp_seconds)" -gt 0

# ------------------------------------------------------------------ gauges move, equal to waitroom.stats
wr_psql -q -f test/metrics/waiting.sql >/dev/null
gen_events m1 1 20 10   # 200 events for stdout, nobody serves it yet
pending=$(sql "SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'stdout' AND state = 'pending'")
pending_gauge() { value "$WR_TMP/now.prom" 'waitroom_subscription_pending_deliveries{subscription="stdout"}'; }
polled() { scrape "$port" "$WR_TMP/now.prom" && [ "$(pending_gauge)" = "$pending" ]; }
check "stdout's pending gauge reaches the database's count within a poll ($pending)" wait_for 12 polled
lag=$(value "$WR_TMP/now.prom" 'waitroom_subscription_lag_seconds{subscription="stdout"}')
check "stdout's lag is above 0 while its events wait ($lag s)" python3 -c "import sys; sys.exit(not float('$lag') > 0)"
# The stats row and the scrape, field by field (counts do not move: nothing is delivered).
read -r st_waiting st_notr st_lines st_reroute st_pending st_dead st_age < <(sql "SELECT plans_waiting,
  plans_not_routable, waiting_lines, reroute_queue_depth, deliveries_pending, deliveries_dead,
  extract(epoch FROM oldest_waiting_age) FROM waitroom.stats" | tr '|' ' ')
got="$(value "$WR_TMP/now.prom" 'waitroom_plans{status="WAITING"}') $(value "$WR_TMP/now.prom" 'waitroom_plans{status="NOT_ROUTABLE"}') $(value "$WR_TMP/now.prom" waitroom_waiting_lines) $(value "$WR_TMP/now.prom" waitroom_reroute_queue_depth) $(value "$WR_TMP/now.prom" 'waitroom_deliveries{state="pending"}') $(value "$WR_TMP/now.prom" 'waitroom_deliveries{state="dead"}')"
check "gauges = waitroom.stats: plans WAITING, NOT_ROUTABLE, waiting lines, reroute_queue, pending, dead ($got)" \
  test "$got" = "$st_waiting $st_notr $st_lines $st_reroute $st_pending $st_dead"
[ "$st_waiting" -ge 5 ] || not_ok "the fixture made waiting plans ($st_waiting)"
age=$(value "$WR_TMP/now.prom" waitroom_oldest_wait_seconds)
check "waitroom_oldest_wait_seconds within a poll (5 s) of stats' oldest_waiting_age ($age vs $st_age)" \
  python3 -c "import sys; a, b = float('$age'), float('$st_age'); sys.exit(not (0 < a <= b <= a + 6))"

# Lines per reason are polled at connect and every 30 s: a new daemon (stdout served now)
# shows them at once, before it delivers anything.
stop_daemon m1
start_daemon m2 "${FAST[@]}" --http-port "$port"
wait_for 10 count_is 200 healthz "$port" /dev/null 2>/dev/null
scrape "$port" "$WR_TMP/m2.prom"
by_reason=$(sql "SELECT string_agg(reason || '=' || lines, ' ' ORDER BY reason) FROM waitroom.waiting_lines_by_reason()")
view=$(sql "SELECT string_agg(reason || '=' || n, ' ' ORDER BY reason)
              FROM (SELECT reason, count(*) n FROM waitroom.waiting_room GROUP BY reason) r")
scraped=$(grep -E '^waitroom_waiting_lines_by_reason\{' "$WR_TMP/m2.prom" | grep -v ' 0$' |
  sed -E 's/.*reason="([A-Z_]+)"\} (.*)/\1=\2/' | sort | tr '\n' ' ' | sed 's/ $//')
check "waiting lines per reason = the waiting_room view's GROUP BY ($scraped)" \
  test "$scraped" = "$view" -a "$by_reason" = "$view"

# ------------------------------------------------------------------ deliveries: histogram grows, lag falls back
total=$(sql "SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'stdout'")
wait_for 30 count_is 0 sql "SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'stdout' AND state = 'pending'"
drained() {
  scrape "$port" "$WR_TMP/after.prom" &&
    [ "$(value "$WR_TMP/after.prom" 'waitroom_subscription_pending_deliveries{subscription="stdout"}')" = 0 ] &&
    [ "$(value "$WR_TMP/after.prom" 'waitroom_subscription_lag_seconds{subscription="stdout"}')" = 0 ]
}
check "after delivery: stdout's pending and lag fall back to 0 within a poll" wait_for 12 drained
count=$(value "$WR_TMP/after.prom" 'waitroomd_delivery_latency_seconds_count{subscription="stdout"}')
delivered=$(value "$WR_TMP/after.prom" 'waitroomd_delivered_total{subscription="stdout"}')
check "latency histogram: _count = delivered_total = the $pending events pending when m2 started ($count, $delivered)" \
  test "$count" = "$delivered" -a "$count" -ge "$pending"
sum=$(value "$WR_TMP/after.prom" 'waitroomd_delivery_latency_seconds_sum{subscription="stdout"}')
# The events waited at least one stats poll for m2: a latency from creation, not from the claim.
check "latency histogram: mean latency covers the wait before m2 (sum $sum s over $count)" \
  python3 -c "import sys; sys.exit(not float('$sum') / $count > 1.0)"
"$CHECK" exposition "$WR_TMP/after.prom" >"$WR_TMP/after.check"; rc=$?
check "scrape after deliveries: valid text, buckets cumulative, +Inf = _count" test $rc -eq 0
grep -v '^#' "$WR_TMP/after.check" | head -5 | sed 's/^/#   /'
check "the paused subscription's series stayed (hook_paused active 0)" \
  count_is 0 value "$WR_TMP/after.prom" 'waitroom_subscription_active{subscription="hook_paused"}'

# ------------------------------------------------------------------ a failing poll is counted, deliveries go on
wr_psql -q -c "REVOKE EXECUTE ON FUNCTION waitroom.stats_gauges() FROM waitroom_daemon"
poll_failed() { scrape "$port" "$WR_TMP/revoked.prom" &&
  [ "$(value "$WR_TMP/revoked.prom" waitroomd_stats_poll_failures_total)" -ge 1 ]; }
refusal_seen() { wait_for 12 poll_failed && grep -q '"action":"stats_poll_failed"' "$WR_TMP/m2.err"; }
check "stats refused: waitroomd_stats_poll_failures_total counts it, logged as stats_poll_failed" refusal_seen
gen_events m2 1 1 10
still_serving() { wait_for 10 count_is 10 delivered_count m2 stdout && [ "$(healthz "$port" /dev/null)" = 200 ]; }
check "stats refused: deliveries go on and /healthz stays 200" still_serving
wr_psql -q -c "GRANT EXECUTE ON FUNCTION waitroom.stats_gauges() TO waitroom_daemon"
stop_daemon m2

# ------------------------------------------------------------------ a slow gauge poll does not hold up delivery
# Lines per reason made slow on purpose (pg_sleep 5 s, as the owner, in this throwaway database
# only). A daemon polls them as it starts, on a session of their own: events are delivered meanwhile.
fast_reasons=$(sql "SELECT pg_get_functiondef('waitroom.waiting_lines_by_reason()'::regprocedure)")
wr_psql -q -c "CREATE OR REPLACE FUNCTION waitroom.waiting_lines_by_reason()
  RETURNS TABLE (reason text, lines bigint) LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = waitroom, pg_catalog, pg_temp AS \$\$
    SELECT pg_catalog.pg_sleep(5);
    SELECT w.reason, count(*) FROM waiting_room w GROUP BY w.reason
  \$\$"
slow_poll_running() {
  sql "SELECT count(*) FROM pg_stat_activity WHERE usename = '$WR_DAEMON_USER' AND state = 'active'
          AND query LIKE '%waiting_lines_by_reason%'"
}
start_daemon m3 "${FAST[@]}" --http-port "$port"
check "slow poll: m3's first poll of lines per reason runs (5 s)" wait_for 5 count_is 1 slow_poll_running
gen_events m3 1 1 10 >/dev/null
t0=$(now_ms)
for _ in $(seq 1 160); do [ "$(delivered_count m3 stdout)" = 10 ] && break; sleep 0.05; done
took=$(( $(now_ms) - t0 )) still=$(slow_poll_running)
check "slow poll: 10 new events delivered within 1.5 s while it runs ($took ms; poll still running: $still)" \
  test "$took" -lt 1500 -a "$still" = 1
gauges_after() {
  scrape "$port" "$WR_TMP/m3.prom" && [ "$(healthz "$port" /dev/null)" = 200 ] &&
    [ "$(value "$WR_TMP/m3.prom" waitroomd_stats_last_success_timestamp_seconds)" -gt 0 ] &&
    [ "$(grep -E '^waitroom_waiting_lines_by_reason\{' "$WR_TMP/m3.prom" | grep -v ' 0$' |
         sed -E 's/.*reason="([A-Z_]+)"\} (.*)/\1=\2/' | sort | tr '\n' ' ' | sed 's/ $//')" = "$view" ]
}
check "slow poll: once it ends the gauges are there (lines per reason = the view, /healthz 200)" \
  wait_for 12 gauges_after
check "slow poll: no poll failed (waitroomd_stats_poll_failures_total 0)" \
  count_is 0 value "$WR_TMP/m3.prom" waitroomd_stats_poll_failures_total
stop_daemon m3
start_daemon m4 "${FAST[@]}" --no-stdout
wait_for 5 count_is 1 slow_poll_running
t0=$(now_ms); stop_daemon m4; rc=$?; took=$(( $(now_ms) - t0 ))
check "SIGTERM during the slow poll: m4 stops, exit 0, logged \"stopped\" ($took ms; the poll takes 5 s)" \
  test "$rc" -eq 0 -a "$took" -lt 7000 -a "$(grep -c '"action":"stopped"' "$WR_TMP/m4.err")" = 1
wr_psql -q -c "$fast_reasons"

# ------------------------------------------------------------------ contrib: alert rules and dashboard
"$CHECK" names "$WR_TMP/after.prom" "$RULES" "$DASHBOARD" >"$WR_TMP/names.out"; rc=$?
check "every metric and label of the alert rules and the Grafana dashboard is in the scrape ($(tail -1 "$WR_TMP/names.out" | sed 's/^# //'))" \
  test $rc -eq 0
grep -v '^#' "$WR_TMP/names.out" | head -10 | sed 's/^/#   /'
"$CHECK" documented "$WR_TMP/after.prom" "$README" >"$WR_TMP/doc.out"; rc=$?
check "contrib/README.md's table documents exactly the scraped families ($(tail -1 "$WR_TMP/doc.out" | sed 's/^# //'))" \
  test $rc -eq 0
grep -v '^#' "$WR_TMP/doc.out" | head -10 | sed 's/^/#   /'
check "the alert rules have alert, expr, labels.severity and annotations.summary each" \
  python3 -c "import sys, yaml
rules = [r for g in yaml.safe_load(open(sys.argv[1]))['groups'] for r in g['rules']]
bad = [r.get('alert') for r in rules if not (r.get('alert') and r.get('expr') and r.get('labels', {}).get('severity')
       and r.get('annotations', {}).get('summary'))]
print('#   rules:', len(rules), 'incomplete:', bad); sys.exit(bool(bad) or len(rules) < 5)" "$RULES"

# ------------------------------------------------------------------ the checker rejects what it should
# Each case mutates an input the checks above accepted (the real scrape, rules, dashboard,
# README) and the checker must then fail; its complaint is shown.
base_ok=0
[ "$("$CHECK" exposition "$WR_TMP/after.prom" >/dev/null; echo $?)$("$CHECK" names "$WR_TMP/after.prom" "$RULES" "$DASHBOARD" >/dev/null; echo $?)$("$CHECK" documented "$WR_TMP/after.prom" "$README" >/dev/null; echo $?)" = 000 ] && base_ok=1
# rejected NAME SRC SED_EXPR CHECK_ARGS...: CHECK_ARGS with the word MUTATED for the mutated copy
rejected() {
  local name=$1 src=$2 expr=$3 dest out arg args=(); shift 3
  dest=$WR_TMP/mutated.$RANDOM.${src##*.}
  sed -e "$expr" "$src" >"$dest"
  for arg in "$@"; do args+=("${arg/MUTATED/$dest}"); done
  if [ "$base_ok" != 1 ]; then not_ok "$name (the unmutated inputs fail already)"
  elif cmp -s "$src" "$dest"; then not_ok "$name (the mutation $expr changed nothing)"
  elif out=$("$CHECK" "${args[@]}" 2>&1); then not_ok "$name (accepted)"
  else ok "$name"; grep -v '^# ' <<<"$out" | head -2 | sed 's/^/#   /'
  fi
}
a=$WR_TMP/after.prom
rejected "checker rejects a family without TYPE" "$a" '/^# TYPE waitroom_plans /d' exposition MUTATED
rejected "checker rejects non-cumulative histogram buckets" "$a" \
  's/^\(waitroomd_delivery_latency_seconds_bucket{subscription="stdout",le="300"}\) .*/\1 0/' exposition MUTATED
rejected "checker rejects a histogram whose +Inf bucket is not its _count" "$a" \
  's/^\(waitroomd_delivery_latency_seconds_count{subscription="stdout"}\) .*/\1 999999/' exposition MUTATED
rejected "checker rejects a series twice (and a family split)" "$a" '$a waitroom_plans{status="WAITING"} 1' \
  exposition MUTATED
rejected "checker rejects a value that is not a number" "$a" \
  's/^waitroom_reroute_queue_depth .*/waitroom_reroute_queue_depth zero/' exposition MUTATED
rejected "checker rejects an alert naming a metric the daemon does not export (a typo)" "$RULES" \
  's/waitroom_subscription_lag_seconds/waitroom_subscription_lag_second/' names "$a" MUTATED "$DASHBOARD"
rejected "checker rejects an alert grouping by a label no series has" "$RULES" \
  's/max by (subscription)/max by (subscriptions)/' names "$a" MUTATED "$DASHBOARD"
rejected "checker rejects an alert matching a label its metric lacks" "$RULES" \
  's/{task="release_due"}/{tsak="release_due"}/' names "$a" MUTATED "$DASHBOARD"
rejected "checker rejects a Grafana panel naming a metric the daemon does not export" "$DASHBOARD" \
  's/waitroom_waiting_lines_by_reason/waitroom_waiting_lines_per_reason/' names "$a" "$RULES" MUTATED
rejected "checker rejects a histogram's family name used as a series" "$DASHBOARD" \
  's/waitroomd_delivery_latency_seconds_bucket/waitroomd_delivery_latency_seconds/' names "$a" "$RULES" MUTATED
rejected "checker rejects a README missing a scraped family" "$README" \
  '/^| `waitroom_reroute_queue_depth`/d' documented "$a" MUTATED

finish
