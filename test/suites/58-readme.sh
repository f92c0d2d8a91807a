#!/usr/bin/env bash
# Suite 58: what the README promises a newcomer, run as the README says it.
#   1. `bash test/demo.sh` (the README's first command): orders wait with their reasons, a
#      waiting order is explained with the numbers, a restock serves the waiting room in
#      priority order, a pre-order is released and waitroomd publishes the events
#      (test/readme/check_demo.py reads the demo's output).
#   2. Each command line of the README's "Backup and restore" block, run literally on a
#      database mid-flow named `shop` (test/dump/midflow.sql): the restored `shop2` has the same
#      orders (order_json of each), the same row count per waitroom table, no invariant
#      violation, and takes a new order and a restock that serves a restored waiting plan.
# Ends with "suite-result: P passed, F failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

pass=0; fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
finish() { echo "suite-result: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }
work=$(mktemp -d)
trap 'wr_cluster_stop 2>/dev/null; rm -rf "$work"' EXIT

# ---------------------------------------------------------------- 1. the demo
if [ -n "${WR_SKIP_DEMO:-}" ] || bash test/demo.sh >"$work/demo.out" 2>&1; then ok "test/demo.sh runs"; else
  sed 's/^/#   /' "$work/demo.out" | tail -20; not_ok "test/demo.sh runs"; fi
while read -r line; do
  case $line in
    "ok - "*) ok "demo: ${line#ok - }" ;;
    *) not_ok "demo: ${line#not ok - }" ;;
  esac
done < <(python3 test/readme/check_demo.py <"$work/demo.out")

# ---------------------------------------------------------------- 2. the README's restore
source test/lib/cluster.sh
wr_cluster_start || { not_ok "cluster starts"; finish; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
wr_psql -c "CREATE DATABASE shop" >/dev/null &&
  wr_psql -d shop -f test/dump/midflow.sql >"$work/midflow.out" 2>&1 ||
  { sed 's/^/#   /' "$work/midflow.out" | tail; not_ok "mid-flow database shop"; finish; }

# The ```sh block of the README section, one command line each.
mapfile -t commands < <(awk '/^## Backup and restore/ {s = 1; next} /^## / {s = 0}
  s && /^```sh/ {b = 1; next} s && /^```/ {b = 0} s && b' "${WR_README:-README.md}" | sed 's/ *#.*$//' | grep .)
[ "${#commands[@]}" -ge 2 ] && ok "README shows ${#commands[@]} restore commands" ||
  not_ok "README's Backup and restore section has its commands in a \`\`\`sh block"

state() {  # what a restore must keep: each order's JSON, rows per table
  q "$1" "SELECT string_agg(waitroom.order_json(order_id)::text, E'\n' ORDER BY tenant_order_id)
            FROM waitroom.orders"
  q "$1" "SELECT c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM waitroom.%I', c.relname),
                 false, false, '')))[1]::text
            FROM pg_class c WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind = 'r' ORDER BY 1"
}
state shop >"$work/shop.state"
for cmd in "${commands[@]}"; do
  q postgres "DROP DATABASE IF EXISTS shop2" >/dev/null 2>&1
  rm -f "$work"/shop.dump "$work"/shop.sql
  if (cd "$work" && bash -c "$cmd") >"$work/restore.out" 2>&1; then ok "runs: $cmd"; else
    sed 's/^/#   /' "$work/restore.out" | tail; not_ok "runs: $cmd"; continue; fi
  state shop2 >"$work/shop2.state"
  if diff -q "$work/shop.state" "$work/shop2.state" >/dev/null; then ok "restored state equals the source ($cmd)"; else
    diff "$work/shop.state" "$work/shop2.state" | head -6 | cut -c1-160 | sed 's/^/#   /'; not_ok "restored state equals the source ($cmd)"; fi
  v=$(q shop2 "SELECT count(*) FROM waitroom.check_invariants()")
  [ "$v" = 0 ] && ok "no invariant violation after: $cmd" || not_ok "no invariant violation after: $cmd ($v)"
  # A new order routes, and a restock serves a restored waiting plan.
  got=$(q shop2 "SELECT waitroom.place_order('{\"tenantOrderId\": \"R-1\",
                   \"orderLineItems\": [{\"tenantArticleId\": \"shirt\", \"quantity\": 1}]}') -> 'routingPlans' -> 0 ->> 'status'" 2>&1)
  waiting=$(q shop2 "SELECT tenant_article_id FROM waitroom.waiting_room ORDER BY tenant_article_id LIMIT 1")
  before=$(q shop2 "SELECT count(*) FROM waitroom.waiting_room")
  q shop2 "UPDATE waitroom.stock SET on_hand = on_hand + 100 WHERE tenant_article_id = '$waiting';
           INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
           SELECT facility_ref, tenant_article_id, 100 FROM waitroom.listing l WHERE tenant_article_id = '$waiting'
              AND NOT EXISTS (SELECT FROM waitroom.stock s WHERE s.facility_ref = l.facility_ref
                                 AND s.tenant_article_id = l.tenant_article_id)" >/dev/null 2>&1
  after=$(q shop2 "SELECT count(*) FROM waitroom.waiting_room")
  if [ "$got" = ROUTED ] && [ -n "$waiting" ] && [ "$after" -lt "$before" ]; then
    ok "the restored database takes orders and restocks ($cmd)"
  else not_ok "the restored database takes orders and restocks ($cmd): order '$got', waiting $before -> $after for '$waiting'"; fi
done
finish
