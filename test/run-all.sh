#!/usr/bin/env bash
# The one test command: installs what is missing, builds, runs every suite in
# test/suites/ in order, and ends with "N passed, N failed". Non-zero exit on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

bash test/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

total_pass=0 total_fail=0 failed_suites=()
for suite in test/suites/*.sh; do
  name=$(basename "$suite" .sh)
  echo "=== $name"
  log=$(mktemp) start=$SECONDS
  bash "$suite" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^suite-result: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
  rm -f "$log"
  if [ -z "$line" ]; then
    p=0 f=1
  else
    p=$(echo "$line" | awk '{print $2}'); f=$(echo "$line" | awk '{print $4}')
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  [ "$f" -gt 0 ] && failed_suites+=("$name")
  echo "=== $name: $p passed, $f failed ($((SECONDS - start)) s)"
done

[ ${#failed_suites[@]} -gt 0 ] && echo "failed suites: ${failed_suites[*]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
