#!/usr/bin/env bash
# Suite 24: waitroom_pgtap, the pgTAP helpers shipped for the merchant's own suites
# (docs/pgtap-helpers.md). On a throwaway cluster:
#  1. the example suite (examples/pgtap/*.sql) with pg_prove on a database that has no extension
#     yet: each file's CREATE EXTENSION waitroom_pgtap CASCADE brings waitroom and pgTAP;
#  2. the helpers' contract (test/pgtap_helpers/contract.sql): what given_network makes and
#     rejects, plans_are's shape errors, pinned search_path, privileges, DROP EXTENSION;
#  3. the helpers fail when they should: test/pgtap_helpers/wrong_expectations.sql holds wrong
#     expectations next to right ones; its TAP (psql's output, parsed here) must say `not ok`
#     with the expected diagnostic for each wrong one and `ok` for each right one;
#  4. a test login granted the waitroom roles runs the examples with its own rights; a login
#     with none of them gets nothing from the helpers (42501).
# Counts the assertions of the pg_prove runs and one check per expectation of 3 and 4; ends
# with "suite-result: P passed, F failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh

pass=0 fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
finish() { echo "suite-result: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }

make -s -j2 >/dev/null && make -s install >/dev/null || { not_ok "extension builds and installs"; finish; }
wr_cluster_start || { not_ok "cluster starts"; finish; }
log=$(mktemp)
trap 'rm -f "$log"; wr_cluster_stop' EXIT

# prove LABEL DB USER FILES...: pg_prove's assertions counted as in suite 20; a file that died
# or ran fewer tests than planned counts as a failure.
prove() {
  local label=$1 db=$2 user=$3; shift 3
  echo "# $label"
  PGDATABASE=$db PGUSER=$user pg_prove --verbose "$@" >"$log" 2>&1
  local rc=$?
  cat "$log"
  local p f
  p=$(grep -cE '^ok [0-9]+' "$log")
  f=$(grep -cE '^not ok [0-9]+' "$log")
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && f=1  # nothing ran
  pass=$((pass + p)); fail=$((fail + f))
}

# ------------------------------------------------------------------ 1. the examples
wr_psql -c "CREATE DATABASE examples" || { not_ok "database examples"; finish; }
prove "examples/pgtap on a database without any extension" examples postgres examples/pgtap/*.sql

# ------------------------------------------------------------------ 2. the contract
wr_psql -c "CREATE DATABASE contract" || { not_ok "database contract"; finish; }
prove "test/pgtap_helpers/contract.sql" contract postgres test/pgtap_helpers/contract.sql

# ------------------------------------------------------------------ 3. failing when they should
wr_psql -c "CREATE DATABASE negative" || { not_ok "database negative"; finish; }
psql -X -q -At -d negative -f test/pgtap_helpers/wrong_expectations.sql >"$log" 2>/dev/null
python3 - "$log" <<'PY' | tee "$log.checks"
import re, sys

# The TAP stream: the plan, then each result with the diagnostic lines that follow it.
plan, results, current = None, {}, None
for line in open(sys.argv[1]).read().splitlines():
    m = re.match(r'^1\.\.(\d+)$', line)
    if m:
        plan = int(m.group(1)); continue
    m = re.match(r'^(not ok|ok) (\d+)( - (.*))?$', line)
    if m:
        current = int(m.group(2))
        results[current] = {'ok': m.group(1) == 'ok', 'name': m.group(4) or '', 'diag': []}
        continue
    if line.startswith('#') and current is not None:
        results[current]['diag'].append(line)

# number: (passes?, lines the diagnostic must contain)
want = {
    1: (False, ['#     want: [{"status": "ROUTED", "facility": "berlin", "lines": {"2": 1}}, {"status": "WAITING", "lines": {"1": 2}}]',
                '#     missing:    [{"status": "ROUTED", "facility": "berlin", "lines": {"2": 1}}]',
                '#     unexpected: [{"status": "ROUTED", "facility": "munich", "lines": {"2": 1}}]']),
    2: (True, []),
    3: (False, ['#     have: [{"status": "WAITING", "lines": {"1": 1}}]',
                '#     want: [{"status": "WAITING", "lines": {"1": 3}}]']),
    4: (False, ['#     no order with tenantOrderId A-9']),
    5: (False, ['#         have: {A-1,A-2}', '#         want: {A-2,A-1}']),
    6: (True, []),
    7: (True, []),
    8: (False, ['#     2 violation(s):',
                '#     reserved_matches_pick_lines: stock munich/sku-2: reserved 7, open pick lines 1']),
}
def check(good, name):
    print(('ok - ' if good else 'not ok - ') + name)
check(plan == len(want) and sorted(results) == sorted(want),
      f'wrong_expectations.sql: plan 1..{plan}, results {sorted(results)}')
for n, (passes, lines) in sorted(want.items()):
    r = results.get(n)
    if r is None:
        check(False, f'test {n}: no result'); continue
    missing = [l for l in lines if l not in r['diag']]
    word = 'ok' if passes else 'not ok'
    check(r['ok'] == passes and not missing and (passes or r['diag']),
          f'test {n} ({r["name"]}): {word}' + ('' if passes else ' with its diagnostic')
          + (f'; diagnostic lacks {missing}, has {r["diag"]}' if missing else '')
          + ('' if r['ok'] == passes else f'; got {"ok" if r["ok"] else "not ok"}'))
PY
pass=$((pass + $(grep -c '^ok - ' "$log.checks"))); fail=$((fail + $(grep -c '^not ok - ' "$log.checks")))
rm -f "$log.checks"

# ------------------------------------------------------------------ 4. who may use them
# (CREATE EXTENSION waitroom creates the roles.)
wr_psql -c "CREATE DATABASE as_roles" && wr_psql -d as_roles -c "CREATE EXTENSION waitroom_pgtap CASCADE" 2>/dev/null &&
  wr_psql -c "CREATE ROLE tester LOGIN IN ROLE waitroom_app, waitroom_reader, waitroom_daemon" \
          -c "CREATE ROLE nobody LOGIN" || { not_ok "database as_roles"; finish; }
prove "the examples as a login granted waitroom_app, waitroom_reader and waitroom_daemon" as_roles tester examples/pgtap/*.sql
refused=$(PGUSER=nobody psql -X -q -At -d as_roles -c "SELECT waitroom_pgtap.given_network('{\"X\": {}}')" 2>&1)
refused=$(head -1 <<<"$refused")
if grep -q 'permission denied for schema waitroom$' <<<"$refused" &&
   [ "$(wr_psql -At -d as_roles -c "SELECT count(*) FROM waitroom.facility")" = 0 ]; then
  ok "a login with no waitroom role gets nothing through the helpers ($refused)"
else
  not_ok "a login with no waitroom role gets nothing through the helpers ($refused)"
fi

finish
