#!/usr/bin/env bash
# Suite 12: sanitizers and fuzzing. Builds build-asan with clang++-14 and
# -fsanitize=address,undefined (first report fatal), runs the GoogleTest suites there, then the
# libFuzzer targets of test/fuzz/ for a bounded time each, starting from the committed corpus.
# One test per GoogleTest case plus one per fuzz target; ends with "suite-result: P passed,
# F failed".
#   WAITROOM_FUZZ_SECONDS  seconds per fuzz target (default 20; e.g. 3600 for a long run)
#   WAITROOM_FUZZ_JOBS     parallel fuzzing processes per target (default 1)
# A finding is saved under test/out/fuzz/ (crash-*, timeout-*, oom-*); replay it with
#   build-asan/waitroom_fuzz_<target> test/out/fuzz/<file>
set -uo pipefail
cd "$(dirname "$0")/../.."

seconds=${WAITROOM_FUZZ_SECONDS:-20}
jobs=${WAITROOM_FUZZ_JOBS:-1}
fail_build() {
    echo "12-fuzz: $1"
    echo "suite-result: 0 passed, 1 failed"
    exit 1
}

# Line tables only: enough for the sanitizers' stack traces (file:line), cheaper than full -g.
cmake -S . -B build-asan -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
    -DWAITROOM_SANITIZE=ON >/dev/null || fail_build "cmake configure failed"
cmake --build build-asan -j2 --target waitroom_core_tests waitroom_fuzz_order_input \
    waitroom_fuzz_router || fail_build "build failed"

log=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$log" "$work"' EXIT

# GoogleTest under ASan + UBSan: any report aborts the binary (counted as a failure below).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
./build-asan/waitroom_core_tests --gtest_color=no 2>&1 | tee "$log" | grep -E '^\[  (FAILED|PASSED) |ERROR: |runtime error'
rc=${PIPESTATUS[0]}
passed=$(grep -cE '^\[       OK \] ' "$log")
failed=$(grep -cE '^\[  FAILED  \] [^ ]+\.[^ ]+ \(' "$log")
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1  # a sanitizer aborted the run
    tail -40 "$log"
fi
echo "sanitized GoogleTest: $passed passed, $failed failed"

mkdir -p "$work/findings"
targets=(order_input router)
# The targets fuzz at once, one core each (each is one process for its whole time).
for target in "${targets[@]}"; do
    # The committed corpus seeds the run; new inputs go to a scratch copy, not into git.
    cp -r "test/fuzz/corpus/$target" "$work/$target"
    mkdir -p "$work/run-$target"
    flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="$work/findings/$target-")
    [ -f "test/fuzz/$target.dict" ] && flags+=(-dict="$PWD/test/fuzz/$target.dict")
    # Several jobs write their logs (fuzz-N.log) into the current directory: a scratch one.
    [ "$jobs" -gt 1 ] && flags+=(-jobs="$jobs" -workers="$jobs")
    (cd "$work/run-$target" && "$OLDPWD/build-asan/waitroom_fuzz_$target" "${flags[@]}" \
        "$work/$target" >"$work/$target.log" 2>&1; echo $? >"$work/$target.rc") &
done
wait
for target in "${targets[@]}"; do
    flog=$work/$target.log
    frc=$(cat "$work/$target.rc" 2>/dev/null || echo 1)
    cat "$work/run-$target"/fuzz-*.log >>"$flog" 2>/dev/null
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$flog" | awk '{s += $2} END {print s + 0}')
    corpus=$(find "$work/$target" -type f | wc -l)
    if [ "$frc" -eq 0 ] && ! grep -qE 'ERROR: |fuzz finding|runtime error' "$flog"; then
        echo "ok - fuzz $target: $runs inputs in ${seconds}s, corpus $corpus, no finding"
        passed=$((passed + 1))
    else
        # test/out/ is shared scratch other suites clear: the findings are copied there last.
        mkdir -p test/out/fuzz && cp "$work"/findings/* test/out/fuzz/ 2>/dev/null
        echo "not ok - fuzz $target (exit $frc): findings saved in test/out/fuzz/"
        grep -E 'fuzz finding|ERROR: |runtime error|SUMMARY|Test unit written' "$flog" | head -20
        failed=$((failed + 1))
    fi
done

echo "suite-result: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
