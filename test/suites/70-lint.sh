#!/usr/bin/env bash
# Suite 70: a warning is a bug. One check per C++ file for clang-format (.clang-format) and one
# per translation unit for clang-tidy (.clang-tidy; extension/pg has its own for the Postgres
# C API). A file counts as clean only when clang-tidy ran to its end on it (exit 0 and the
# compiler's end-of-file statistics for that file printed) without a finding in our code: a
# missing or crashed clang-tidy is a failure.
# CLANG_TIDY names another binary (to see those failures). Ends with "suite-result: P passed,
# F failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

passed=0 failed=0
result() {  # result OK|FAIL NAME [DETAIL FILE]
  if [ "$1" = OK ]; then
    echo "ok - $2"; passed=$((passed + 1))
  else
    echo "not ok - $2"; failed=$((failed + 1))
    [ -n "${3:-}" ] && sed 's/^/#   /' "$3" | head -20
  fi
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One clang-format process for all files; only when it finds something, one per file again to
# say which (the same per-file checks and details as before).
fmt_files=$(git ls-files '*.cpp' '*.hpp')
if clang-format --dry-run --Werror $fmt_files >"$out/fmt" 2>&1; then
  for f in $fmt_files; do result OK "clang-format: $f"; done
else
  for f in $fmt_files; do
    if clang-format --dry-run --Werror "$f" >"$out/fmt" 2>&1; then
      result OK "clang-format: $f"
    else
      result FAIL "clang-format: $f" "$out/fmt"
    fi
  done
fi

# The core, its tests and benchmark, and the daemon: flags from CMake's compile_commands.json.
# Its own build directory (configure only, nothing is built): test/run-all.sh runs this suite
# in the background while other suites configure and build in build/.
# A file with several compile commands (a source in two targets) is one clang-tidy run: it
# checks the file once per command.
lint_build=build-lint
cmake -S . -B "$lint_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$out/cmake" 2>&1 ||
  { result FAIL "cmake configure (for compile_commands.json)" "$out/cmake"; }
units=$(python3 -c 'import json, sys; print("\n".join(sorted({e["file"] for e in json.load(open(sys.argv[1]))})))' \
  "$lint_build/compile_commands.json" 2>/dev/null)
# The glue is built by PGXS: the same flags by hand (-Wno-register as in the Makefile).
pg_flags=(-std=c++17 -Wno-register -Iextension -I"$(pg_config --includedir-server)" -I"$(pg_config --includedir)/internal")

CLANG_TIDY=${CLANG_TIDY:-clang-tidy}
if "$CLANG_TIDY" --version >"$out/tidy-version" 2>&1; then
  result OK "clang-tidy runs: $(grep -m1 -o 'version [0-9.]*' "$out/tidy-version")"
else
  result FAIL "clang-tidy runs ($CLANG_TIDY)" "$out/tidy-version"
fi

# The proof that clang-tidy ran to its end on a file: clang's -print-stats, whose "STATISTICS
# FOR '<file>'" is printed when the file's frontend action ends, after clang-tidy's checks ran
# on the whole translation unit. (It was the check profile, --enable-check-profile: the same
# proof, but timing every check's every callback cost 2-3.5x the CPU of the run itself: the
# whole suite took 1078 s user+sys, now 400 s, on a loaded 2-core machine.)
tidy() {  # tidy FILE LOG: clean = clang-tidy finished (exit 0, the file's end-of-file statistics
          # printed) and found nothing in our own code (system headers are not ours)
  local rc
  local run=("$CLANG_TIDY" --quiet --extra-arg=-Xclang --extra-arg=-print-stats "$1")
  if [[ $1 == */extension/pg/* || $1 == extension/pg/* ]]; then
    "${run[@]}" -- "${pg_flags[@]}" >"$2" 2>"$2.err"
  else
    "${run[@]}" -p "$lint_build" >"$2" 2>"$2.err"
  fi
  rc=$?
  if [ "$rc" -ne 0 ] || ! grep -qF "STATISTICS FOR '$(realpath -s "$1")'" "$2.err"; then
    { echo "clang-tidy did not finish (exit $rc, end-of-file statistics for $1: none)"
      cat "$2"; grep -v '^[0-9]* warnings* generated\.$' "$2.err" | grep -v '^STATISTICS\|^\*\*\*\|^  ' | head -20; } >"$2.why"
    mv "$2.why" "$2"
    return 1
  fi
  ! grep -E '(warning|error):' "$2" | grep -qv '^/usr/'
}

files=$(printf '%s\n' $units extension/pg/*.cpp)
i=0
for f in $files; do  # two at a time (the machine has 2 cores): the next starts when one ends
  i=$((i + 1))
  ( tidy "$f" "$out/tidy.$i" && echo OK >"$out/rc.$i" || echo FAIL >"$out/rc.$i" ) &
  while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
done
wait
i=0
for f in $files; do
  i=$((i + 1))
  result "$(cat "$out/rc.$i")" "clang-tidy: ${f#"$PWD"/}" "$out/tidy.$i"
done

echo "suite-result: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
