#!/usr/bin/env bash
# Suite 52: ALTER EXTENSION waitroom UPDATE from the previous version (0.2.0; each released
# version's install script is frozen in test/upgrade/waitroom--X.Y.Z.sql, WR_UPGRADE_FROM picks
# another) to the current version, with the current waitroom.so:
#   a. the upgraded schema equals a fresh install: the extension's members and everything of
#      the schema waitroom as catalog facts (test/upgrade/schema.sql), `pg_dump --schema-only
#      --binary-upgrade` (which, unlike the plain one, prints the members) with OIDs and xids
#      normalised, and the roles (test/upgrade/roles.sql); in a database mid-flow
#      (test/dump/midflow.sql, loaded with 0.1.0) and in an empty one. A sabotaged upgrade
#      script (a grant and an index forgotten) must fail both comparisons, naming them.
#   b. the mid-flow data is intact: every row of every table in the columns 0.1.0 had, every
#      sequence, order_json() of every order; check_invariants() empty
#   c. the pgTAP suite (test/pgtap, unchanged) passes on the upgraded extension: with no
#      install script for the current version, each file's CREATE EXTENSION waitroom runs the
#      0.1.0 script and then the upgrade scripts (PostgreSQL's update path)
#   d. after the upgrade, new orders, a restock and the daemon's calls work
# and, before the UPDATE, that the current waitroom.so serves the 0.1.0 SQL objects (a server
# runs them so between `make install` and ALTER EXTENSION UPDATE). The mid-flow state is made
# with the current waitroom.so, or with WR_UPGRADE_FROM_SO (a waitroom.so built from v0.1.0)
# when given.
# The server runs from a private copy of the PostgreSQL installation (binaries copied, every
# other file linked; PostgreSQL finds its share and lib directories relative to its binary),
# whose extension directory holds this tree's build and the frozen 0.1.0 script: the shared
# installation, which other suites use at the same time, is not touched.
# Ends with "suite-result: P passed, F failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

pass=0; fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
finish() { echo "suite-result: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }
q() { local db=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
show() { sed 's/^/#   /' "$1" | head -"${2:-15}"; }

FROM_VERSION=${WR_UPGRADE_FROM:-0.2.0}
# Columns the upgrade drops by design (table.column): b. compares the rest.
# 0.2.0 -> 0.3.0: routing_strategy's one-row key `id` gives way to tenant_id.
DROPPED_COLUMNS="routing_strategy.id"
make -s -j2 >/dev/null || { not_ok "extension builds"; finish; }
TO_VERSION=$(sed -n "s/^default_version = '\(.*\)'/\1/p" waitroom.control)

# ---------------------------------------------------------------- the private installation
work=$(mktemp -d /tmp/waitroom-upgrade.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
root=$work/pg
bindir=$(pg_config --bindir); sharedir=$(pg_config --sharedir); pkglibdir=$(pg_config --pkglibdir)
mirror() {  # directory, then names to leave out: its entries linked into the private copy
  local dir=$1 f; shift
  mkdir -p "$root$dir"
  for f in "$dir"/*; do
    case " $* " in *" $(basename "$f") "*) continue;; esac
    ln -s "$f" "$root$dir/"
  done
}
mkdir -p "$root$bindir"
cp "$bindir"/postgres "$bindir"/pg_ctl "$bindir"/initdb "$root$bindir/"
mirror "$sharedir" extension
mirror "$sharedir/extension" $(cd "$sharedir/extension" && ls -d waitroom* 2>/dev/null)
mirror "$pkglibdir" waitroom.so
extdir=$root$sharedir/extension
cp waitroom.so "$work/waitroom.so"  # the current module, kept for the whole run
cp "$work/waitroom.so" "$root$pkglibdir/"
cp ./*.control sql/*--*.sql "$extdir/"  # waitroom's, and any extension shipped beside it
cp "test/upgrade/waitroom--$FROM_VERSION.sql" "$extdir/"
chmod -R a+rX "$work"
echo "# $FROM_VERSION -> $TO_VERSION; upgrade scripts: $(cd "$extdir" && ls waitroom--*--*.sql | tr '\n' ' ')"

export WR_PGBIN=$root$bindir
source test/lib/cluster.sh
wr_cluster_start || { not_ok "cluster starts"; finish; }
trap 'wr_cluster_stop; rm -rf "$work"' EXIT
libdir=$(q postgres "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'")
check "the server runs from the private copy (PKGLIBDIR $libdir)" test "$libdir" = "$root$pkglibdir"

schema() { wr_psql -At -d "$1" -f test/upgrade/schema.sql >"$work/$1.schema" 2>&1; }
roles() { wr_psql -At -d postgres -f test/upgrade/roles.sql >"$work/$1.roles" 2>&1; }
# The dump with what differs between any two databases normalised: OIDs and relfilenodes
# (binary_upgrade_set_next_*), xids, the extension's config table OIDs (schema.sql names
# them), a column's missing value (ADD COLUMN ... DEFAULT on an existing table), the
# placeholders of dropped columns and the block that recreates them (schema.sql numbers live
# columns), sequences' values (data), psql's random \restrict key, and the blank lines those
# leave (cat -s).
dump() {
  pg_dump --schema-only --binary-upgrade -d "$1" 2>"$work/$1.dump.err" | sed \
    -e '/binary_upgrade_set_next_/d' -e '/binary_upgrade_set_missing_value/d' -e '/pg\.dropped\./d' \
    -e '/^-- set missing value\.$/d' \
    -e '/^-- For binary upgrade, recreate dropped column\.$/,/^  AND attrelid = /d' \
    -e '/^SELECT pg_catalog\.setval(/d' -e 's/^\\\(un\)\{0,1\}restrict .*/\\\1restrict KEY/' \
    -e "s/\(binary_upgrade_create_empty_extension(.*\)'{[0-9,]*}'/\1'{config table oids}'/" \
    -e "s/^SET relfrozenxid = '[0-9]*', relminmxid = '[0-9]*'$/SET relfrozenxid = N, relminmxid = N/" \
    -e "s/^WHERE oid = '[0-9]*';$/WHERE oid = N;/" | cat -s >"$work/$1.dump"
}
same() {  # what, a, b: files $work/a.what and $work/b.what equal; else the difference shown
  diff "$work/$2.$1" "$work/$3.$1" >"$work/$3.$1.diff" && return 0
  echo "#   $1 of $3 (>) against $2 (<), $(grep -c '^[<>]' "$work/$3.$1.diff") lines differ:"
  show "$work/$3.$1.diff" "${4:-30}"; return 1
}

echo "# set up in ${SECONDS}s"
# ---------------------------------------------------------------- the fresh install
# First in the cluster, so its roles are made by it; then dropped with the database, so the
# upgrade's are made by 0.1.0 and its upgrade script.
q postgres "CREATE DATABASE fresh" && q fresh "CREATE EXTENSION waitroom"
schema fresh; dump fresh; roles fresh
members=$(grep -c '^member ' "$work/fresh.schema")
check "a fresh install lists $members members and $(wc -l <"$work/fresh.schema") schema facts" \
  test "$members" -gt 50 -a "$(grep -c "^extension waitroom: version $TO_VERSION," "$work/fresh.schema")" = 1
check "its binary-upgrade dump shows the members ($(grep -c '^ALTER EXTENSION waitroom ADD' "$work/fresh.dump") ALTER EXTENSION ADD)" \
  test "$(grep -c '^ALTER EXTENSION waitroom ADD' "$work/fresh.dump")" = "$members"
q postgres "DROP DATABASE fresh WITH (FORCE)" &&
  q postgres "DROP ROLE $(q postgres "SELECT string_agg(quote_ident(rolname), ', ') FROM pg_roles WHERE rolname LIKE 'waitroom\_%'")"

# ---------------------------------------------------------------- the mid-flow state, then UPDATE
# Made live with WR_UPGRADE_FROM_SO (a waitroom.so built from v$FROM_VERSION, as the server ran
# before the new version was installed) running test/dump/midflow.sql; else loaded from the state
# that module made, frozen in test/upgrade/midflow-$FROM_VERSION.sql (a data-only pg_dump, loaded
# as one transaction: its COPY switches waitroom's triggers off, 22_direct_writes.sql).
install_module() {  # a new file renamed into place: a backend still exiting keeps its mapping
  cp "$1" "$root$pkglibdir/.waitroom.so.new" && mv "$root$pkglibdir/.waitroom.so.new" "$root$pkglibdir/waitroom.so"
}
q postgres "CREATE DATABASE midflow"
q midflow "CREATE EXTENSION waitroom VERSION '$FROM_VERSION'"
if [ -n "${WR_UPGRADE_FROM_SO:-}" ]; then
  from_state="test/dump/midflow.sql run with $WR_UPGRADE_FROM_SO"
  install_module "$WR_UPGRADE_FROM_SO"
  wr_psql -d midflow -f test/dump/midflow.sql >"$work/midflow.out" 2>&1; loaded=$?
  install_module "$work/waitroom.so"
else
  from_state="test/upgrade/midflow-$FROM_VERSION.sql"
  wr_psql -1 -d midflow -f "$from_state" >"$work/midflow.out" 2>&1; loaded=$?
fi
# Between `make install` of the current module and ALTER EXTENSION UPDATE, a server runs the
# $FROM_VERSION SQL objects with it: 0.3.0's module refuses them (55000, naming the fix) rather
# than run them (their C functions take other arguments, their tables have no tenant_id), and
# the refused calls change nothing.
orders_before=$(q midflow "SELECT count(*) FROM waitroom.orders" 2>&1)
window=$(q midflow "DO \$\$ BEGIN
    PERFORM waitroom.place_order('{\"tenantOrderId\": \"before-update\", \"orderLineItems\": [
              {\"tenantArticleId\": \"shirt\", \"quantity\": 1}]}');
  EXCEPTION WHEN object_not_in_prerequisite_state THEN RAISE NOTICE 'refused 55000: %', SQLERRM;
  END \$\$" 2>&1)
restock=$(q midflow "UPDATE waitroom.stock SET on_hand = on_hand + 1 WHERE tenant_article_id = 'shirt'" 2>&1)
orders_after=$(q midflow "SELECT count(*) FROM waitroom.orders" 2>&1)
if [ "$loaded" != 0 ]; then
  not_ok "the mid-flow state with $FROM_VERSION ($from_state) cannot be made: b and d cannot run"
  grep -B2 -A3 ERROR "$work/midflow.out" | head -8 | sed 's/^/#   /'
  q midflow "ALTER EXTENSION waitroom UPDATE" >/dev/null 2>&1
  roles midflow
  check "a. the roles after the upgrade equal those a fresh install makes" same roles fresh midflow
else
  check "the current waitroom.so refuses a $FROM_VERSION database's calls until its UPDATE, changing nothing (orders $orders_before -> $orders_after): ${window//$'\n'/ }" \
    eval '[[ $window == *"refused 55000: "*"run ALTER EXTENSION waitroom UPDATE"* &&
            $restock == *"run ALTER EXTENSION waitroom UPDATE"* && $orders_before == "$orders_after" ]]'
  echo "# the mid-flow state: $from_state"
  echo "# mid-flow with $FROM_VERSION: $(q midflow "SELECT string_agg(status || ' ' || n, ', ' ORDER BY status)
                            FROM (SELECT status, count(*) n FROM waitroom.routing_plan GROUP BY 1) s") plans;" \
       "$(q midflow "SELECT count(*) FROM waitroom.pick_line WHERE short_quantity > 0") short picks;" \
       "$(q midflow "SELECT count(*) FROM waitroom.delivery WHERE state = 'pending'") pending deliveries;" \
       "$(q midflow "SELECT count(*) FROM waitroom.reroute_queue") deferred"
  # check_invariants() runs C (reroute_all() in its trial): only the live state's module can run
  # it; the frozen state was checked when it was made.
  if [ -n "${WR_UPGRADE_FROM_SO:-}" ]; then
    check "the $FROM_VERSION mid-flow state is consistent (check_invariants() empty)" \
      test -z "$(q midflow "SELECT * FROM waitroom.check_invariants()")"
  fi

  # The data as the old version has it: each table in its old columns (rows sorted as text), each
  # sequence, each order as order_json() returns it (without the tenantId 0.3.0 adds).
  q midflow "SELECT c.relname, string_agg(quote_ident(a.attname), ',' ORDER BY a.attnum)
               FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind = 'r'
                AND c.relname || '.' || a.attname <> ALL (string_to_array('$DROPPED_COLUMNS', ' '))
              GROUP BY 1 ORDER BY 1" >"$work/columns"
  q midflow "SELECT relname FROM pg_class WHERE relnamespace = 'waitroom'::regnamespace AND relkind = 'S' ORDER BY 1" >"$work/sequences"
  data() {  # database: its data in the old columns
    local db=$1 t cols
    while IFS='|' read -r t cols; do
      echo "== $t ($cols)"
      psql -X -At -d "$db" -c "COPY (SELECT $cols FROM waitroom.$t) TO STDOUT" 2>&1 | LC_ALL=C sort | sed "s/^/$t: /"
    done <"$work/columns"
    while read -r t; do
      echo "== sequence $t: $(q "$db" "SELECT last_value || ' ' || is_called FROM waitroom.$t" 2>&1)"
    done <"$work/sequences"
    echo "== order_json"
    q "$db" "SELECT o.order_id, waitroom.order_json(o.order_id) - 'tenantId' FROM waitroom.orders o ORDER BY 1" 2>&1
  }
  data midflow >"$work/before.data"
  rows=$(grep -vc '^==' "$work/before.data")

  updated=$(q midflow "ALTER EXTENSION waitroom UPDATE; SELECT extversion FROM pg_extension WHERE extname = 'waitroom'" 2>&1)
  check "ALTER EXTENSION waitroom UPDATE on the mid-flow database: $FROM_VERSION -> ${updated//$'\n'/ }" test "$updated" = "$TO_VERSION"
  roles midflow

  # a. the schema
  schema midflow; dump midflow
  check "a. mid-flow: the upgraded schema's facts equal a fresh install's" same schema fresh midflow
  check "a. mid-flow: the upgraded pg_dump --schema-only --binary-upgrade equals a fresh install's" same dump fresh midflow
  check "a. the roles after the upgrade equal those a fresh install makes" same roles fresh midflow

  # b. the data
  data midflow >"$work/after.data"
  check "b. every row of the mid-flow data ($rows rows, $(wc -l <"$work/columns") tables in their $FROM_VERSION columns, $(wc -l <"$work/sequences") sequences, order_json of $(q midflow "SELECT count(*) FROM waitroom.orders") orders) is unchanged" \
    same data before after
  check "b. check_invariants() is empty after the upgrade" test -z "$(q midflow "SELECT * FROM waitroom.check_invariants()" 2>&1)"

  # d. the upgraded database at work
  top=$(q midflow "SELECT max(plan_no) FROM waitroom.routing_plan")
  placed=$(q midflow "SELECT waitroom.place_order('{\"tenantOrderId\": \"after-upgrade\",
                        \"orderLineItems\": [{\"tenantArticleId\": \"shirt\", \"quantity\": 1}]}')->>'status'" 2>&1)
  new=$(q midflow "SELECT min(p.plan_no) || ' ' || min(p.status) FROM waitroom.routing_plan p JOIN waitroom.orders o USING (order_id)
                    WHERE o.tenant_order_id = 'after-upgrade'" 2>&1)
  check "d. a new order after the upgrade is placed ($placed), its plan ${new:-none} above plan_no $top" \
    test "${new#* }" = ROUTED -a "${new%% *}" -gt "$top" 2>/dev/null
  waiting=$(q midflow "SELECT count(*) FROM waitroom.routing_plan_line WHERE waiting AND tenant_article_id = 'lamp'")
  q midflow "INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('berlin', 'lamp', 100)" >"$work/restock.out" 2>&1
  left=$(q midflow "SELECT count(*) FROM waitroom.routing_plan_line WHERE waiting AND tenant_article_id = 'lamp'")
  check "d. a restock of lamp serves its $waiting waiting lines ($left left waiting)" test "$waiting" -gt 0 -a "$left" = 0
  released=$(q midflow "SET ROLE waitroom_daemon; SELECT waitroom.release_due()" 2>&1)
  claimed=$(q midflow "SET ROLE waitroom_daemon; SELECT count(*) FROM waitroom.claim_deliveries(false, 'stdout', 1000, 1000)" 2>&1 | tail -1)
  check "d. as waitroom_daemon, release_due() ($released) and claim_deliveries() ($claimed claimed) run" \
    test -n "$released" -a -z "${released//[0-9]/}" -a "${claimed:-0}" -gt 0 2>/dev/null
  check "d. check_invariants() is empty after the new order, the restock and the daemon's calls" \
    test -z "$(q midflow "SELECT * FROM waitroom.check_invariants()" 2>&1)"
fi

# An empty database, upgraded.
q postgres "CREATE DATABASE empty"
q empty "CREATE EXTENSION waitroom VERSION '$FROM_VERSION'; ALTER EXTENSION waitroom UPDATE"
schema empty; dump empty
check "a. empty: the upgraded schema's facts equal a fresh install's" same schema fresh empty
check "a. empty: the upgraded binary-upgrade dump equals a fresh install's" same dump fresh empty

# ---------------------------------------------------------------- the comparisons can fail
# The upgrade script with a grant and an index forgotten, as a piece might forget them.
cp "$extdir/waitroom--$FROM_VERSION--$TO_VERSION.sql" "$work/upgrade.sql"
cat >>"$extdir/waitroom--$FROM_VERSION--$TO_VERSION.sql" <<'SQL'
REVOKE EXECUTE ON FUNCTION waitroom.order_json(uuid, text) FROM waitroom_reader;
DROP INDEX waitroom.routing_plan_by_order;
SQL
q postgres "CREATE DATABASE sabotaged"
q sabotaged "CREATE EXTENSION waitroom VERSION '$FROM_VERSION'; ALTER EXTENSION waitroom UPDATE"
cp "$work/upgrade.sql" "$extdir/waitroom--$FROM_VERSION--$TO_VERSION.sql"
schema sabotaged; dump sabotaged
# Against the same upgrade without the sabotage, so that only what it forgot differs.
same schema empty sabotaged >/dev/null
named=$(grep '^[<>]' "$work/sabotaged.schema.diff" | grep -c 'order_json(\|routing_plan_by_order')
check "a. self-test: an upgrade that forgets a grant and an index differs in $(grep -c '^[<>]' "$work/sabotaged.schema.diff") facts, $named naming them" \
  test "$named" -ge 4 -a "$named" = "$(grep -c '^[<>]' "$work/sabotaged.schema.diff")"
same dump empty sabotaged >/dev/null
check "a. self-test: ... and its binary-upgrade dump differs in the index and the grant" \
  eval "grep -q '^< CREATE INDEX routing_plan_by_order ' '$work/sabotaged.dump.diff' &&
        grep -q '^< GRANT .* ON FUNCTION waitroom.order_json(.*) TO waitroom_reader' '$work/sabotaged.dump.diff'"

echo "# a, b, d and the self-test done at ${SECONDS}s"
# ---------------------------------------------------------------- c. pgTAP on the update path
rm "$extdir/waitroom--$TO_VERSION.sql"
path=$(q postgres "BEGIN; CREATE EXTENSION waitroom;
                   SELECT extversion FROM pg_extension WHERE extname = 'waitroom'; ROLLBACK" 2>&1)
check "c. with no $TO_VERSION install script, CREATE EXTENSION waitroom runs $FROM_VERSION and the update (version $path)" \
  test "$path" = "$TO_VERSION"
q postgres "CREATE EXTENSION pgtap"
pg_prove --verbose --ext .sql test/pgtap/ >"$work/pgtap.log" 2>&1
rc=$?
passed=$(grep -cE '^ok [0-9]+' "$work/pgtap.log")
failed=$(grep -E '^not ok [0-9]+' "$work/pgtap.log" | grep -vc '# TODO')
files=$(ls test/pgtap/*.sql | wc -l)
if [ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]; then
  ok "c. pgTAP on the upgraded extension: $files files, $passed assertions pass"
else
  not_ok "c. pgTAP on the upgraded extension: $files files, $passed assertions pass, $failed fail (pg_prove exit $rc)"
  grep -E '^not ok|Failed|Dubious|ERROR' "$work/pgtap.log" | head -20 | sed 's/^/#   /'
fi
pass=$((pass + passed)); fail=$((fail + failed))
echo "# pgTAP done at ${SECONDS}s"
finish
