#!/usr/bin/env bash
# The one test command: installs what is missing, builds, runs every suite in
# test/suites/ in order, and ends with "N passed, N failed". Non-zero exit on any failure.
# Two CPU-only jobs start in the background at the lowest CPU priority (SCHED_IDLE, else
# nice 19), so they use the cores only while the suites leave them idle (lock waits, timed
# runs, sleeps):
#   - suite 70-lint (clang-format, clang-tidy; no cluster, its own build-lint/): at its turn in
#     the order its output is printed and counted as any suite's, or, when it has not finished
#     by then, after the last suite (the suites after it leave it their idle time too, instead
#     of the run waiting for it with both cores given to it alone);
#   - the Citus build of suite 80 (vendor/citus/build.sh, 74 s on an idle machine when not cached):
#     waited for before suite 80, whose own call of build.sh then finds it installed (a failed
#     background build is built again there, and fails there).
# Both are stopped (SIGSTOP) while the timing-sensitive suites of WR_LINT_PAUSE_DURING run, and
# continued after each. WR_LINT_BACKGROUND=0 runs both in their turn instead.
set -uo pipefail
cd "$(dirname "$0")/.."

bash test/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

BG_SUITE=test/suites/70-lint.sh
CITUS_SUITE=test/suites/80-citus.sh
PAUSE_DURING=" ${WR_LINT_PAUSE_DURING-40-liveness 45-soak 47-crash 60-daemon 61-metrics 75-bench-smoke} "
bg_pid= bg_log= bg_start= citus_pid= citus_log= citus_start=
# start_idle PIDVAR LOGFILE COMMAND...: runs COMMAND in its own session at idle priority, its
# pid in PIDVAR (set here, not printed: a child of a command substitution could not be waited for).
start_idle() {
  local pidvar=$1 log=$2; shift 2
  local idle=(nice -n 19)
  chrt --idle 0 true 2>/dev/null && idle=(chrt --idle 0 nice -n 19)
  # Its own session, so an interrupted run stops it and its children too. With the kernel's
  # autogroup scheduling a session is a scheduling group that gets as much CPU as any other
  # session (the servers pg_ctl starts are sessions too), whatever its tasks' priority: the
  # session's group gets nice 19 as well (measured here: without it a CPU-bound task took
  # ~1 s longer of 1.2 s while lint ran; with it no difference).
  setsid bash -c 'if [ -w /proc/self/autogroup ]; then
                    for _ in 1 2 3 4 5; do echo 19 2>/dev/null >/proc/self/autogroup && break; sleep 0.3; done
                  fi
                  exec "$@"' bg "${idle[@]}" "$@" >"$log" 2>&1 </dev/null &
  printf -v "$pidvar" %s "$!"
}
# signal_background SIGNAL: to every background job still running (its whole session).
signal_background() {
  local pid
  for pid in $bg_pid $citus_pid; do kill "-$1" -- -"$pid" 2>/dev/null; done
}
if [ "${WR_LINT_BACKGROUND:-1}" != 0 ]; then
  if [ -f "$BG_SUITE" ]; then
    bg_log=$(mktemp) bg_start=$SECONDS
    start_idle bg_pid "$bg_log" bash "$BG_SUITE"
  fi
  if [ -f "$CITUS_SUITE" ]; then
    citus_log=$(mktemp) citus_start=$SECONDS
    start_idle citus_pid "$citus_log" bash vendor/citus/build.sh
  fi
  trap 'signal_background KILL; signal_background CONT; rm -f "$bg_log" "$citus_log"' EXIT
fi

total_pass=0 total_fail=0 failed_suites=()
suites=(test/suites/*.sh) deferred=
for ((i = 0; i < ${#suites[@]}; i++)); do
  suite=${suites[$i]}
  name=$(basename "$suite" .sh)
  if [ -n "$bg_pid" ] && [ "$suite" = "$BG_SUITE" ] && [ -z "$deferred" ] &&
     [ $((i + 1)) -lt ${#suites[@]} ] && ! grep -q '^suite-result: ' "$bg_log"; then
    echo "=== $name: still running in the background ($((SECONDS - bg_start)) s since the start): its result comes after the last suite"
    suites+=("$suite") deferred=1
    continue
  fi
  echo "=== $name"
  log=$(mktemp) start=$SECONDS
  if [ -n "$citus_pid" ] && [ "$suite" = "$CITUS_SUITE" ]; then
    wait "$citus_pid"
    citus_rc=$?
    citus_pid=
    sed 's/^/# background Citus build: /' "$citus_log"
    echo "# background Citus build: exit $citus_rc, $((SECONDS - citus_start)) s since the start, waited $((SECONDS - start)) s for it here"
  fi
  if [ -n "$bg_pid" ] && [ "$suite" = "$BG_SUITE" ]; then
    wait "$bg_pid"
    rc=$?
    bg_pid=
    tee "$log" <"$bg_log"
    echo "=== $name ran in the background: $((SECONDS - bg_start)) s since the start, waited $((SECONDS - start)) s for it here"
  else
    paused=
    [[ $PAUSE_DURING == *" $name "* ]] && paused=1 && signal_background STOP
    bash "$suite" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    [ -n "$paused" ] && signal_background CONT
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
