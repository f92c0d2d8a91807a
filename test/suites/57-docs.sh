#!/usr/bin/env bash
# Suite 57: the docs run. For each docs/*.md, a fresh database (a copy of one made with
# CREATE EXTENSION waitroom and pgtap) in one throwaway cluster; the page's ```sql blocks run
# in order in one psql session with ON_ERROR_STOP, a ```sql block followed by an ```output
# block must print exactly that, a ```sql-error SQLSTATE block must fail with that SQLSTATE
# (test/docs/run_examples.py has the rules). Then every function, view and table of the
# extension (pg_depend, deptype 'e'; not the internal "_" ones) must have a heading
# "### waitroom.<name>" in docs/sql-api.md or a docs page it links to.
# One check per sql/sql-error block and per object; ends with "suite-result: P passed, F failed".
# WR_DOCS=path/to/page.md runs one page only (and no catalog check).
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh

pass=0; fail=0
finish() { echo "suite-result: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }
tally() {  # tally LOG: adds run_examples.py's "counts:" line
  local line
  line=$(grep -E '^counts: [0-9]+ passed, [0-9]+ failed$' "$1" | tail -1)
  if [ -z "$line" ]; then fail=$((fail + 1)); echo "not ok - run_examples.py gave no counts"; return; fi
  pass=$((pass + $(echo "$line" | awk '{print $2}')))
  fail=$((fail + $(echo "$line" | awk '{print $4}')))
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

make -s -j2 >/dev/null && make -s install >/dev/null || { echo "not ok - extension builds"; fail=1; finish; }
wr_cluster_start || { echo "not ok - cluster starts"; fail=1; finish; }
log=$(mktemp)
trap 'rm -f "$log"; wr_cluster_stop' EXIT

q postgres "CREATE DATABASE docs_template" &&
  q docs_template "CREATE EXTENSION waitroom; CREATE EXTENSION pgtap" \
  || { echo "not ok - CREATE EXTENSION waitroom, pgtap"; fail=1; finish; }

pages=("${WR_DOCS:-}")
[ -z "${WR_DOCS:-}" ] && pages=(docs/*.md)
[ -e "${pages[0]}" ] || { echo "not ok - no docs/*.md"; fail=1; finish; }
n=0
for page in "${pages[@]}"; do
  n=$((n + 1)); db=docs_$n
  echo "# $page"
  if ! q postgres "CREATE DATABASE $db TEMPLATE docs_template"; then
    echo "not ok - $page: fresh database"; fail=$((fail + 1)); continue
  fi
  python3 test/docs/run_examples.py blocks "$db" "$page" | tee "$log"
  tally "$log"
  q postgres "DROP DATABASE $db WITH (FORCE)" >/dev/null
done

if [ -z "${WR_DOCS:-}" ]; then
  echo "# every function, view and table has a heading"
  python3 test/docs/run_examples.py catalog docs_template docs | tee "$log"
  tally "$log"
fi
finish
