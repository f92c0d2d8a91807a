#!/usr/bin/env bash
# The one test command: installs what is missing, builds, runs every suite in
# test/suites/ in order, and ends with "N passed, N failed". Non-zero exit on any failure.
# Suite 70-lint (clang-format, clang-tidy: CPU only, no cluster, its own build-lint/) starts in
# the background at the lowest CPU priority (SCHED_IDLE, else nice 19), so it uses the cores
# only while the other suites leave them idle (lock waits, timed runs, sleeps); at its turn in
# the order its output is printed and counted as any suite's. It is stopped (SIGSTOP) while the
# timing-sensitive suites of WR_LINT_PAUSE_DURING run, and continued after each.
# WR_LINT_BACKGROUND=0 runs it in its turn instead.
set -uo pipefail
cd "$(dirname "$0")/.."

bash test/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

BG_SUITE=test/suites/70-lint.sh
PAUSE_DURING=" ${WR_LINT_PAUSE_DURING-40-liveness 45-soak 47-crash 60-daemon 61-metrics 75-bench-smoke} "
bg_pid= bg_log= bg_start=
if [ "${WR_LINT_BACKGROUND:-1}" != 0 ] && [ -f "$BG_SUITE" ]; then
  bg_log=$(mktemp) bg_start=$SECONDS
  idle=(nice -n 19)
  chrt --idle 0 true 2>/dev/null && idle=(chrt --idle 0 nice -n 19)
  # Its own session, so an interrupted run stops it and its clang-tidy processes too. With the
  # kernel's autogroup scheduling a session is a scheduling group that gets as much CPU as any
  # other session (the servers pg_ctl starts are sessions too), whatever its tasks' priority:
  # the session's group gets nice 19 as well (measured here: without it a CPU-bound task took
  # ~1 s longer of 1.2 s while lint ran; with it no difference).
  setsid bash -c 'if [ -w /proc/self/autogroup ]; then
                    for _ in 1 2 3 4 5; do echo 19 2>/dev/null >/proc/self/autogroup && break; sleep 0.3; done
                  fi
                  exec "$@"' bg "${idle[@]}" bash "$BG_SUITE" >"$bg_log" 2>&1 </dev/null &
  bg_pid=$!
  trap '[ -n "$bg_pid" ] && kill -- -"$bg_pid" 2>/dev/null && kill -CONT -- -"$bg_pid" 2>/dev/null; rm -f "$bg_log"' EXIT
fi

total_pass=0 total_fail=0 failed_suites=()
for suite in test/suites/*.sh; do
  name=$(basename "$suite" .sh)
  echo "=== $name"
  log=$(mktemp) start=$SECONDS
  if [ -n "$bg_pid" ] && [ "$suite" = "$BG_SUITE" ]; then
    wait "$bg_pid"
    rc=$?
    bg_pid=
    tee "$log" <"$bg_log"
    echo "=== $name ran in the background: $((SECONDS - bg_start)) s since the start, waited $((SECONDS - start)) s for it here"
  else
    paused=
    if [ -n "$bg_pid" ] && [[ $PAUSE_DURING == *" $name "* ]]; then
      kill -STOP -- -"$bg_pid" 2>/dev/null && paused=1
    fi
    bash "$suite" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    [ -n "$paused" ] && kill -CONT -- -"$bg_pid" 2>/dev/null
  fi
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
