#!/usr/bin/env bash
# Suite 10: the C++ core. Builds with CMake into build/, runs the GoogleTest binary, and ends
# with "suite-result: P passed, F failed" (P/F = gtest tests passed/failed).
set -uo pipefail
cd "$(dirname "$0")/../.."

fail_build() {
    echo "10-core: $1"
    echo "suite-result: 0 passed, 1 failed"
    exit 1
}

# RelWithDebInfo's optimization without its debug info: the tests read no symbols, and -g cost
# about a quarter of this build's CPU (134 s against 97 s user+sys here). The cached flags stay
# for the later configures of build/ (the daemon's suites, bench/core.sh, test/demo.sh).
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" ||
  fail_build "cmake configure failed"
# Only the core's targets: the daemon (service/, built by its own suite) must not fail this one.
cmake --build build -j2 --target waitroom_core_tests waitroom_core_bench || fail_build "build failed"
[ -x build/waitroom_core_tests ] || fail_build "build/waitroom_core_tests missing"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
./build/waitroom_core_tests --gtest_color=no 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

passed=$(grep -cE '^\[       OK \] ' "$log")
failed=$(grep -cE '^\[  FAILED  \] [^ ]+\.[^ ]+ \(' "$log")
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1  # crashed or aborted without a per-test verdict
fi
echo "suite-result: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
