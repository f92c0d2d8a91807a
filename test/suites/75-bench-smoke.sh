#!/usr/bin/env bash
# bench/run.sh --smoke: every benchmark of issue 8 at tiny sizes, so the harness cannot rot; and
# the scaling scripts (bench/growth.sh --smoke, bench/tenant_placement.py).
# Passes only when the run completed and every figure of its results table is a number
# ("not measured (script missing)" only where that script is absent). Writes to a temp dir,
# never over bench/RESULTS.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0 fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }

if bash bench/run.sh --smoke --out "$out" >"$out/log" 2>&1; then
  ok "bench/run.sh --smoke completed"
else
  tail -30 "$out/log" | sed 's/^/#   /'
  not_ok "bench/run.sh --smoke completed"
fi

if [ -f "$out/RESULTS.md" ]; then
  # Rows of the results table: | # | what | measured | ratio | target | verdict |
  rows=$(grep -E '^\| [0-9] \|' "$out/RESULTS.md")
  bad=$(echo "$rows" | awk -F'|' -v core="$([ -f bench/core.sh ] && echo 1)" \
                                 -v daemon="$([ -f bench/daemon.sh ] && echo 1)" '
    {
      measured = $4; ratio = $5; n = $2 + 0
      if (measured ~ /script missing/) {
        if ((n == 8 && core) || (n == 9 && daemon)) print
        next
      }
      if (measured !~ /[0-9]/ || measured ~ /n\/a|nan|inf/) { print; next }
      gsub(/[0-9]+(\.[0-9]+)?|vs|tps|ms|us|s|=|plans\/s|[ ]/, "", measured)
      if (measured != "") { print; next }
      if (ratio !~ /^ *$/ && ratio !~ /^ [0-9]+\.[0-9]+x( \(off\/on\))? $/) print
    }')
  count=$(echo "$rows" | grep -c .)
  if [ "$count" -ge 19 ] && [ -z "$bad" ]; then
    ok "all $count figures of the results table are numbers"
  else
    echo "$bad" | sed 's/^/#   /'
    not_ok "all figures of the results table are numbers ($count rows)"
  fi
else
  not_ok "RESULTS.md written"
fi
# docs/scaling.md's two scripts: growth.sh at tiny sizes (fails when an order neither routed nor
# waited, an invariant broke, or the module changed under it), and the placement simulation
# (fails when its port of hashtext() disagrees with PostgreSQL's values it carries).
for cmd in "bash bench/growth.sh --smoke" "python3 bench/tenant_placement.py"; do
  if $cmd >"$out/cmd.log" 2>&1; then ok "$cmd"; else
    tail -15 "$out/cmd.log" | sed 's/^/#   /'; not_ok "$cmd"; fi
done
echo "suite-result: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
