#!/usr/bin/env bash
# Suite 50: pg_dump and pg_restore of a database mid-flow (test/dump/midflow.sql), and DROP
# EXTENSION. With no extra step:
#   1. every extension table and sequence is marked for pg_dump (pg_extension_config_dump)
#   2. `pg_dump -Fc` + `pg_restore -d new` (also with --disable-triggers, --single-transaction) and plain
#      `pg_dump | psql new` restore without an error, and every waitroom table and sequence of
#      the restored database equals the source, row for row
#   3. after the restore: check_invariants() is empty, a new order's plan_no is above the
#      restored ones, a restock serves the restored waiting plans, and as waitroom_daemon
#      release_due() drains the deferred reroute_queue and claim_deliveries() hands out the
#      restored pending deliveries; waitroomd (when built: suite 47 builds it) publishes them
#   4. DROP EXTENSION waitroom (CASCADE when a user's view and function depend on it) leaves
#      the database's catalog as it was before CREATE EXTENSION (test/dump/catalog.sql);
#      only the cluster's roles stay (SECURITY.md)
# Ends with "suite-result: P passed, F failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh

pass=0; fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
finish() { echo "suite-result: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }
q() { local db=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
show() { sed 's/^/#   /' "$1" | head -"${2:-15}"; }

make -s -j2 >/dev/null && make -s install >/dev/null || { not_ok "extension builds"; finish; }
wr_cluster_start || { not_ok "cluster starts"; finish; }
work=$(mktemp -d)
trap 'rm -rf "$work"; wr_cluster_stop' EXIT

q postgres "CREATE DATABASE src" && q postgres "CREATE DATABASE pristine"
wr_psql -d src -f test/dump/midflow.sql >"$work/midflow.out" 2>&1 || { show "$work/midflow.out"; not_ok "mid-flow state"; finish; }
echo "# source: $(q src "SELECT string_agg(status || ' ' || n, ', ' ORDER BY status)
                          FROM (SELECT status, count(*) n FROM waitroom.routing_plan GROUP BY 1) s") plans;" \
     "$(q src "SELECT count(*) FROM waitroom.delivery WHERE state = 'pending'") pending deliveries;" \
     "$(q src "SELECT count(*) FROM waitroom.reroute_queue") deferred"
check "the source is consistent (check_invariants() empty)" test -z "$(q src "SELECT * FROM waitroom.check_invariants()")"

# ---------------------------------------------------------------- 1. marks
# Extension tables and sequences that hold no user data and so are not dumped, each with why.
# (None today: every table and sequence of waitroom is state a restore needs.)
NOT_DUMPED=""
unmarked=$(q src "SELECT c.relname FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
                   WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'
                     AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'waitroom')
                     AND c.relkind IN ('r', 'S', 'p')
                     AND c.oid <> ALL (SELECT unnest(extconfig) FROM pg_extension WHERE extname = 'waitroom')
                     AND c.relname <> ALL (string_to_array('$NOT_DUMPED', ' '))
                   ORDER BY 1" | tr '\n' ' ')
members=$(q src "SELECT count(*) FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
                  WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND c.relkind IN ('r', 'S', 'p')
                    AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'waitroom')")
# Gaps whose fix is in files other helpers were editing when this suite was written (issue 12
# report): while the catalog still shows one, its checks print "not ok ... # TODO" and are not
# counted; once it is fixed they count like the rest.
#   reroute_queue  sql/src/30_waiting_room.sql must mark reroute_queue and its entry_id sequence
#   subscription   sql/src/50_outbox.sql dumps subscriptions but the built-in stdout row, so a
#                  change to it (paused, events, max_attempts) is lost
todo=""
grep -qw reroute_queue <<<"$unmarked" && todo="reroute_queue"
[ -n "$(q src "SELECT extcondition[array_position(extconfig, 'waitroom.subscription'::regclass)]
               FROM pg_extension WHERE extname = 'waitroom'")" ] && todo="$todo subscription"
todo_reason() { case $1 in reroute_queue) echo "reroute_queue is not marked (30_waiting_room.sql)";;
                          subscription) echo "the stdout subscription row is not dumped (50_outbox.sql)";; esac; }
check_todo() {  # gap, name, command...: check, or a TODO while the gap is open
  local gap=$1 name=$2; shift 2
  if ! grep -qw "$gap" <<<"$todo"; then check "$name" "$@"
  elif "$@"; then ok "$name (TODO gap closed: $gap)"
  else echo "not ok - $name # TODO $(todo_reason "$gap")"; fi
}
marked_but_todo=$(tr ' ' '\n' <<<"$unmarked" | grep -v '^reroute_queue' | grep . | tr '\n' ' ')
check "every one of the $members extension tables and sequences is marked for pg_dump (unmarked: ${marked_but_todo:-none}$([ -n "$todo" ] && echo "; TODO below"))" \
  test -z "${marked_but_todo// /}"
check_todo reroute_queue "reroute_queue and its sequence are marked for pg_dump" test -z "$(grep -w reroute_queue <<<"$unmarked")"

# ---------------------------------------------------------------- 2. dump and restore
pg_dump -Fc -d src -f "$work/src.fc" 2>"$work/dump.err"
pg_dump -d src -f "$work/src.sql" 2>>"$work/dump.err"
restore() {  # name, then the restore command (stdout and stderr kept)
  local db=$1; shift
  q postgres "CREATE DATABASE $db"
  "$@" >"$work/$db.out" 2>&1
  local rc=$?
  [ "$rc" = 0 ] && ! grep -qiE 'error|warning' "$work/$db.out" && return 0
  echo "#   exit $rc"; show "$work/$db.out" 8; return 1
}
check "pg_restore -d new of pg_dump -Fc: no error, no step before or after" \
  restore r_fc pg_restore -d r_fc "$work/src.fc"
check "pg_restore --disable-triggers -d new of pg_dump -Fc: no error" \
  restore r_dt pg_restore --disable-triggers -d r_dt "$work/src.fc"
check "pg_restore --single-transaction -d new of pg_dump -Fc: no error" \
  restore r_one pg_restore --single-transaction -d r_one "$work/src.fc"
check "psql -d new -f of a plain pg_dump: no error (ON_ERROR_STOP)" \
  restore r_plain psql -X -q -v ON_ERROR_STOP=1 -d r_plain -f "$work/src.sql"

tables=$(q src "SELECT relname FROM pg_class WHERE relnamespace = 'waitroom'::regnamespace AND relkind = 'r' ORDER BY 1")
state() {  # database, tables: the tables row by row, and their sequences
  local db=$1 t; shift
  for t in "$@"; do
    echo "== $t"
    psql -X -At -d "$db" -c "COPY (SELECT * FROM waitroom.$t t ORDER BY t) TO STDOUT" 2>&1
    q "$db" "SELECT s.relname, p.last_value FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
              JOIN pg_sequences p ON p.schemaname = 'waitroom' AND p.sequencename = s.relname
             WHERE d.refobjid = 'waitroom.$t'::regclass AND s.relkind = 'S' ORDER BY 1" 2>&1
  done
}
same_state() {  # database, tables
  local db=$1; shift
  state src "$@" >"$work/src.state"; state "$db" "$@" >"$work/$db.state"
  diff "$work/src.state" "$work/$db.state" >"$work/$db.diff" && return 0
  show "$work/$db.diff" 12; return 1
}
rows=$(state src $tables | grep -vc '^==')
for db in r_fc r_dt r_one r_plain; do
  check "$db equals the source row by row in every table ($rows rows)$([ -n "$todo" ] && echo ", but$todo,") and sequence" \
    same_state "$db" $(tr ' ' '\n' <<<"$tables" | grep -vxF -f <(tr ' ' '\n' <<<"$todo" | grep .))
  for gap in $todo; do check_todo "$gap" "$db equals the source in $gap" same_state "$db" "$gap"; done
done

# ---------------------------------------------------------------- 3. after the restore
for db in r_fc r_plain; do
  check "$db: check_invariants() empty after the restore" test -z "$(q "$db" "SELECT * FROM waitroom.check_invariants()")"
  top=$(q "$db" "SELECT max(plan_no) FROM waitroom.routing_plan")
  order=$(q "$db" "SELECT waitroom.place_order('{\"tenantOrderId\": \"after-restore\",
                      \"orderLineItems\": [{\"tenantArticleId\": \"shirt\", \"quantity\": 1}]}')->>'orderId'" 2>&1)
  new=$(q "$db" "SELECT min(plan_no) FROM waitroom.routing_plan WHERE order_id = '$order'" 2>&1)
  check "$db: a new order's plan gets plan_no $new, above the restored $top" test "${new:-0}" -gt "${top:-0}" 2>/dev/null
  # Counted before the restock: its pass drains the queue too.
  queued=$(q "$db" "SELECT count(*) FROM waitroom.reroute_queue")
  waiting=$(q "$db" "SELECT count(*) FROM waitroom.routing_plan_line WHERE waiting AND tenant_article_id = 'lamp'")
  q "$db" "INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('berlin', 'lamp', 100)" >/dev/null 2>&1
  left=$(q "$db" "SELECT count(*) FROM waitroom.routing_plan_line WHERE waiting AND tenant_article_id = 'lamp'")
  check "$db: a restock of lamp serves the $waiting restored waiting lamp lines ($left left waiting)" \
    test "$waiting" -gt 0 -a "$left" = 0
  released=$(q "$db" "SET ROLE waitroom_daemon; SELECT waitroom.release_due()" 2>&1)
  drained=$(q "$db" "SELECT count(*) FROM waitroom.reroute_queue")
  check "$db: release_due() as waitroom_daemon runs ($released)" test -n "$released" -a -z "${released//[0-9]/}"
  check_todo reroute_queue "$db: the restock and release_due() drain the $queued restored reroute_queue entries ($drained left)" \
    test "$queued" -gt 0 -a "$drained" = 0
  claimed=$(q "$db" "SET ROLE waitroom_daemon;
                     SELECT count(*) FROM waitroom.claim_deliveries(false, 'stdout', 1000, 1000)" 2>&1 | tail -1)
  pending=$(q "$db" "SELECT count(*) FROM waitroom.delivery d WHERE subscription_id = 'stdout' AND state = 'pending'")
  check "$db: claim_deliveries() as waitroom_daemon hands out all $pending pending stdout deliveries ($claimed)" \
    test "$claimed" = "$pending" -a "$pending" -gt 0
  check "$db: check_invariants() empty after the new order, the restock and the daemon's calls" \
    test -z "$(q "$db" "SELECT * FROM waitroom.check_invariants()")"
done

# waitroomd itself on the plain-format copy, when a build is at hand (suite 47 builds it
# earlier in test/run-all.sh): it publishes every pending stdout delivery.
WAITROOMD=${WAITROOMD:-build/service/waitroomd}
if [ -x "$WAITROOMD" ]; then
  q postgres "CREATE ROLE dump_daemon LOGIN IN ROLE waitroom_daemon"
  q r_plain "SELECT d.event_id, d.order_id FROM waitroom.delivery d
              WHERE d.subscription_id = 'stdout' AND d.state = 'pending' ORDER BY 1" | tr '|' '\t' >"$work/expected"
  PGUSER=dump_daemon PGDATABASE=r_plain "$WAITROOMD" --name restored --no-webhooks --http-port 0 \
    --poll-interval 0.2 >"$work/published.jsonl" 2>"$work/waitroomd.err" &
  daemon=$!
  for _ in $(seq 1 100); do
    [ "$(q r_plain "SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'stdout' AND state = 'pending'")" = 0 ] && break
    sleep 0.1
  done
  kill -TERM "$daemon"; wait "$daemon" 2>/dev/null
  summary=$(python3 test/daemon/check_delivery.py --expected "$work/expected" --stdout "$work/published.jsonl" --ordered)
  rc=$?
  check "waitroomd on the restored copy publishes its $(grep -c . "$work/expected") pending stdout events, in order per order ($summary)" \
    test "$rc" = 0
  [ "$rc" = 0 ] || show "$work/waitroomd.err" 5
else
  echo "# no waitroomd build at $WAITROOMD: its run on the restored copy is left out"
fi

# ---------------------------------------------------------------- 4. DROP EXTENSION
catalog() { wr_psql -At -d "$1" -f test/dump/catalog.sql >"$work/$1.catalog" || echo "catalog.sql failed in $1" >>"$work/$1.catalog"; }
catalog pristine
[ "$(grep -c . "$work/pristine.catalog")" -gt 1000 ] || { not_ok "test/dump/catalog.sql lists a database"; show "$work/pristine.catalog"; finish; }
q r_plain "DROP EXTENSION waitroom"
catalog r_plain
if diff "$work/pristine.catalog" "$work/r_plain.catalog" >"$work/drop.diff"; then
  ok "DROP EXTENSION waitroom leaves the catalog as before CREATE EXTENSION ($(wc -l <"$work/pristine.catalog") objects compared)"
else
  not_ok "DROP EXTENSION waitroom leaves nothing ($(grep -c '^>' "$work/drop.diff") objects left)"; show "$work/drop.diff" 12
fi
q r_fc "CREATE VIEW public.my_orders AS SELECT order_id, status FROM waitroom.orders;
        CREATE FUNCTION public.my_plan(p waitroom.routing_plan) RETURNS bigint LANGUAGE sql AS 'SELECT p.plan_no'"
refused=$(q r_fc "DROP EXTENSION waitroom" 2>&1)
check "DROP EXTENSION without CASCADE refuses while a user's view depends on it" grep -q 'depend' <<<"$refused"
q r_fc "DROP EXTENSION waitroom CASCADE" 2>/dev/null
catalog r_fc
if diff "$work/pristine.catalog" "$work/r_fc.catalog" >"$work/cascade.diff"; then
  ok "DROP EXTENSION waitroom CASCADE leaves the catalog as before CREATE EXTENSION"
else
  not_ok "DROP EXTENSION waitroom CASCADE leaves nothing ($(grep -c '^>' "$work/cascade.diff") objects left)"; show "$work/cascade.diff" 12
fi
roles=$(q postgres "SELECT string_agg(rolname, ' ' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'waitroom\_%'")
check "the roles stay, as SECURITY.md says ($roles)" test "$roles" = "waitroom_app waitroom_daemon waitroom_reader"
finish
