#!/usr/bin/env bash
# Core decision latency at real size (issue 8, target #8): builds waitroom_core_bench as
# test/suites/10-core.sh does and runs its BM_Big cases (5/20/50 lines x 500 facilities in six
# stock situations, every decision timed on its own) and BM_Split cases. Prints, for
# bench/run.sh:
#   core_50x500_p50_us N, core_50x500_p99_us N   the 50-line situation whose decisions cost
#                                                 most (highest CPU p99; wall p99 on a shared
#                                                 machine mostly ranks the neighbours' noise),
#                                                 named on the "# worst" line before them
#   core_<situation>_<L>x500_p50_us N, ..._p99_us N, ..._cpu_p99_us N   every case
#   core_split_search_<case>_worst_us N   the split search on its tests' requests (BM_Split*):
#                                         the slowest request's fastest decision
# *_us are wall-clock microseconds per route() call; *_cpu_* count only this thread's CPU
# time, which other processes on a shared machine cannot inflate.
# Usage: bash bench/core.sh [--smoke]   (--smoke: a few decisions per case, seconds)
# CORE_BENCH=path runs that benchmark binary instead of building one (before/after runs).
set -euo pipefail
cd "$(dirname "$0")/.."

min_time=2
if [ "${1:-}" = --smoke ]; then
    min_time=0.01
fi

bench=${CORE_BENCH:-}
if [ -z "$bench" ]; then
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build -j2 --target waitroom_core_bench >/dev/null
    bench=./build/waitroom_core_bench
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bench" --benchmark_filter='^BM_(Big|Split)' --benchmark_min_time="$min_time" \
    --benchmark_format=json --benchmark_out="$out" --benchmark_out_format=json >/dev/null

python3 - "$out" <<'PY'
import json, sys

cases = {}
split = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("error_occurred"):
        sys.exit(f"core.sh: {b['name']}: {b.get('error_message')}")
    parts = b["name"].split("/")
    if parts[0].startswith("BM_Split"):  # BM_Split<Case>[/<arg>]/manual_time
        split["_".join([parts[0][len("BM_Split"):].lower()] + parts[1:-1])] = b
        continue
    _, situation, lines, _ = parts  # BM_Big/<situation>/<lines>/manual_time
    cases[(situation, int(lines))] = b
if not cases:
    sys.exit("core.sh: no BM_Big results")

worst = max((c for c in cases if c[1] == 50), key=lambda c: cases[c]["cpu_p99_us"])
print(f"# worst at 50 lines x 500 facilities (CPU p99): {worst[0]}")
print(f"core_50x500_p50_us {cases[worst]['p50_us']:.0f}")
print(f"core_50x500_p99_us {cases[worst]['p99_us']:.0f}")
for (situation, lines), b in sorted(cases.items()):
    for key in ("p50_us", "p99_us", "cpu_p99_us"):
        print(f"core_{situation}_{lines}x500_{key} {b[key]:.0f}")
for name, b in sorted(split.items()):
    print(f"core_split_search_{name}_worst_us {b['worst_us']:.0f}")
PY
