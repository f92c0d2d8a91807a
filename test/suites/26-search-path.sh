#!/usr/bin/env bash
# Suite 26: no caller's search_path reaches inside waitroom (issue 9, finding 1).
# 1. Discovery (database "discover", nothing planted): the workload of test/search_path/ runs in
#    one session that records, with waitroom._record_routines(), every statement analyzed
#    inside a function or trigger and the routines it resolved to; waitroom._routines_used()
#    adds every statement of the C module (waitroom._statements(), exercised or not) and
#    waitroomd's own statements (pg_stat_statements). pg_stat_statements cross-checks that the
#    recorder saw every nested statement. Result: the pg_catalog functions and operators
#    waitroom's statements use, enumerated from the statements.
# 2. Three databases get overrides of all of them planted in schema public (test/search_path/
#    plant.sql: they note the call and return the original's result) and TEMP views named like
#    every waitroom table in each workload session. "before" has the pins as they were before
#    the fix (none on the stock trigger functions), "control" none on any C function.
# 3. In each, logins granted waitroom_app, waitroom_reader and waitroom_daemon run the workload
#    (every API function, restocks by UPDATE/INSERT/COPY, listing and facility changes, views,
#    release_due, the daemon's calls, the owner's CALL of the procedures, then the real waitroomd)
#    under search_path = public, pg_catalog. "hijack" must call no planted routine and do its
#    work; "before" and "control" must call planted routines (else the check could pass
#    whatever happens).
# 4. From the catalog: every function of the extension pins a search_path ending in pg_temp;
#    procedures (a procedure that commits cannot pin one) run as their caller, for the owner only.
# Ends with "suite-result: P passed, F failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SP=$ROOT/test/search_path
HIJACK_PATH='-c search_path=public,pg_catalog'

pass=0 fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
note()   { echo "# $*"; }
indent() { sed 's/^/#   /'; }
finish() {
  echo "suite-result: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
}

# ------------------------------------------------------------------ build and install
if ! (make -s -j2 >/tmp/26-make.log 2>&1 && make -s install >>/tmp/26-make.log 2>&1); then
  not_ok "extension builds and installs"; tail -30 /tmp/26-make.log | indent; finish
fi
ok "extension builds and installs"
WAITROOMD=
if cmake -S . -B build >/tmp/26-cmake.log 2>&1 &&
   cmake --build build -j2 --target waitroomd >>/tmp/26-cmake.log 2>&1; then
  WAITROOMD=$ROOT/build/service/waitroomd
fi
check "waitroomd builds" test -x "$WAITROOMD"

source test/lib/cluster.sh
wr_cluster_start || { not_ok "cluster starts"; finish; }
cat >>"$WR_CLUSTER_DIR/data/postgresql.conf" <<CONF
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
pg_stat_statements.max = 10000
CONF
wr_cluster_ctl restart || { not_ok "cluster restarts with pg_stat_statements"; finish; }
work=$(mktemp -d /tmp/waitroom-26.XXXXXX)
chmod 755 "$work"
daemon_pid=
trap '[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null; wr_cluster_stop; [ -n "${WR_SP_KEEP:-}" ] || rm -rf "$work"' EXIT
q() { wr_psql -At "$@"; }

# A closed loopback port: the webhook subscription's deliveries fail (fail_delivery, dead letter).
down_port=$(wr_free_port)
setup_db() {  # DB: the extension and a webhook nobody answers
  wr_psql -c "CREATE DATABASE $1" &&
    wr_psql -d "$1" -c "CREATE EXTENSION waitroom" \
      -c "INSERT INTO waitroom.subscription (subscription_id, url, secret, max_attempts)
          VALUES ('hook_down', 'http://127.0.0.1:$down_port/', 'sp-secret', 1)"
}
setup_db discover && q -d discover -c "CREATE EXTENSION pg_stat_statements" >/dev/null ||
  { not_ok "database discover"; finish; }
for r in app reader daemon; do
  wr_psql -c "CREATE ROLE sp_$r LOGIN IN ROLE waitroom_$r" || { not_ok "login sp_$r"; finish; }
done

# waitroomd (DB NAME): as sp_daemon under the hijacker's path, until its stdout deliveries and
# the webhook's dead letter are done (10 s at most), then SIGTERM.
daemon_opts=(--http-port 0 --poll-interval 0.2 --retry-base 0.1 --retry-max 0.2 --max-attempts 1
             --release-due-interval 0.5 --purge-interval 1 --http-timeout 1)
if [ -n "$WAITROOMD" ] && "$WAITROOMD" --help 2>/dev/null | grep -q -- --webhook-allow-host; then
  daemon_opts+=(--webhook-allow-scheme http --webhook-allow-host 127.0.0.1)
fi
run_daemon() {
  local db=$1 name=$2
  [ -n "$WAITROOMD" ] || return 1
  PGOPTIONS=$HIJACK_PATH PGUSER=sp_daemon PGDATABASE=$db "$WAITROOMD" --name "$name" "${daemon_opts[@]}" \
    >"$work/$name.out" 2>"$work/$name.err" &
  daemon_pid=$!
  for _ in $(seq 1 100); do
    [ "$(q -d "$db" -c "SELECT count(*) FILTER (WHERE delivered_by = '$name' AND state = 'delivered') > 0
                               AND count(*) FILTER (WHERE delivered_by = '$name' AND state = 'dead') > 0
                          FROM waitroom.delivery")" = t ] && break
    sleep 0.1
  done
  sleep 0.5  # a few more rounds of its timers
  kill -TERM "$daemon_pid" 2>/dev/null
  wait "$daemon_pid"
  local rc=$?
  daemon_pid=
  return $rc
}

# ------------------------------------------------------------------ 1. discovery
note "discovery: the workload in one recording session (database discover)"
q -d discover -c "SELECT pg_stat_statements_reset()" >/dev/null
if wr_psql -d discover -c "SELECT waitroom._record_routines()" \
     -f "$SP/app_place.sql" -f "$SP/app_serve.sql" -f "$SP/reader.sql" -f "$SP/daemon.sql" \
     -f "$SP/owner.sql" \
     -c "CREATE TABLE recorded AS SELECT * FROM waitroom._recorded_routines()" \
     >"$work/discover.out" 2>&1; then
  ok "discovery: the workload runs"
else
  not_ok "discovery: the workload runs"; tail -20 "$work/discover.out" | indent
fi
# Every nested statement pg_stat_statements saw is one the recorder analyzed.
unseen=$(q -d discover -c "SELECT count(*) FROM pg_stat_statements s
                            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = 'discover')
                              AND NOT s.toplevel
                              AND s.queryid NOT IN (SELECT query_id FROM recorded WHERE kind = 'statement')")
nested=$(q -d discover -c "SELECT count(*) FROM pg_stat_statements s
                            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = 'discover')
                              AND NOT s.toplevel")
check "discovery: the recorder analyzed every nested statement pg_stat_statements saw ($nested, $unseen unseen)" \
  test "$nested" -gt 0 -a "$unseen" = 0
[ "$unseen" = 0 ] || q -d discover -c "SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 150) FROM pg_stat_statements s
    WHERE NOT s.toplevel AND s.dbid = (SELECT oid FROM pg_database WHERE datname = 'discover')
      AND s.queryid NOT IN (SELECT query_id FROM recorded WHERE kind = 'statement')" | indent

# waitroomd's own statements (not nested: it sends them itself).
q -d discover -c "SELECT pg_stat_statements_reset()" >/dev/null
run_daemon discover sp-discover
check "discovery: waitroomd runs as sp_daemon and delivers" \
  test "$(q -d discover -c "SELECT count(*) FROM waitroom.delivery WHERE delivered_by = 'sp-discover'")" -gt 0

# The C module's statements (with their text parameters) and waitroomd's, analyzed as text.
q -d discover -c "CREATE TABLE analyzed AS
    SELECT 'module' AS source, s->>'sql' AS statement, u.kind, u.signature
      FROM jsonb_array_elements(waitroom._statements()) s,
           waitroom._routines_used(s->>'sql', (s->>'nargs')::int) u
    UNION ALL
    SELECT 'waitroomd', p.query, u.kind, u.signature
      FROM pg_stat_statements p, waitroom._routines_used(p.query) u
     WHERE p.toplevel AND p.userid = 'sp_daemon'::regrole
       AND p.dbid = (SELECT oid FROM pg_database WHERE datname = 'discover')"
module_statements=$(q -d discover -c "SELECT jsonb_array_length(waitroom._statements())")
daemon_statements=$(q -d discover -c "SELECT count(DISTINCT statement) FROM analyzed WHERE source = 'waitroomd'")
recorded_statements=$(q -d discover -c "SELECT count(*) FROM recorded WHERE kind = 'statement'")
errors=$(q -d discover -c "SELECT count(*) FROM analyzed WHERE kind = 'error'")
check "discovery: every statement of the C module ($module_statements) and of waitroomd ($daemon_statements) analyzes ($errors errors)" \
  test "$errors" = 0 -a "$module_statements" -gt 0 -a "$daemon_statements" -gt 0
[ "$errors" = 0 ] || q -d discover -c "SELECT source, signature, left(statement, 120) FROM analyzed WHERE kind = 'error'" | indent
note "utility statements skipped: $(q -d discover -c "SELECT coalesce(string_agg(DISTINCT signature, ', '), 'none') FROM analyzed WHERE kind = 'utility'")"

q -d discover -c "CREATE TABLE target AS
    SELECT DISTINCT kind, signature FROM (
        SELECT kind, signature FROM recorded WHERE kind <> 'statement'
        UNION ALL SELECT kind, signature FROM analyzed WHERE kind NOT IN ('error', 'utility')) u
     WHERE signature LIKE 'pg\\_catalog.%'"
q -d discover -c "\\copy target TO '$work/target.tsv'"
enumerated=$(q -d discover -c "SELECT count(*) FROM target")
note "enumerated from $recorded_statements recorded nested statements, $module_statements C-module and $daemon_statements waitroomd statements:" \
     "$(q -d discover -c "SELECT string_agg(n || ' ' || kind, ', ') FROM (SELECT kind, count(*) n FROM target GROUP BY kind ORDER BY kind) k") (pg_catalog)"
check "discovery: waitroom's statements use pg_catalog routines ($enumerated enumerated)" test "$enumerated" -gt 0
q -d discover -c "SELECT kind || ': ' || string_agg(replace(signature, 'pg_catalog.', ''), ' ' ORDER BY signature)
                    FROM target GROUP BY kind ORDER BY kind" | indent

# ------------------------------------------------------------------ 2. plant
# The C functions' pins, reset in "control" as they were before the fix (the triggers had none).
c_functions="SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass
               AND d.objid = p.oid AND d.deptype = 'e'
              JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'waitroom'
             WHERE p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
               AND p.proname NOT IN ('_statements', '_routines_used', '_record_routines', '_recorded_routines')
             ORDER BY 1"
# "before": the pins as they were before the fix (fd8b6c7): waitroom, pg_catalog, and none on
# the three stock trigger functions.
extension_functions="SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass
                       AND d.objid = p.oid AND d.deptype = 'e'
                      JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'waitroom' ORDER BY 1"
for db in hijack before control; do
  setup_db "$db" || { not_ok "database $db"; finish; }
  if [ "$db" = control ]; then
    reset=$(q -d control -c "$c_functions" | while read -r f; do
              q -d control -c "ALTER FUNCTION $f RESET search_path" && echo "$f"; done)
    note "control: search_path reset on $(wc -l <<<"$reset") C functions: $(tr '\n' ' ' <<<"$reset")"
  elif [ "$db" = before ]; then
    q -d before -c "SELECT f FROM ($extension_functions) x (f) WHERE (SELECT prokind FROM pg_proc WHERE oid = f) <> 'p'" |
      while read -r f; do
        case $f in
          waitroom._stock_row_raised\(\)|waitroom._stock_row_updating\(\)|waitroom._stock_changed\(\))
            q -d before -c "ALTER FUNCTION $f RESET search_path" ;;
          *) q -d before -c "ALTER FUNCTION $f SET search_path = waitroom, pg_catalog" ;;
        esac
      done
  fi
  wr_psql -q -d "$db" -f "$SP/plant.sql" >/dev/null &&
    q -d "$db" -c "\\copy public.hijack_target FROM '$work/target.tsv'" &&
    q -d "$db" -c "SELECT public.hijack_plant_all()" >/dev/null || { not_ok "$db: planting"; finish; }
done
planted=$(q -d hijack -c "SELECT count(*) FROM public.hijack_planted WHERE outcome = 'planted'")
unplantable=$(q -d hijack -c "SELECT count(*) FROM public.hijack_planted WHERE outcome <> 'planted'")
note "planted $planted of $enumerated; not plantable ($unplantable):"
q -d hijack -c "SELECT kind || ' ' || signature || ': ' || outcome FROM public.hijack_planted
                 WHERE outcome <> 'planted' ORDER BY 1" | indent
check "the routines named in the issue are planted (text =, unnest(anyarray), now())" \
  test "$(q -d hijack -c "SELECT count(*) FROM public.hijack_planted WHERE outcome = 'planted' AND signature IN
            ('pg_catalog.=(pg_catalog.text,pg_catalog.text)', 'pg_catalog.unnest(pg_catalog.anyarray)', 'pg_catalog.now()')")" = 3
probe=$(PGOPTIONS=$HIJACK_PATH q -d hijack -c "SELECT pg_catalog.count(*) FROM public.hijack_log" \
            -c "SELECT 'a'::text = 'a'" -c "SELECT pg_catalog.count(*) FROM public.hijack_log" 2>/dev/null | tr '\n' ' ')
check "a planted override resolves first under search_path = public, pg_catalog, and is logged ($probe)" \
  test "$probe" = "0 t 1 "
q -d hijack -c "TRUNCATE public.hijack_log"

# ------------------------------------------------------------------ 3. the workload as the three roles
# The workload under the hijacker's path, each part in a session of its role that first plants
# the TEMP views; results in $work/DB.*. hijack_run DB [placing|errors-go-on]: both go on past
# errors; with "placing", the orders are placed under the default path (pg_catalog first) and
# served under the hijacker's.
hijack_run() {
  local db=$1 placing=${2:-} rc=0 role
  log_offset=$(stat -c %s "$WR_CLUSTER_DIR/server.log")
  local -a app=(-f "$SP/app_place.sql" -f "$SP/app_serve.sql") more=()
  if [ "$placing" = placing ]; then
    app=(-c 'SET search_path = "$user", public' -f "$SP/app_place.sql" -c 'RESET search_path'
         -f "$SP/app_serve.sql")
  fi
  [ -n "$placing" ] && more=(-v ON_ERROR_STOP=0)
  for role in app reader daemon; do
    local -a files=(-f "$SP/$role.sql")
    [ "$role" = app ] && files=("${app[@]}")
    PGOPTIONS=$HIJACK_PATH wr_psql -d "$db" -U "sp_$role" "${more[@]}" -f "$SP/temp_views.sql" "${files[@]}" \
      >"$work/$db.$role.out" 2>"$work/$db.$role.err" || { rc=1; echo "$role" >>"$work/$db.failed"; }
  done
  # The procedures, which cannot pin a search_path: as the owner, the only one who may run them.
  PGOPTIONS=$HIJACK_PATH wr_psql -d "$db" "${more[@]}" -f "$SP/temp_views.sql" -f "$SP/owner.sql" \
    >"$work/$db.owner.out" 2>"$work/$db.owner.err" || { rc=1; echo "owner" >>"$work/$db.failed"; }
  run_daemon "$db" "sp-$db" || echo "waitroomd" >>"$work/$db.failed"
  return $rc
}
planted_calls() {  # DB: distinct planted routines called, from the log table, psql stderr and the server log
  { q -d "$1" -c "SELECT signature FROM public.hijack_log"
    { cat "$work/$1".*.err; tail -c +$((log_offset + 1)) "$WR_CLUSTER_DIR/server.log"; } |
      sed -n "s/.*\(waitroom-hijack\|caller-own-call\): \(.*\) (db $1, user .*/\2/p"
  } | sort -u | sed '/^$/d'
}
hijack_run hijack
workload_ran() {  # DB
  check "$1: the workload runs as sp_app, sp_reader, sp_daemon, the owner and waitroomd" test ! -s "$work/$1.failed"
  [ -s "$work/$1.failed" ] && for f in "$work/$1".*.err "$work/sp-$1.err"; do
    note "--- $f"; grep -v '^DETAIL\|^SQL statement\|^PL/pgSQL function\|^CONTEXT' "$f" | tail -5 | indent; done
}
show_calls() {  # DB: each planted routine called, with where it was called from (first call)
  q -d "$1" -c "SELECT DISTINCT ON (signature) who || ' called ' || signature || ' from: '
                       || coalesce(nullif(regexp_replace(split_part(context, E'\n', 4), '\s+', ' ', 'g'), ''),
                                   'a statement the session sent itself')
                  FROM public.hijack_log ORDER BY signature, at" | indent
}
workload_ran hijack
hijack_calls=$(planted_calls hijack)
hijack_count=$(grep -c . <<<"$hijack_calls")
check "hijack: no planted routine is called ($hijack_count called)" test "$hijack_count" = 0
[ "$hijack_count" = 0 ] || { indent <<<"$hijack_calls"; show_calls hijack; }
check "hijack: no WARNING 'waitroom-hijack' in psql stderr or the server log" \
  bash -c "! { tail -c +$((log_offset + 1)) '$WR_CLUSTER_DIR/server.log'; cat $work/hijack.*.err; } | grep -q 'waitroom-hijack: .*(db hijack'"
work_done="SELECT (SELECT count(*) FROM waitroom.routing_plan p JOIN waitroom.routing_plan_line l USING (routing_plan_id)
                    WHERE p.status = 'WAITING' AND l.tenant_article_id IN ('sp-b', 'sp-c', 'sp-d', 'sp-e', 'sp-l', 'sp-g')),
                  (SELECT count(*) FROM waitroom.routing_plan WHERE run_type = 'REACTIVATION' AND status = 'ROUTED'),
                  (SELECT count(*) FROM waitroom.routing_plan WHERE run_type = 'MANUAL_ASSIGNMENT'),
                  (SELECT count(*) FROM waitroom.orders WHERE status = 'CANCELLED'),
                  (SELECT count(*) FROM waitroom.delivery WHERE delivered_by = 'sp-hijack'),
                  (SELECT count(*) FROM waitroom.delivery WHERE delivered_by = 'search-path' AND state = 'delivered'),
                  (SELECT count(*) FROM waitroom.delivery WHERE state = 'dead')"
IFS='|' read -r still_waiting reactivated assigned cancelled daemon_delivered acked dead <<<"$(q -d hijack -c "$work_done")"
check "hijack: the waiting room was served (waiting lines left on restocked articles: $still_waiting, reactivated plans: $reactivated)" \
  test "$still_waiting" = 0 -a "$reactivated" -ge 6
check "hijack: manual assignment and cancels happened ($assigned assigned plans, $cancelled cancelled orders)" \
  test "$assigned" -ge 2 -a "$cancelled" -ge 2
check "hijack: events delivered ($acked acknowledged by hand, $daemon_delivered by waitroomd, $dead dead letters)" \
  test "$acked" -gt 0 -a "$daemon_delivered" -gt 0 -a "$dead" -ge 1

# ------------------------------------------------------------------ before the fix, and a negative control
expect_planted_calls() {  # DB LABEL: after hijack_run DB, planted routines must have been called
  note "$1: errors of the workload:"
  cat "$work/$1".*.err | grep 'ERROR' | sort | uniq -c | indent
  local calls
  calls=$(planted_calls "$1")
  called=$(grep -c . <<<"$calls")
  check "$1 ($2): planted routines are called ($called distinct)" test "$called" -gt 0
  show_calls "$1"
}
# The same workload with the pins as they were before the fix: the check fails there (a TEMP
# view read in place of a table, besides the planted routines).
hijack_run before errors-go-on
expect_planted_calls before "pins as before the fix"
before_count=$called

# Without the pins place_order cannot run under the hijacker's path at all: its insert's
# ON CONFLICT no longer finds its arbiter index (the predicate's `=` is now public's).
probe=$(PGOPTIONS=$HIJACK_PATH wr_psql -d control -U sp_app -At -c "SELECT waitroom.place_order(
          '{\"tenantOrderId\": \"SP-PROBE\", \"orderLineItems\": [{\"tenantArticleId\": \"x\", \"quantity\": 1}]}') IS NOT NULL" 2>&1)
note "control: place_order under the hijacker's path: $(grep -o 'ERROR.*' <<<"$probe" || echo "$probe")"
# So the control places its orders under the default path and serves them (restocks, listing
# and facility changes, cancels, release_due, ...) under the hijacker's, going on past errors.
hijack_run control placing
expect_planted_calls control "C functions' pins reset"
control_count=$called
check "control: the WARNING 'waitroom-hijack' reaches the server log" \
  bash -c "tail -c +$((log_offset + 1)) '$WR_CLUSTER_DIR/server.log' | grep -q 'waitroom-hijack: .*(db control'"
note "figures (distinct planted routines called): hijack (pinned) $hijack_count; before (pre-fix pins) $before_count; control (C pins reset) $control_count"

# ------------------------------------------------------------------ the invariants after the workload
violations=$(q -d hijack -U sp_reader -c "SELECT invariant || ': ' || subject || ': ' || detail
                                           FROM waitroom.check_invariants()" 2>&1)
check "hijack: after the workload, check_invariants() as sp_reader finds no violation" test -z "$violations"
[ -z "$violations" ] || head -10 <<<"$violations" | indent

# ------------------------------------------------------------------ 4. the catalog
pins="SELECT p.oid::regprocedure, p.prosecdef,
             coalesce((SELECT c FROM unnest(p.proconfig) c WHERE c LIKE 'search\\_path=%'), '(none)')
        FROM pg_proc p WHERE p.oid IN ($extension_functions) ORDER BY 1"
unpinned=$(q -d hijack -F ' ' -c "SELECT * FROM ($pins) f (fn, definer, path)
                                     WHERE path !~ '(^|[ ,])pg_temp\$'
                                       AND (SELECT prokind FROM pg_proc WHERE oid = f.fn) <> 'p'")
functions=$(q -d hijack -c "SELECT count(*) FROM ($pins) f")
check "every function of the extension ($functions) pins a search_path that ends with pg_temp" \
  test -z "$unpinned" -a "$functions" -gt 0
[ -z "$unpinned" ] || indent <<<"$unpinned"
# A procedure that commits cannot pin one (no SET clause): each runs as its caller (no owner's
# rights for a planted routine to borrow), is run by owner.sql above under the hijacker's path
# (no planted routine called: checked with the rest), and no waitroom role may run it.
procedures=$(q -d hijack -c "SELECT p.oid::regprocedure FROM pg_proc p WHERE p.oid IN ($extension_functions)
                              AND p.prokind = 'p' ORDER BY 1")
unsafe=$(q -d hijack -c "SELECT p.oid::regprocedure || CASE WHEN p.prosecdef THEN ' SECURITY DEFINER' ELSE '' END
                                || coalesce(' run by ' || (SELECT string_agg(r, ', ') FROM unnest(ARRAY['waitroom_app',
                                     'waitroom_reader', 'waitroom_daemon']) r
                                   WHERE has_function_privilege(r, p.oid, 'EXECUTE')), '')
                           FROM pg_proc p WHERE p.oid IN ($extension_functions) AND p.prokind = 'p'
                            AND (p.prosecdef OR has_function_privilege('waitroom_app', p.oid, 'EXECUTE')
                                 OR has_function_privilege('waitroom_reader', p.oid, 'EXECUTE')
                                 OR has_function_privilege('waitroom_daemon', p.oid, 'EXECUTE')
                                 OR p.oid::regprocedure::text NOT IN (
                                      'waitroom.release_due_all_tenants(timestamp with time zone,bigint)',
                                      'waitroom.reroute_all_tenants(bigint)'))")
check "the procedures ($(paste -sd ' ' <<<"$procedures")) run as their caller, only the owner's, each run by owner.sql" \
  test -z "$unsafe"
[ -z "$unsafe" ] || indent <<<"$unsafe"
note "functions, SECURITY DEFINER, search_path:"
q -d hijack -F ' | ' -c "$pins" | indent

finish
