#!/usr/bin/env bash
# waitroom on a real Citus cluster (issue 13, SPEC §7): a coordinator and 2 workers as throwaway
# clusters (test/lib/citus_cluster.sh), Citus built from the copy vendored in vendor/citus
# (cached), waitroom built and installed from this tree. Proves on the real extension:
#   waitroom.distribute() (errors off the coordinator and without Citus, tables, reference
#   tables, delegated functions, sequence ranges, a second call), two tenants on different
#   workers, place_order delegated (EXPLAIN: one task on the tenant's worker; DEBUG "pushing
#   down"; the worker executed every statement locally), an app's BEGIN ... COMMIT, a restock
#   sent to the coordinator releasing the tenant's waiting plans on its worker in the same
#   transaction (ROLLBACK undoes it), no cross-tenant leakage, per-tenant invariants, and
#   waitroom.move_tenant() mid-flow while orders and restocks continue.
# Env: WR_PGBIN/DESTDIR as the other suites (source /work/notes/private-pg.sh NAME for a private
# install); CITUS_SOAK_SECONDS (default 6), the length of the flow around the move.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
suite_start=$SECONDS

pass=0 fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
note()   { echo "# $*"; }
show()   { sed 's/^/#   /' <<<"$1" | head -n "${2:-15}"; }
show_log() { note "--- $1"; tail -n "${2:-15}" "$1" | sed 's/^/#   /'; }
finish() {
  if [ "$fail" -gt 0 ] && [ -n "${WR_CITUS_DIR:-}" ]; then
    for f in "$WR_CITUS_DIR"/server*.log; do [ -f "$f" ] && show_log "$f" 10; done
  fi
  note "suite wall time $((SECONDS - suite_start)) s"
  echo "suite-result: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
}
tmp=$(mktemp -d /tmp/waitroom-citus-suite.XXXXXX)
chmod 755 "$tmp"

# ------------------------------------------------------------------ build and install
note "building Citus from vendor/citus (cached)"
start=$SECONDS
if bash vendor/citus/build.sh >"$tmp/citus-build.log" 2>&1; then
  ok "Citus builds from the vendored tarball and patches ($((SECONDS - start)) s: $(tail -1 "$tmp/citus-build.log"))"
else
  not_ok "Citus builds from the vendored tarball and patches"; show_log "$tmp/citus-build.log" 30
  finish
fi
if make -s -j2 >"$tmp/make.log" 2>&1 && make -s install >>"$tmp/make.log" 2>&1; then
  ok "waitroom builds and installs"
else
  not_ok "waitroom builds and installs"; show_log "$tmp/make.log" 30; finish
fi

# ------------------------------------------------------------------ cluster
# shellcheck source=../lib/citus_cluster.sh
source test/lib/citus_cluster.sh
note "starting a coordinator and 2 workers"
if ! wr_citus_start; then not_ok "cluster starts"; finish; fi
ok "coordinator + 2 workers start, citus on each"
# The workers' log_local_commands NOTICEs come back through the coordinator: not to the client.
export PGOPTIONS='-c client_min_messages=warning'
P() { wr_citus_psql "$@"; }
Q() { local i=$1; shift; P "$i" -AtX -c "$@"; }   # one value
C0=${WR_CITUS_PORTS[0]} W1=${WR_CITUS_PORTS[1]} W2=${WR_CITUS_PORTS[2]}
for i in 1 2; do  # the workers log what they execute locally and what they send elsewhere
  P "$i" -c "ALTER SYSTEM SET citus.log_local_commands = on" \
         -c "ALTER SYSTEM SET citus.log_remote_commands = on" \
         -c "ALTER SYSTEM SET log_min_messages = notice" -c "SELECT pg_reload_conf()" >/dev/null
done
json() {  # JSON PATH...: one value (list indexes as numbers)
  python3 -c 'import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$@"
}
sqlstate() { grep -oE 'ERROR:  [0-9A-Z]{5}' <<<"$1" | head -1 | cut -c9-; }

# ------------------------------------------------------------------ distribute(): refusals
P 0 -c "CREATE DATABASE plain" >/dev/null
P 0 -d plain -c "CREATE EXTENSION waitroom" >/dev/null
out=$(P 0 -d plain -v VERBOSITY=verbose -c "SELECT waitroom.distribute()" 2>&1)
check "distribute() without Citus: 55000, says so" \
  bash -c '[ "$(grep -oE "ERROR:  [0-9A-Z]{5}" <<<"$1" | cut -c9-)" = 55000 ] && grep -q "needs Citus" <<<"$1"' _ "$out"
P 0 -c "CREATE EXTENSION waitroom" >/dev/null || { not_ok "CREATE EXTENSION waitroom on the coordinator"; finish; }
check "CREATE EXTENSION on the coordinator reaches both workers" \
  test "$(Q 0 "SELECT string_agg(result, ',') FROM run_command_on_workers(
              \$\$SELECT extversion FROM pg_extension WHERE extname = 'waitroom'\$\$)")" = "0.3.0,0.3.0"
out=$(P 1 -v VERBOSITY=verbose -c "SELECT waitroom.distribute()" 2>&1)
check "distribute() on a worker: 55000, says to run it on the coordinator" \
  bash -c '[ "$(grep -oE "ERROR:  [0-9A-Z]{5}" <<<"$1" | cut -c9-)" = 55000 ] && grep -q "coordinator" <<<"$1"' _ "$out"

# ------------------------------------------------------------------ distribute()
t0=$SECONDS
out=$(Q 0 "SELECT waitroom.distribute()" 2>&1)
note "distribute(): $out ($((SECONDS - t0)) s)"
check "distribute() distributes every table and delegates the API" \
  grep -qE '^[0-9]+ tables distributed, 8 functions delegated' <<<"$out"
check "every table with tenant_id is hash-distributed by it, in one co-location group" \
  test "$(Q 0 "SELECT count(*) FILTER (WHERE p.partmethod IS DISTINCT FROM 'h'
                       OR column_to_column_name(c.oid, p.partkey) <> 'tenant_id')
                    || ' ' || count(DISTINCT p.colocationid) || ' ' || (count(*) >= 14)
                 FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
                 LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid
                WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind = 'r'")" = "0 1 true"
check "subscription and outbox_setting are reference tables" \
  test "$(Q 0 "SELECT string_agg(logicalrelid::text || ':' || partmethod::text, ',' ORDER BY 1)
                 FROM pg_dist_partition WHERE logicalrelid IN
                      ('waitroom.subscription'::regclass, 'waitroom.outbox_setting'::regclass)")" \
       = "waitroom.outbox_setting:n,waitroom.subscription:n"
check "the stdout subscription and the 'default' strategy row survived distribution" \
  test "$(Q 0 "SELECT (SELECT count(*) FROM waitroom.subscription WHERE subscription_id = 'stdout')
                 || ',' || (SELECT count(*) FROM waitroom.routing_strategy WHERE tenant_id = 'default')")" = "1,1"
check "delivery -> subscription foreign key is back (distributed -> reference)" \
  test "$(Q 0 "SELECT count(*) FROM pg_constraint WHERE conrelid = 'waitroom.delivery'::regclass
                 AND confrelid = 'waitroom.subscription'::regclass")" = 1
check "the delegated functions, each with its tenant argument and force_delegation" \
  test "$(Q 0 "SELECT count(*) FROM pg_dist_object o JOIN (VALUES
                   ('waitroom.place_order(jsonb, text)', 2), ('waitroom.order_json(uuid, text)', 2),
                   ('waitroom.reroute(uuid, text)', 2), ('waitroom.reroute_all(text)', 1),
                   ('waitroom.release_due(timestamptz, text)', 2),
                   ('waitroom.assign_facility(uuid, text, jsonb, text)', 4),
                   ('waitroom.cancel_order(uuid, jsonb, text)', 3), ('waitroom.explain(uuid, text)', 2))
                   AS f(fn, arg) ON o.objid = f.fn::regprocedure AND o.distribution_argument_index = f.arg - 1
                WHERE o.classid = 'pg_proc'::regclass AND o.force_delegation
                  AND o.colocationid = (SELECT colocationid FROM pg_dist_partition
                                         WHERE logicalrelid = 'waitroom.facility'::regclass)")" = 8
check "the stock triggers exist on every stock shard (16 per worker)" \
  test "$(Q 0 "SELECT string_agg(result, ',') FROM run_command_on_workers(\$\$
            SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'zz_stock_row_updating%'
               AND tgrelid::regclass::text ~ '^waitroom\.stock_[0-9]+\$'\$\$)")" = "16,16"
seqs=$(Q 0 "SELECT string_agg(result, ',' ORDER BY nodeport) FROM run_command_on_workers(\$\$
  SELECT (SELECT groupid FROM pg_dist_local_group) || ':' || bool_and(
           pg_sequence_last_value(s) = (SELECT groupid FROM pg_dist_local_group)::bigint << 48)
    FROM unnest(ARRAY['waitroom.event_event_id_seq', 'waitroom.routing_plan_plan_no_seq']::regclass[]) s\$\$)")
check "each worker's event_id and plan_no sequences start at groupid << 48 ($seqs)" \
  bash -c '[[ "$1" =~ ^[12]:true,[12]:true$ ]]' _ "$seqs"
out=$(Q 0 "SELECT waitroom.distribute()" 2>&1)
check "a second distribute() changes no table and is harmless ($out)" \
  grep -q '^0 tables distributed, 8 functions delegated' <<<"$out"

port_of() {
  Q 0 "SELECT nodeport FROM pg_dist_shard_placement
        WHERE shardid = get_shard_id_for_distribution_column('waitroom.facility', '$1')"
}

# ------------------------------------------------------------------ pgTAP through the coordinator
# The routing and waiting-room files, each as tenant 'default' and as a tenant on the other
# worker (test/citus/pgtap-on-citus.sh), on the empty distributed install. Each must run every
# assertion it plans and pass it (32_tenants names its own tenants, a and b on different
# workers here, and runs the same either way). Every distinct error is listed.
# shellcheck source=pgtap-on-citus.sh
source test/citus/pgtap-on-citus.sh
P 0 -c "CREATE EXTENSION IF NOT EXISTS pgtap" >/dev/null 2>&1
TD=default TO=
for t in tap1 tap2 tap3 tap4 tap5 tap6 tap7 tap8 tap9; do
  [ "$(port_of "$t")" != "$(port_of default)" ] && { TO=$t; break; }
done
note "pgTAP tenants: default on port $(port_of default), $TO on port $(port_of "$TO")"
for f in 02_routing 10_restock 12_preorder 15_spec_s3_routing 15_spec_s4_waiting_room 32_tenants; do
  for t in "$TD" "$TO"; do
    start=$SECONDS
    wr_pgtap_on_citus "$t" "test/pgtap/$f.sql" "$tmp/tap-$f-$t.out"
    okn=$(grep -c '^ok' "$tmp/tap-$f-$t.out") notok=$(grep -c '^not ok' "$tmp/tap-$f-$t.out")
    planned=$(grep -m1 -oE '^1\.\.[0-9]+' "$tmp/tap-$f-$t.out" | cut -c4-)
    failed=$(grep '^not ok' "$tmp/tap-$f-$t.out" | sed -E 's/^not ok [0-9]+ - //' | paste -sd '|')
    check "pgTAP $f as '$t' through the coordinator: $okn of ${planned:-?} pass, $notok fail${failed:+ ($failed)}, $((${planned:-0} - okn - notok)) not run ($((SECONDS - start)) s)" \
      test -n "$planned" -a "$okn" = "${planned:-x}" -a "$notok" = 0
    [ "$notok" = 0 ] || show "$(grep -E -A6 '^not ok|ERROR' "$tmp/tap-$f-$t.out")" 30
  done
done
if cat "$tmp"/tap-*.out | grep -qE '^(psql:[^ ]* )?ERROR'; then
  note "pgTAP on Citus: distinct errors (count, message):"
  cat "$tmp"/tap-*.out | grep -E '^(psql:[^ ]* )?ERROR' | sed -E 's/^psql:[^ ]* //; s/[0-9a-f]{8}-[0-9a-f-]{27}/<uuid>/g; s/_[0-9]{6}"/_<shard>"/' |
    sort | uniq -c | sort -rn | head -12 | sed 's/^/#   /'
fi

# ------------------------------------------------------------------ two tenants, two workers
TA=acme TB=
for t in initech umbrella globex hooli stark wayne tyrell soylent cyberdyne; do
  [ "$(port_of "$t")" != "$(port_of "$TA")" ] && { TB=$t; break; }
done
PA=$(port_of "$TA") PB=$(port_of "$TB")
note "tenant $TA on port $PA, tenant $TB on port $PB"
check "two tenants placed on different workers" test -n "$TB" -a "$PA" != "$PB"
# The same facility refs, articles and tenantOrderIds in both tenants.
for t in "$TA" "$TB"; do
  P 0 >/dev/null <<SQL || not_ok "network of $t"
INSERT INTO waitroom.facility (facility_ref, tenant_id, lat, lon) VALUES ('F1', '$t', 48.1, 11.5), ('F2', '$t', 52.5, 13.4);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, tenant_id)
VALUES ('F1', 'A1', 'BACKORDER', '$t'), ('F2', 'A1', 'BACKORDER', '$t'), ('F1', 'A2', 'NONE', '$t');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand, tenant_id)
VALUES ('F1', 'A1', 0, '$t'), ('F2', 'A1', 0, '$t'), ('F1', 'A2', 1000000, '$t');
INSERT INTO waitroom.routing_strategy (tenant_id, use_waiting_room_for_pre_back_order_items) VALUES ('$t', true);
SQL
done
body() {  # TENANT_ORDER_ID ARTICLE QTY
  echo "{\"tenantOrderId\":\"$1\",\"orderLineItems\":[{\"id\":\"1\",\"tenantArticleId\":\"$2\",\"quantity\":${3:-1}}]}"
}

# ------------------------------------------------------------------ delegation
ra=$(Q 0 "SELECT waitroom.place_order('$(body o1 A1)', '$TA')")
rb=$(Q 0 "SELECT waitroom.place_order('$(body o1 A1)', '$TB')")
check "place_order(order, '$TA') and (order, '$TB'): the same tenantOrderId, each waits in its tenant" \
  test "$(json "$ra" tenantId)/$(json "$ra" routingPlans 0 status),$(json "$rb" tenantId)/$(json "$rb" routingPlans 0 status)" \
       = "$TA/WAITING,$TB/WAITING"
plan=$(Q 0 "EXPLAIN (COSTS OFF) SELECT waitroom.place_order('$(body x A2)', '$TB')")
check "EXPLAIN place_order(order, '$TB'): one task, on $TB's worker" \
  bash -c 'grep -q "Task Count: 1" <<<"$1" && grep -q "port=$2 " <<<"$1"' _ "$plan" "$PB"
wb=$(wr_citus_node_of_port "$PB")
log_before=$(wc -l <"$WR_CITUS_DIR/server$wb.log")
dbg=$(P 0 -c "SET client_min_messages = debug1" -c "SELECT waitroom.place_order('$(body o2 A2)', '$TB')" 2>&1)
check "DEBUG1: 'pushing down the function call'" grep -q 'pushing down the function call' <<<"$dbg"
sleep 0.3
call_log=$(tail -n +"$((log_before + 1))" "$WR_CITUS_DIR/server$wb.log")
check "$TB's worker executed the call's statements locally (citus.log_local_commands)" \
  grep -q 'executing the command locally: INSERT INTO waitroom.orders_[0-9]* ' <<<"$call_log"
check "... and sent none of them to another node (no 'issuing' of waitroom statements)" \
  bash -c '! grep -q "issuing .*waitroom\." <<<"$1"' _ "$call_log"
grep -q "issuing .*waitroom\." <<<"$call_log" && show "$(grep "issuing" <<<"$call_log")" 5
for f in order_json explain; do
  r=$(Q 0 "EXPLAIN (COSTS OFF) SELECT waitroom.$f('$(json "$ra" orderId)'::uuid, '$TA')")
  check "EXPLAIN $f(order_id, '$TA'): one task on $TA's worker" \
    bash -c 'grep -q "Task Count: 1" <<<"$1" && grep -q "port=$2 " <<<"$1"' _ "$r" "$PA"
done

# An app's transaction: force_delegation pushes each call down inside BEGIN ... COMMIT.
tx=$(P 0 -AtX 2>&1 <<SQL
SET client_min_messages = debug1;
BEGIN;
SELECT waitroom.place_order('$(body t1 A2)', '$TA');
SELECT waitroom.place_order('$(body t2 A1)', '$TA');
UPDATE waitroom.stock SET on_hand = on_hand WHERE tenant_id = '$TA' AND facility_ref = 'F1' AND tenant_article_id = 'A2';
COMMIT;
SELECT 'n', count(*) FROM waitroom.orders WHERE tenant_id = '$TA' AND tenant_order_id IN ('t1', 't2');
SQL
)
check "in BEGIN ... COMMIT, place_order(order, tenant) is pushed down (force_delegation)" \
  grep -q 'pushing down function call in a multi-statement transaction' <<<"$tx"
check "... and the transaction (two orders, a stock write, one tenant) commits" grep -qx 'n|2' <<<"$tx"
[ "$fail" -gt 0 ] && show "$(grep -v 'DEBUG' <<<"$tx")"
tx=$(P 0 -AtX 2>&1 <<SQL
BEGIN;
SELECT waitroom.place_order('$(body t3 A2)', '$TA')->>'status';
COMMIT;
SQL
)
check "a call wrapped in an expression is not delegated: run from the coordinator it fails at COMMIT (2PC refuses the NOTIFY)" \
  grep -q 'cannot PREPARE a transaction that has executed LISTEN, UNLISTEN, or NOTIFY' <<<"$tx"
tx=$(P 0 -AtX 2>&1 <<SQL
BEGIN;
SELECT waitroom.place_order('$(body x1 A2)', '$TA');
SELECT waitroom.place_order('$(body x1 A2)', '$TB');
COMMIT;
SQL
)
check "a transaction over tenants on two workers fails at COMMIT: 2PC refuses the NOTIFY (known limit)" \
  grep -q 'cannot PREPARE a transaction that has executed LISTEN, UNLISTEN, or NOTIFY' <<<"$tx"

# ------------------------------------------------------------------ restock through the coordinator
restock() {  # TENANT FACILITY ARTICLE ON_HAND
  echo "UPDATE waitroom.stock SET on_hand = $4 WHERE tenant_id = '$1' AND facility_ref = '$2' AND tenant_article_id = '$3';"
}
tx=$(P 0 -AtX 2>&1 <<SQL
BEGIN;
$(restock "$TA" F1 A1 5)
SELECT 'in-tx', p.status, p.facility_ref FROM waitroom.routing_plan p JOIN waitroom.orders o USING (tenant_id, order_id)
 WHERE tenant_id = '$TA' AND o.tenant_order_id = 'o1';
SELECT 'ev', string_agg(event, ',' ORDER BY event_id) FROM waitroom.event WHERE tenant_id = '$TA';
SELECT 'other', p.status FROM waitroom.routing_plan p JOIN waitroom.orders o USING (tenant_id, order_id)
 WHERE tenant_id = '$TB' AND o.tenant_order_id = 'o1';
ROLLBACK;
SELECT 'after', p.status FROM waitroom.routing_plan p JOIN waitroom.orders o USING (tenant_id, order_id)
 WHERE tenant_id = '$TA' AND o.tenant_order_id = 'o1';
SQL
)
check "a restock sent to the coordinator routes $TA's waiting plan in that transaction" grep -qx 'in-tx|ROUTED|F1' <<<"$tx"
check "... with its events (ROUTING_PLAN_ROUTED, PICK_JOB_CREATED) in the same transaction" \
  grep -qE '^ev\|.*ROUTING_PLAN_ROUTED,PICK_JOB_CREATED' <<<"$tx"
check "... $TB's plan with the same tenantOrderId and article stays WAITING" grep -qx 'other|WAITING' <<<"$tx"
check "... and ROLLBACK undoes it" grep -qx 'after|WAITING' <<<"$tx"
[ "$fail" -gt 0 ] && show "$tx"
wa=$(wr_citus_node_of_port "$PA")
log_before=$(wc -l <"$WR_CITUS_DIR/server$wa.log")
Q 0 "$(restock "$TA" F1 A1 5)" >/dev/null
sleep 0.3
call_log=$(tail -n +"$((log_before + 1))" "$WR_CITUS_DIR/server$wa.log")
check "committed: $TA's o1 ROUTED at F1, $TB's o1 still WAITING" \
  test "$(Q 0 "SELECT string_agg(p.tenant_id || ':' || p.status, ',' ORDER BY p.tenant_id = '$TA' DESC)
                 FROM waitroom.routing_plan p JOIN waitroom.orders o USING (tenant_id, order_id)
                WHERE p.tenant_id IN ('$TA', '$TB') AND o.tenant_order_id = 'o1'")" = "$TA:ROUTED,$TB:WAITING"
check "the stock trigger's pass ran locally on $TA's worker (routing_plan shard written locally)" \
  grep -q 'executing the command locally: .*waitroom.routing_plan_[0-9]*' <<<"$call_log"
check "... and sent nothing to another node" bash -c '! grep -q "issuing .*waitroom\." <<<"$1"' _ "$call_log"

# ------------------------------------------------------------------ no cross-tenant leakage
leak=$(Q 0 "SELECT count(*) FROM waitroom.event WHERE tenant_id IN ('$TA', '$TB')
             AND payload->>'tenantId' IS DISTINCT FROM tenant_id")
check "every event's payload names its own tenant" test "$leak" = 0
leak=$(Q 0 "SELECT count(*) FROM waitroom.pick_line WHERE tenant_id = '$TB' AND tenant_article_id = 'A1'")
check "$TB has no pick line of A1 ($TA's restock of A1 served only $TA)" test "$leak" = 0
check "$TB's A1 stock is untouched (on_hand 0, reserved 0)" \
  test "$(Q 0 "SELECT sum(on_hand) + sum(reserved) FROM waitroom.stock WHERE tenant_id = '$TB' AND tenant_article_id = 'A1'")" = 0

# Per-tenant invariants: every query names the tenant (router queries); the whole-database
# check_invariants() joins on non-distribution columns, which Citus cannot plan.
inv() {  # TENANT: violations, one line each
  Q 0 "SELECT 'reserved ' || s.facility_ref || '/' || s.tenant_article_id || ' ' || s.reserved || ' vs ' || coalesce(l.q, 0)
         FROM waitroom.stock s
         LEFT JOIN (SELECT pl.facility_ref, pl.tenant_article_id, sum(pl.quantity) AS q
                      FROM waitroom.pick_line pl JOIN waitroom.pick_job j USING (tenant_id, pick_job_id)
                     WHERE pl.tenant_id = '$1' AND j.status = 'OPEN' GROUP BY 1, 2) l
           USING (facility_ref, tenant_article_id)
        WHERE s.tenant_id = '$1' AND s.reserved <> coalesce(l.q, 0)
       UNION ALL
       SELECT 'oversell ' || facility_ref || '/' || tenant_article_id FROM waitroom.stock
        WHERE tenant_id = '$1' AND reserved > on_hand
       UNION ALL
       SELECT 'line ' || ol.order_id || '/' || ol.line_id FROM waitroom.order_line ol
         LEFT JOIN (SELECT l.order_id, l.line_id, sum(l.quantity) AS q
                      FROM waitroom.routing_plan_line l JOIN waitroom.routing_plan p USING (tenant_id, routing_plan_id)
                     WHERE l.tenant_id = '$1' AND p.status <> 'CANCELLED' GROUP BY 1, 2) x USING (order_id, line_id)
        WHERE ol.tenant_id = '$1' AND ol.quantity - ol.cancelled_quantity <> coalesce(x.q, 0)
       UNION ALL
       SELECT 'plan without event ' || p.routing_plan_id FROM waitroom.routing_plan p
        WHERE p.tenant_id = '$1' AND NOT EXISTS (SELECT FROM waitroom.event e WHERE e.tenant_id = '$1'
                AND e.order_id = p.order_id AND e.payload->>'routingPlanId' = p.routing_plan_id::text)
       UNION ALL
       SELECT 'event order ' || a.event_id FROM waitroom.event a JOIN waitroom.event b USING (tenant_id, order_id)
        WHERE a.tenant_id = '$1' AND a.event_id < b.event_id AND a.created_at > b.created_at" 2>&1
}
for t in "$TA" "$TB"; do
  v=$(inv "$t")
  check "invariants of $t hold (reserved = open pick lines, no oversell, line quantities, events, event order)" test -z "$v"
  [ -n "$v" ] && show "$v"
done

# ------------------------------------------------------------------ calls without the tenant
# distribute() made the SPEC §2 forms redirect: the tenant from the JSON or the row, then the
# delegated call (one statement sent to the tenant's worker).
P 0 -c "ALTER SYSTEM SET citus.log_remote_commands = on" -c "ALTER SYSTEM SET log_min_messages = notice" \
    -c "SELECT pg_reload_conf()" >/dev/null
log0=$(wc -l <"$WR_CITUS_DIR/server0.log")
r=$(Q 0 "SELECT waitroom.place_order('{\"tenantId\":\"$TB\",$(body j1 A2 | cut -c2-)')" 2>&1)
sleep 0.3
clog=$(tail -n +"$((log0 + 1))" "$WR_CITUS_DIR/server0.log")
check "place_order(order) with \"tenantId\" only: placed in $TB" test "$(json "$r" tenantId 2>/dev/null)" = "$TB"
check "... the coordinator sent one delegated call to $TB's worker and no other waitroom statement" \
  bash -c '[ "$(grep -c "issuing SELECT x FROM waitroom.place_order(" <<<"$1")" = 1 ] &&
           grep "issuing SELECT x FROM waitroom.place_order(" -A1 <<<"$1" | grep -q "127.0.0.1:$2" &&
           [ "$(grep "issuing" <<<"$1" | grep -v "place_order\|BEGIN\|COMMIT\|assign_distributed_transaction_id" | grep -c "waitroom\.")" = 0 ]' \
  _ "$clog" "$PB"
[ "$fail" -gt 0 ] && show "$(grep issuing <<<"$clog")" 8
oid=$(json "$r" orderId)
tx=$(P 0 -AtX 2>&1 <<SQL
BEGIN;
SELECT waitroom.place_order('{"tenantId":"$TB",$(body j2 A1 | cut -c2-)')->>'status';
SELECT waitroom.reroute('$oid')->>'tenantId';
SELECT waitroom.order_json('$oid')->>'tenantOrderId';
SELECT waitroom.explain('$oid')->>'tenantOrderId';
COMMIT;
SELECT 'n', count(*) FROM waitroom.orders WHERE tenant_id = '$TB' AND tenant_order_id IN ('j1', 'j2');
SQL
)
check "in BEGIN ... COMMIT: place_order(order), reroute(id), order_json(id), explain(id) of one tenant commit" \
  bash -c 'grep -qx "n|2" <<<"$1" && grep -qx "$2" <<<"$1" && [ "$(grep -cx j1 <<<"$1")" = 2 ]' _ "$tx" "$TB"
[ "$fail" -gt 0 ] && show "$tx"
r=$(Q 0 "SELECT waitroom.cancel_order('$oid')->>'status'" 2>&1)
check "cancel_order(id) without the tenant: redirected, CANCELLED" test "$r" = CANCELLED
out=$(P 0 -v VERBOSITY=verbose -c "SELECT waitroom.place_order('{\"tenantId\":7,\"tenantOrderId\":\"e\",\"orderLineItems\":[]}')" 2>&1)
check "an invalid tenantId still fails with 22023" test "$(sqlstate "$out")" = 22023
out=$(P 0 -v VERBOSITY=verbose -c "SELECT waitroom.reroute('00000000-0000-0000-0000-000000000001')" 2>&1)
check "an unknown order id still fails with P0002" test "$(sqlstate "$out")" = P0002

# ------------------------------------------------------------------ every tenant at once
# Waiting work in both tenants (stock raised with the triggers off on the workers), then the
# whole-cluster forms.
Q 0 "SELECT waitroom.place_order('$(body r1 A1 1)', '$TB')" >/dev/null
Q 0 "SELECT waitroom.place_order('$(body r1 A1 1000)', '$TA')" >/dev/null
P 0 >/dev/null 2>&1 <<SQL
SET citus.propagate_set_commands = 'local';
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE waitroom.stock SET on_hand = on_hand + 2000 WHERE tenant_article_id = 'A1' AND tenant_id IN ('$TA', '$TB') AND facility_ref = 'F2';
COMMIT;
SQL
out=$(Q 0 "SELECT waitroom.reroute_all()" 2>&1)
check "reroute_all() over tenants on two workers fails: 2PC refuses the NOTIFY (known limit)" \
  grep -q 'cannot PREPARE a transaction that has executed LISTEN' <<<"$out"
out=$(Q 0 "CALL waitroom.reroute_all_tenants()" 2>&1)
check "CALL waitroom.reroute_all_tenants(): one delegated call per tenant, each its own transaction ($out routed)" \
  bash -c '[[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 2 ]' _ "$out"
check "... nothing of $TA or $TB is left WAITING" \
  test "$(Q 0 "SELECT count(*) FROM waitroom.routing_plan WHERE tenant_id IN ('$TA', '$TB') AND status = 'WAITING'")" = 0
out=$(Q 0 "CALL waitroom.release_due_all_tenants()" 2>&1)
check "CALL waitroom.release_due_all_tenants() runs ($out)" bash -c '[[ "$1" =~ ^[0-9]+$ ]]' _ "$out"
Q 0 "SELECT waitroom.place_order('$(body r2 A1 100000)', '$TA')" >/dev/null
Q 0 "SELECT waitroom.place_order('$(body r2 A1 100000)', '$TB')" >/dev/null
out=$(Q 0 "UPDATE waitroom.stock SET on_hand = on_hand + 200000 WHERE tenant_article_id = 'A1' AND facility_ref = 'F1' AND tenant_id IN ('$TA', '$TB')" 2>&1)
check "one stock UPDATE serving waiting plans of tenants on two workers fails whole: 2PC refuses the NOTIFY (known limit; send it per tenant)" \
  bash -c 'grep -q "cannot PREPARE a transaction that has executed LISTEN" <<<"$1" && [ "$2" = 2 ]' \
  _ "$out" "$(Q 0 "SELECT count(*) FROM waitroom.routing_plan p JOIN waitroom.orders o USING (tenant_id, order_id)
                   WHERE p.tenant_id IN ('$TA', '$TB') AND o.tenant_order_id = 'r2' AND p.status = 'WAITING'")"
for t in "$TA" "$TB"; do
  Q 0 "UPDATE waitroom.stock SET on_hand = on_hand + 200000 WHERE tenant_article_id = 'A1' AND facility_ref = 'F1' AND tenant_id = '$t'" >/dev/null
done
check "... sent per tenant, each serves its tenant's plan" \
  test "$(Q 0 "SELECT count(*) FROM waitroom.routing_plan p JOIN waitroom.orders o USING (tenant_id, order_id)
                WHERE p.tenant_id IN ('$TA', '$TB') AND o.tenant_order_id = 'r2' AND p.status = 'ROUTED'")" = 2
check "check_invariants() through the coordinator (every tenant, multi-shard): no violation" \
  test "$(Q 0 "SELECT count(*) FROM waitroom.check_invariants()" 2>&1)" = 0
out=$(P 0 -AtX 2>&1 <<SQL
BEGIN;
UPDATE waitroom.stock SET reserved = reserved + 7 WHERE tenant_id = '$TB' AND facility_ref = 'F1' AND tenant_article_id = 'A2';
SELECT invariant, tenant_id FROM waitroom.check_invariants() ORDER BY 1;
ROLLBACK;
SQL
)
check "... and it sees a reservation planted on $TB's worker" grep -qx "reserved_matches_pick_lines|$TB" <<<"$out"

# ------------------------------------------------------------------ move a tenant mid-flow
soak=${CITUS_SOAK_SECONDS:-6}
dst=$PB; [ "$PA" = "$PB" ] && dst=$W1
# Orders (half wait for A1) and restocks of A1 for both tenants, each call its own
# transaction through the coordinator, until the stop file appears.
flow() {  # TENANT NAME
  local i=0 okc=0 errc=0
  while [ ! -f "$tmp/stop" ]; do
    i=$((i + 1))
    # The bare call (delegated); wrapped in an expression it would run on the coordinator.
    if Q 0 "SELECT waitroom.place_order('$(body "$2-$i" A1 1)', '$1')" >/dev/null 2>>"$tmp/flow-$2.err"; then
      echo "$2-$i" >>"$tmp/placed-$1"; okc=$((okc + 1)); else errc=$((errc + 1)); fi
    if [ $((i % 3)) = 0 ]; then
      Q 0 "UPDATE waitroom.stock SET on_hand = on_hand + 2 WHERE tenant_id = '$1' AND tenant_article_id = 'A1' AND facility_ref = 'F$((i % 2 + 1))'" \
        >/dev/null 2>>"$tmp/flow-$2.err" || errc=$((errc + 1))
    fi
  done
  echo "$okc $errc" >"$tmp/flow-$2.count"
}
rm -f "$tmp/stop"
flow "$TA" a & fa=$!
flow "$TB" b & fb=$!
sleep "$((soak / 2))"
e_before=$(Q 0 "SELECT max(event_id) FROM waitroom.event WHERE tenant_id = '$TA'")
t0=$SECONDS
mv=$(Q 0 "SELECT waitroom.move_tenant('$TA', '127.0.0.1', $dst)" 2>&1)
move_s=$((SECONDS - t0))
sleep "$((soak / 2))"
touch "$tmp/stop"; wait "$fa" "$fb"
note "flow: $TA placed/errors $(cat "$tmp/flow-a.count"), $TB $(cat "$tmp/flow-b.count"); move took ${move_s} s"
check "waitroom.move_tenant('$TA', .., $dst) mid-flow moves $TA's whole shard group" \
  bash -c '[ "$1" = t ] && [ "$2" = "$3" ]' _ "$mv" "$(port_of "$TA")" "$dst"
[ "$mv" != t ] && show "$mv"
# A call that meets the switch of the placement can fail whole (the node it was sent to
# forwards to the new one: two nodes, 2PC, which the NOTIFY refuses); the app retries it.
cat "$tmp"/flow-*.err >"$tmp/flow.err" 2>/dev/null
check "calls of the flow failed only whole, at most 2 per tenant, with the 2PC/NOTIFY error ($(cut -d' ' -f2 "$tmp/flow-a.count") + $(cut -d' ' -f2 "$tmp/flow-b.count"))" \
  bash -c '[ "$(cut -d" " -f2 "$1")" -le 2 ] && [ "$(cut -d" " -f2 "$2")" -le 2 ] &&
           ! grep "ERROR" "$3" | grep -qv "cannot PREPARE a transaction that has executed LISTEN"' \
  _ "$tmp/flow-a.count" "$tmp/flow-b.count" "$tmp/flow.err"
[ -s "$tmp/flow.err" ] && show "$(sort "$tmp/flow.err" | uniq -c | sort -rn)" 8
for t in "$TA" "$TB"; do
  want=$(sort -u "$tmp/placed-$t" 2>/dev/null | wc -l)
  got=$(Q 0 "SELECT count(*) FROM waitroom.orders WHERE tenant_id = '$t' AND tenant_order_id ~ '^[ab]-'")
  check "every order the flow placed for $t is there ($got of $want), none lost" test "$got" = "$want" -a "$want" -gt 0
done
e_after=$(json "$(Q 0 "SELECT waitroom.place_order('$(body m1 A2)', '$TA')")" orderId)
e_new=$(Q 0 "SELECT min(event_id) FROM waitroom.event WHERE tenant_id = '$TA' AND order_id = '$e_after'")
check "after the move $TA's new events get higher event_ids than its older ones ($e_new > $e_before)" \
  test "$e_new" -gt "$e_before"
check "... its calls are delegated to the new worker" \
  grep -q "port=$dst " <<<"$(Q 0 "EXPLAIN (COSTS OFF) SELECT waitroom.place_order('{}', '$TA')")"
P 0 -c "INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, tenant_id) VALUES ('F2', 'A3', 'BACKORDER', '$TA')" \
    -c "INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand, tenant_id) VALUES ('F2', 'A3', 0, '$TA')" >/dev/null
w=$(json "$(Q 0 "SELECT waitroom.place_order('$(body w1 A3 5)', '$TA')")" routingPlans 0 status)
tx=$(P 0 -AtX 2>&1 <<SQL
$(restock "$TA" F2 A3 5)
SELECT p.status FROM waitroom.routing_plan p JOIN waitroom.orders o USING (tenant_id, order_id)
 WHERE p.tenant_id = '$TA' AND o.tenant_order_id = 'w1' AND p.status = 'ROUTED';
SQL
)
check "... and the waiting room works there: an order waits ($w), a restock routes it" \
  bash -c '[ "$1" = WAITING ] && grep -qx ROUTED <<<"$2"' _ "$w" "$tx"
for t in "$TA" "$TB"; do
  v=$(inv "$t")
  check "invariants of $t hold after the flow and the move" test -z "$v"
  [ -n "$v" ] && show "$v"
done
check "moving $TA to the node that holds it is a no-op (false)" \
  test "$(Q 0 "SELECT waitroom.move_tenant('$TA', '127.0.0.1', $dst)")" = f

# ------------------------------------------------------------------ waitroomd on the cluster
# shellcheck source=../citus/daemon-on-citus.sh
source test/citus/daemon-on-citus.sh

rm -rf "$tmp"
finish
