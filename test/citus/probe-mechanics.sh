#!/usr/bin/env bash
# Citus mechanics (issue 13, SPEC §7), on a real local cluster: a coordinator and 2 workers as
# throwaway clusters (test/lib/citus_cluster.sh), Citus built from the copy vendored in
# vendor/citus (cached). Until waitroom.distribute() exists this runs on the probe extension
# test/citus/wrprobe (waitroom's tenant schema, sql/src/10_schema.sql, plus PL/pgSQL stand-ins
# for place_order and the stock trigger) and proves what distribute() and waitroomd rely on:
# (a) distributing every table by tenant_id co-located, and what Citus refuses; (b) delegated
# calls run on the one node holding the tenant; (c) the stock trigger fires on the shard, in the
# coordinator's transaction, its SPI queries executed locally; (d) identity values per node and
# across a shard move; (e) moving a tenant's co-located shards; (f) CREATE EXTENSION reaching the
# workers; (g) NOTIFY from a shard trigger reaching only that worker's listeners.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD

pass=0 fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
note()   { echo "# $*"; }
show_log() { note "--- $1"; tail -n "${2:-15}" "$1" | sed 's/^/#   /'; }
finish() {
  if [ "$fail" -gt 0 ] && [ -n "${WR_CITUS_DIR:-}" ]; then
    for f in "$WR_CITUS_DIR"/server*.log; do [ -f "$f" ] && show_log "$f" 10; done
  fi
  echo "suite-result: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
}

# ------------------------------------------------------------------ build and install
note "building Citus from vendor/citus (cached)"
start=$SECONDS
if bash vendor/citus/build.sh >/tmp/citus-build-80.log 2>&1; then
  ok "Citus builds from the vendored tarball and patches ($((SECONDS - start)) s)"
else
  not_ok "Citus builds from the vendored tarball and patches"; show_log /tmp/citus-build-80.log 30
  finish
fi
check "a second build run is a cache hit" \
  bash -c 'bash vendor/citus/build.sh | grep -q "up to date"'
check "the probe extension installs" bash test/citus/install-probe.sh "$ROOT"

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
check "pg_dist_node: coordinator (group 0) and 2 workers with shards" \
  test "$(Q 0 "SELECT string_agg(groupid || ':' || shouldhaveshards, ',' ORDER BY groupid) FROM pg_dist_node")" \
       = "0:false,1:true,2:true"
P 0 -c "ALTER SYSTEM SET citus.stat_statements_track = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
for i in 1 2; do  # the workers log their local and remote executions (NOTICE) for the checks
  P "$i" -c "ALTER SYSTEM SET citus.log_local_commands = on" \
         -c "ALTER SYSTEM SET citus.log_remote_commands = on" \
         -c "ALTER SYSTEM SET log_min_messages = notice" -c "SELECT pg_reload_conf()" >/dev/null
done

# ------------------------------------------------------------------ (f) CREATE EXTENSION
# Worker 2 leaves before CREATE EXTENSION and comes back after: citus_add_node brings it.
Q 0 "SELECT citus_remove_node('127.0.0.1', $W2)" >/dev/null
P 0 -c "CREATE EXTENSION wrprobe" -c "CREATE EXTENSION pg_stat_statements" >/dev/null
check "(f) CREATE EXTENSION on the coordinator reaches the worker that is there" \
  test "$(Q 1 "SELECT extversion FROM pg_extension WHERE extname = 'wrprobe'")" = 1.0
check "(f) ... and not the one that is not" \
  test -z "$(Q 2 "SELECT extversion FROM pg_extension WHERE extname = 'wrprobe'")"
Q 0 "SELECT citus_add_node('127.0.0.1', $W2)" >/dev/null
check "(f) citus_add_node creates it on the returning worker" \
  test "$(Q 2 "SELECT extversion FROM pg_extension WHERE extname = 'wrprobe'")" = 1.0

# ------------------------------------------------------------------ (a) distribution
# Each refusal inside a transaction that is then abandoned (psql stops at the error).
err=$(P 0 2>&1 <<'SQL'
BEGIN;
SELECT create_distributed_table('waitroom.facility', 'tenant_id', colocate_with := 'none');
SELECT create_distributed_table('waitroom.orders', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT create_distributed_table('waitroom.order_line', 'tenant_id', colocate_with := 'waitroom.facility');
SQL
)
check "(a) a table with triggers is refused without citus.enable_unsafe_triggers" \
  grep -q 'cannot distribute relation "order_line" because it has triggers' <<<"$err"
err=$(P 0 2>&1 <<'SQL'
BEGIN;
SET LOCAL citus.enable_unsafe_triggers = on;
SELECT create_distributed_table('waitroom.facility', 'tenant_id', colocate_with := 'none');
SELECT create_distributed_table('waitroom.orders', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT create_distributed_table('waitroom.routing_plan', 'tenant_id', colocate_with := 'waitroom.facility');
SQL
)
check "(a) a foreign key with ON UPDATE CASCADE over the distribution column is refused" \
  grep -q 'CASCADE is not supported in ON UPDATE operation when distribution key included' <<<"$err"
if P 0 -q -f test/citus/distribute-probe.sql >/tmp/citus-80-distribute.log 2>&1; then
  ok "(a) test/citus/distribute-probe.sql distributes every table (FKs re-added, unsafe triggers)"
else
  not_ok "(a) test/citus/distribute-probe.sql distributes every table"
  show_log /tmp/citus-80-distribute.log 20; finish
fi
check "(a) 11 tables hash-distributed by tenant_id in one co-location group" \
  test "$(Q 0 "SELECT count(*) || ' ' || count(DISTINCT colocationid) FROM pg_dist_partition
                WHERE logicalrelid::text LIKE 'waitroom.%' AND partmethod = 'h'
                  AND column_to_column_name(logicalrelid, partkey) = 'tenant_id'")" = "11 1"
check "(a) identity columns (event.event_id, routing_plan.plan_no) survive distribution" \
  test "$(Q 0 "SELECT count(*) FROM pg_attribute WHERE attidentity = 'a'
                AND attrelid IN ('waitroom.event'::regclass, 'waitroom.routing_plan'::regclass)")" = 2
check "(a) the stock trigger exists on a stock shard of each worker" \
  test "$(Q 0 "SELECT string_agg(result, ',') FROM run_command_on_workers(\$\$
            SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'probe_stock_raised%'
               AND tgrelid::regclass::text ~ '^waitroom\.stock_[0-9]+\$'\$\$)")" \
       = "16,16"

json() {  # JSON PATH...: one value (list indexes as numbers)
  python3 -c 'import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$@"
}

# Two tenants on different workers.
port_of() {
  Q 0 "SELECT nodeport FROM pg_dist_shard_placement
        WHERE shardid = get_shard_id_for_distribution_column('waitroom.facility', '$1')"
}
TA=acme TB=
for t in initech umbrella globex hooli stark wayne tyrell soylent cyberdyne; do
  [ "$(port_of "$t")" != "$(port_of "$TA")" ] && { TB=$t; break; }
done
PA=$(port_of "$TA") PB=$(port_of "$TB")
note "tenant $TA on port $PA, tenant $TB on port $PB"
check "two tenants placed on different workers" test -n "$TB" -a "$PA" != "$PB"
P 0 -c "INSERT INTO waitroom.facility (facility_ref, tenant_id) VALUES ('F1', '$TA'), ('F1', '$TB')" \
    -c "INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand, tenant_id)
        VALUES ('F1', 'A1', 0, '$TA'), ('F1', 'A1', 0, '$TB')" >/dev/null

# ------------------------------------------------------------------ (d) identity per node
order() {  # TENANT TENANT_ORDER_ID [SQL-suffix]: the bare call, as an app sends it
  Q 0 "SELECT waitroom.place_order('{\"tenantOrderId\":\"$2\",\"lines\":[{\"lineId\":\"l1\",\"tenantArticleId\":\"A1\",\"quantity\":1}]}', '$1')"
}
seqs=$(Q 0 "SELECT string_agg(result, ',' ORDER BY nodeport) FROM run_command_on_workers(\$\$
  SELECT min(seqstart) || '/' || max(seqstart) FROM pg_sequence
   WHERE seqrelid IN ('waitroom.event_event_id_seq'::regclass,
                      'waitroom.routing_plan_plan_no_seq'::regclass)\$\$)")
note "identity sequence starts on the workers (min/max): $seqs"
check "(d) Citus does not range-split identity sequences of extension-owned tables: both workers start at 1" \
  test "$seqs" = "1/1,1/1"
# The workaround: each worker's sequences start at groupid << 48 (what Citus does for tables it
# creates itself). ALTER SEQUENCE is refused on workers ("Altering a distributed sequence is
# currently not supported"); setval is not.
out=$(Q 0 "SELECT string_agg(success::text, ',') FROM run_command_on_workers(\$\$
  SELECT setval('waitroom.event_event_id_seq', groupid::bigint << 48, true)
       + setval('waitroom.routing_plan_plan_no_seq', groupid::bigint << 48, true)
    FROM pg_dist_local_group\$\$)")
check "(d) setval(groupid << 48) on each worker's identity sequences" test "$out" = "true,true"

# ------------------------------------------------------------------ (b) delegation
ra=$(order "$TA" a1) rb=$(order "$TB" b1)
check "(b) place_order(json, '$TA') ran on $TA's worker" test "$(json "$ra" port)" = "$PA"
check "(b) place_order(json, '$TB') ran on $TB's worker" test "$(json "$rb" port)" = "$PB"
plan=$(Q 0 "EXPLAIN (COSTS OFF) SELECT waitroom.place_order('{\"tenantOrderId\":\"x\",\"lines\":[]}', '$TB')")
check "(b) EXPLAIN: one task, on $TB's worker" \
  bash -c 'grep -q "Task Count: 1" <<<"$1" && grep -q "port=$2 " <<<"$1"' _ "$plan" "$PB"
dbg=$(P 0 -c "SET client_min_messages = debug1" \
          -c "SELECT waitroom.place_order('{\"tenantOrderId\":\"a2\",\"lines\":[]}', '$TA')" 2>&1)
check "(b) DEBUG1 says 'pushing down the function call'" grep -q 'pushing down the function call' <<<"$dbg"
r=$(Q 0 "SELECT waitroom.place_order('{\"tenantOrderId\":\"a3\",\"lines\":[]}', '$TA')->>'port'")
check "(b) a call wrapped in an expression (place_order(...)->>'port') is not delegated" test "$r" = "$C0"
r=$(Q 0 "SELECT waitroom.place_order('{\"tenantOrderId\":\"a4\",\"tenantId\":\"$TA\",\"lines\":[]}')" 2>&1)
check "(b) a NULL distribution argument (tenant only in the JSON) runs on the coordinator, no crash" \
  test "$(json "$r" port 2>/dev/null)" = "$C0"
check "(b) citus_stat_statements sees the delegated calls" \
  test "$(Q 0 "SELECT coalesce(sum(calls), 0) FROM citus_stat_statements
                WHERE query LIKE 'SELECT waitroom.place_order(\$1, \$2)'")" -ge 1

# ------------------------------------------------------------------ (c) stock trigger on the shard
tx=$(P 0 -AtX <<SQL 2>&1
BEGIN;
UPDATE waitroom.stock SET on_hand = 5 WHERE tenant_id = '$TA' AND facility_ref = 'F1' AND tenant_article_id = 'A1';
SELECT 'in-tx', count(*) FROM waitroom.routing_plan WHERE tenant_id = '$TA' AND status = 'ROUTED';
SELECT 'ev', payload->>'port', payload->>'relation' FROM waitroom.event WHERE tenant_id = '$TA' AND event = 'ROUTING_PLAN_ROUTED' LIMIT 1;
ROLLBACK;
SELECT 'after', count(*) FROM waitroom.routing_plan WHERE tenant_id = '$TA' AND status = 'ROUTED';
SQL
)
check "(c) a restock sent to the coordinator routes $TA's waiting plans in that transaction" \
  grep -qE '^in-tx\|[1-9]' <<<"$tx"
check "(c) ... the trigger ran on $TA's worker, on a stock shard" grep -qE "^ev\|$PA\|stock_[0-9]+$" <<<"$tx"
check "(c) ... and ROLLBACK undoes it" grep -qx 'after|0' <<<"$tx"
wi=$(wr_citus_node_of_port "$PA")
check "(c) the trigger's SPI queries ran locally on the worker (citus.log_local_commands)" \
  grep -q 'executing the command locally: UPDATE waitroom.routing_plan_[0-9]* ' "$WR_CITUS_DIR/server$wi.log"
check "(c) ... none went to another node (no 'issuing' to a remote shard)" \
  bash -c '! grep -q "issuing UPDATE waitroom" "$1"' _ "$WR_CITUS_DIR/server$wi.log"

# ------------------------------------------------------------------ (g) LISTEN/NOTIFY
for i in 0 1 2; do
  ( echo "LISTEN waitroom_probe;"; sleep 4; echo "SELECT 1;" ) | P "$i" >"$WR_CITUS_DIR/listen$i.out" 2>&1 &
done
sleep 1.5
P 0 -c "UPDATE waitroom.stock SET on_hand = 5 WHERE tenant_id = '$TA' AND facility_ref = 'F1' AND tenant_article_id = 'A1'" >/dev/null
wait
got=""
for i in 0 1 2; do grep -q 'Asynchronous notification "waitroom_probe"' "$WR_CITUS_DIR/listen$i.out" && got="$got$i"; done
check "(g) NOTIFY from the trigger on $TA's shard reaches only that worker's listeners (got: $got)" \
  test "$got" = "$wi"

# ------------------------------------------------------------------ (e) shard move, (d) order
shard=$(Q 0 "SELECT get_shard_id_for_distribution_column('waitroom.facility', '$TA')")
before=$(order "$TA" m0)
t0=$SECONDS
mv=$(Q 0 "SELECT citus_move_shard_placement($shard, '127.0.0.1', $PA, '127.0.0.1', $PB,
                                           shard_transfer_mode := 'block_writes')" 2>&1)
check "(e) citus_move_shard_placement(block_writes) moves $TA's shard group ($((SECONDS - t0)) s)" \
  test "$(Q 0 "SELECT count(*) FROM pg_dist_shard_placement p JOIN pg_dist_shard s USING (shardid)
                WHERE s.logicalrelid::text LIKE 'waitroom.%' AND p.nodeport = $PB
                  AND get_shard_id_for_distribution_column(s.logicalrelid, '$TA') = p.shardid")" = 11
[ -n "$mv" ] && note "$mv"
after=$(order "$TA" m1)
check "(e) after the move $TA's calls run on the new worker" test "$(json "$after" port)" = "$PB"
r=$(P 0 -AtX -c "UPDATE waitroom.stock SET on_hand = 7 WHERE tenant_id = '$TA' AND facility_ref = 'F1' AND tenant_article_id = 'A1'" \
      -c "SELECT payload->>'port' FROM waitroom.event WHERE tenant_id = '$TA' AND event = 'ROUTING_PLAN_ROUTED' ORDER BY created_at DESC LIMIT 1")
check "(e) ... and a restock releases the waiting room there" test "$r" = "$PB"
t0=$SECONDS
Q 0 "SELECT citus_move_shard_placement($shard, '127.0.0.1', $PB, '127.0.0.1', $PA,
                                      shard_transfer_mode := 'force_logical')" >/dev/null 2>&1
check "(e) the move back with force_logical (wal_level = logical) works ($((SECONDS - t0)) s)" \
  test "$(json "$(order "$TA" m2)" port)" = "$PA"
e_before=$(json "$before" eventIds 0) e_after=$(json "$after" eventIds 0)
e_back=$(Q 0 "SELECT max(event_id) FROM waitroom.event e JOIN waitroom.orders o USING (tenant_id, order_id)
              WHERE e.tenant_id = '$TA' AND o.tenant_order_id = 'm2'")
note "$TA event ids: before move $e_before, on the other worker $e_after, after moving back $e_back"
if [ "$PA" = "$W1" ]; then  # moved group 1 -> 2 -> 1: the last ids are below the middle ones
  check "(d) after moving back, later events get LOWER event_ids than earlier ones" \
    test "$e_back" -lt "$e_after"
else                        # moved group 2 -> 1: the ids on the other worker are lower
  check "(d) after a move, later events get LOWER event_ids than earlier ones" \
    test "$e_after" -lt "$e_before"
fi

finish
