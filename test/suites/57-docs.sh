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

  # The checks themselves: each must fail on a page that is wrong in one way, naming it.
  echo "# the checks fail when they should"
  bad=$(mktemp -d)
  rejects() {  # rejects NAME PATTERN MODE DB PATH: run_examples.py fails, printing PATTERN
    local name=$1 pattern=$2; shift 2
    if ! python3 test/docs/run_examples.py "$@" >"$log" 2>&1 && grep -qE "$pattern" "$log"; then
      pass=$((pass + 1)); echo "ok - rejects $name: $(grep -m1 -E "$pattern" "$log")"
    else
      fail=$((fail + 1)); echo "not ok - rejects $name"; sed 's/^/#   /' "$log" | head -20
    fi
  }
  cat >"$bad/page.md" <<'MD'
```sql
SELECT 1 AS one;
```

```output
 one
-----
   2
(1 row)
```

```sql-error 22023
SELECT waitroom.cancel_order('00000000-0000-0000-0000-000000000001');
```

```sql
SELECT 1 / 0;
```

```sql
SELECT 1;
```
MD
  q postgres "CREATE DATABASE docs_bad TEMPLATE docs_template" >/dev/null
  rejects "a wrong output block" '^#   \+   1$' blocks docs_bad "$bad/page.md"
  rejects "a wrong SQLSTATE" '^#   expected SQLSTATE 22023, got P0002' blocks docs_bad "$bad/page.md"
  rejects "an error in a sql block" '^#   psql:.*ERROR:  22012' blocks docs_bad "$bad/page.md"
  rejects "the blocks after it" '^#   not run: the session stopped' blocks docs_bad "$bad/page.md"
  mkdir "$bad/docs" && cp docs/*.md "$bad/docs/" && sed -i '/^### waitroom\.stats\b/d' "$bad/docs/"*.md
  rejects "a missing heading" '^not ok - view waitroom\.stats has a heading' catalog docs_template "$bad/docs"
  rm -rf "$bad"
fi
finish
