#!/usr/bin/env bash
# The benchmarks of issue 8 (#1-#9) on a cluster with the server's default durability.
#   bash bench/run.sh            full sizes, medians of 3 runs, ~20 min; writes bench/RESULTS.md
#                                and bench/bench-*.png
#   bash bench/run.sh --smoke    tiny sizes, one short run of each, no plots (seconds)
#   --out DIR                    write RESULTS.md (and plots) into DIR instead of bench/
# Every figure compared with another is measured in alternating runs (A B A B A B) in the same
# cluster, so machine noise hits both. Any failed step (SQL error, pgbench abort, a restock
# that serves other than the expected number of plans) fails the whole run.
set -euo pipefail
SMOKE=0 OUT=
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) SMOKE=1 ;;
    --out) OUT=$2; shift ;;
    *) echo "usage: bash bench/run.sh [--smoke] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-$BENCH_DIR}
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/waitroom-bench.XXXXXX)
chmod 755 "$WORK"
: >"$WORK/seqscans"
STARTED=$(date +%s)

FACILITIES=50 WIDE_FACILITIES=500
if [ "$SMOKE" = 1 ]; then
  SECS=1 RUNS=1 SIZES=(20 40 60) NARROW_ARTICLES=20 SERVED=(20 50) OTHERS=(0 100 200)
  OTHER_ARTICLES=10
else
  SECS=10 RUNS=3 SIZES=(200 2000 20000) NARROW_ARTICLES=200 SERVED=(1000 10000)
  OTHERS=(0 10000 100000) OTHER_ARTICLES=1000
fi
ON_HAND=1000000          # no stock row runs out during a run
RESTOCK_TIMEOUT=180s     # a restock slower than this is reported, not waited for

say() { echo "[bench $(($(date +%s) - STARTED))s] $*" >&2; }
fail() { echo "bench: FAILED: $*" >&2; exit 1; }
q() { wr_psql -d "$1" -At -c "$2"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }

declare -A R=()   # key -> the figures of every run, space-separated
add() { R[$1]="${R[$1]:-} $2"; }
# med KEY: the median of KEY's runs (the lower middle one of an even number), as `median`
# finds it; all of them computed by one awk when the measuring is done (medians), not by a
# pipeline of 4 processes per call (~60 calls: 13-48 s of a smoke run, on an idle to a loaded
# 2-core machine).
declare -A MED=()
medians() {
  local key value
  while read -r key value; do MED[$key]=$value; done < <(
    for key in "${!R[@]}"; do echo "$key ${R[$key]}"; done | awk '{
      n = 0
      for (i = 2; i <= NF; i++) {  # insertion sort, numerically (a few values per key)
        x = $i + 0; j = ++n
        while (j > 1 && v[j - 1] > x) { v[j] = v[j - 1]; j-- }
        v[j] = x
      }
      m = v[int((n + 1) / 2)]
      for (i = 2; i <= NF; i++) if ($i + 0 == m) { print $1, $i; break }  # as written
    }')
}
med() { echo "${MED[$1]:-}"; }

# ------------------------------------------------------------------ pgbench with server CPU
# pgb DB SCRIPT CLIENTS [pgbench -D ...]: one run of SECS seconds. Sets TPS, CPU_US (the
# backends' user+system CPU per transaction, from /proc: steadier than tps on a shared box) and
# LAT_MS (median transaction latency, from pgbench's per-transaction log).
# The backends are found in /proc, not by a query: they are the postmaster's children whose
# process title is "postgres: USER DB ..." (nothing but pgbench connects to DB during a run),
# looked for and sampled every 20 ms, and once more after pgbench exits. (A psql per poll took 0.7-1.6 s
# on a loaded 2-core machine, longer than a smoke run: the backends were found late or never,
# and a run reported a fraction of its CPU, or none, which failed the run.)
exec {NAP}<> <(:)   # a pipe nobody writes to: `read -t` on it sleeps without a process per nap
pgb() {
  pgb_once "$@"
  [ "$CPU_US" -gt 0 ] || fail "pgbench $2 on $1: no backend CPU sampled (backends found: $FOUND)"
}
pgb_once() {
  local db=$1 script=$2 clients=$3; shift 3
  local log=$WORK/pgbench.out kids=() ticks=0 t stat pid title last=
  rm -f "$WORK"/lat.*
  seq_scans "$db" >"$WORK/seq.before"
  echo "pgbench -n -T $SECS -c $clients -j $clients --log -f bench/$script $* $db" >>"$WORK/commands"
  (cd "$WORK" && exec pgbench -n -T "$SECS" -c "$clients" -j "$clients" --log --log-prefix=lat \
    -f "$BENCH_DIR/$script" "$@" "$db") >"$log" 2>&1 &
  local client=$!
  declare -A seen=() ours=()
  until [ -n "$last" ]; do
    kill -0 "$client" 2>/dev/null || last=1
    read -r -a kids <"/proc/$PM_PID/task/$PM_PID/children" || true
    for pid in "${kids[@]}"; do
      [ -n "${ours[$pid]:-}" ] && continue
      title=
      read -r -d '' title 2>/dev/null <"/proc/$pid/cmdline" || true
      [[ $title == "postgres: $PGUSER $db "* ]] && ours[$pid]=1
    done
    for pid in "${!ours[@]}"; do
      read -r -a stat 2>/dev/null <"/proc/$pid/stat" && seen[$pid]=$((stat[13] + stat[14]))
    done
    [ -n "$last" ] || read -r -t 0.02 -u "$NAP" _ || true
  done
  FOUND=${#ours[@]}
  wait "$client" || { cat "$log" >&2; fail "pgbench $script on $db"; }
  grep -q 'number of failed transactions: 0 ' "$log" || { cat "$log" >&2; fail "pgbench $script on $db: failed transactions"; }
  TPS=$(awk '/^tps/ {print $3}' "$log")
  local n; n=$(awk '/actually processed/ {print $NF}' "$log")
  [ -n "$TPS" ] && [ "${n:-0}" -gt 0 ] || { cat "$log" >&2; fail "pgbench $script on $db: no transactions"; }
  # The CLIENTS busiest: short-lived backends of DB are found too (pgbench's first connection,
  # which checks the server and closes before the clients connect; seq_scans' exiting one).
  for pid in "${!seen[@]}"; do echo "${seen[$pid]}"; done | sort -rn | head -n "$clients" >"$WORK/ticks"
  while read -r t; do ticks=$((ticks + t)); done <"$WORK/ticks"
  CPU_US=$((ticks * 10000 / n))
  LAT_MS=$(cat "$WORK"/lat.* | awk '{print $3 / 1000}' | median)
  local what; what=$(echo "$*" | sed -n 's/.*function=\([^ ]*\).*/\1/p')
  seq_scans "$db" | awk -v what="${what:-$script}" 'NR == FNR {b[$1] = $2; r[$1] = $3; next}
    $2 > b[$1] {print what, $1, $2 - b[$1], $3 - r[$1]}' "$WORK/seq.before" - >>"$WORK/seqscans"
}
seq_scans() {  # seq_scans DB: "table seq_scan seq_tup_read" of waitroom's tables
  q "$1" "SELECT relname, seq_scan, seq_tup_read FROM pg_stat_user_tables WHERE schemaname = 'waitroom'" |
    tr '|' ' '
}

orders() {  # orders FUNCTION ARTICLES LINES_MIN LINES_MAX [FIRST]: bench/order.sql's -D arguments
  echo "-D function=$1 -D facilities=$FACILITIES -D first=${5:-1} -D articles=$2 -D lines_min=$3 -D lines_max=$4"
}
PLACE=waitroom.place_order FLOOR=bench.floor_place_order BASELINE=bench.baseline_place_order

# ------------------------------------------------------------------ build, cluster, data
say "build and install"
bench_build
# The server runs from a private copy of its install tree, this build of waitroom included:
# someone's make install during the run cannot swap the library under it. (PostgreSQL finds
# its lib/ and share/ relative to its binaries.) The copy is of the tree make install wrote:
# under DESTDIR when set (a private install, as the suites honour it).
PG_COPY=$WORK/pg
for dir in "$(dirname "$(pg_config --bindir)")" "$(pg_config --sharedir)"; do
  mkdir -p "$PG_COPY$(dirname "$dir")" && cp -a "${DESTDIR:-}$dir" "$PG_COPY$(dirname "$dir")/"
done
export WR_PGBIN=$PG_COPY$(pg_config --bindir)
WR_CLUSTER_DURABLE=1 wr_cluster_start
PM_PID=$(head -1 "$WR_CLUSTER_DIR/data/postmaster.pid")
[ -r "/proc/$PM_PID/task/$PM_PID/children" ] ||
  fail "no /proc/$PM_PID/task/$PM_PID/children (a kernel without CONFIG_PROC_CHILDREN): pgb finds the backends there"
case $(q postgres "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'") in
  "$PG_COPY"/*) ;;
  *) fail "the server does not run from its copy $PG_COPY" ;;
esac
trap 'wr_cluster_stop; rm -rf "$WORK"' EXIT
q postgres "SELECT version()" >"$WORK/version"
q postgres "SELECT name || ' = ' || current_setting(name) FROM pg_settings
             WHERE source NOT IN ('default', 'override') AND name NOT LIKE 'lc\_%'
               AND name NOT IN ('port', 'unix_socket_directories', 'application_name',
                                'client_encoding', 'DateStyle', 'TimeZone', 'log_timezone',
                                'default_text_search_config')
             ORDER BY name" >"$WORK/settings"

# An order history before ANALYZE: a live system's order tables are not empty, and plans made
# while they are (the foreign-key checks' among them) scan them whole for the rest of the
# session. One transaction of HISTORY routed orders of random articles.
history() {  # history DB FIRST ARTICLES
  wr_psql -d "$1" -q -c "SELECT count(waitroom.place_order(jsonb_build_object(
      'tenantOrderId', 'history-' || i,
      'consumer', jsonb_build_object('lat', 47.3 + random() * 8, 'lon', 6 + random() * 9),
      'orderLineItems', jsonb_build_array(jsonb_build_object(
          'tenantArticleId', 'sku-' || ($2 + floor(random() * $3)::int), 'quantity', 1)))))
    FROM generate_series(1, $HISTORY) i" >/dev/null
}
[ "$SMOKE" = 1 ] && HISTORY=50 || HISTORY=2000

say "data: ${SIZES[*]} articles x $FACILITIES facilities, $HISTORY orders of history each"
for i in 0 1 2; do
  db=size$i
  bench_createdb $db >/dev/null
  bench_network $db $FACILITIES 1 "${SIZES[$i]}" NONE $ON_HAND 2>/dev/null
  bench_functions $db 2>/dev/null
  history $db 1 "${SIZES[$i]}"
  wr_psql -d $db -c ANALYZE
  STOCK[$i]=$((FACILITIES * SIZES[i]))   # not count(*): no scan of stock before the benchmarks
done
say "data: $NARROW_ARTICLES articles at $FACILITIES and at $WIDE_FACILITIES facilities"
bench_createdb wide >/dev/null
bench_network wide $FACILITIES 1 $NARROW_ARTICLES NONE $ON_HAND 2>/dev/null
bench_network wide $WIDE_FACILITIES 100001 $NARROW_ARTICLES NONE $ON_HAND 2>/dev/null
history wide 1 $NARROW_ARTICLES
wr_psql -d wide -c ANALYZE
say "data: waiting rooms of ${SERVED[*]} plans, with ${OTHERS[*]} other waiting plans"
for n in "${OTHERS[@]}"; do
  db=room$n
  bench_createdb $db >/dev/null
  for s in "${SERVED[@]}"; do
    bench_network $db $FACILITIES 1 1 BACKORDER 0 "wait$s-" 2>/dev/null
    bench_waiting $db "$s" 1 "wait$s-" "w$s-"
  done
  if [ "$n" -gt 0 ]; then
    bench_network $db $FACILITIES 1 $OTHER_ARTICLES BACKORDER 0 other- 2>/dev/null
    bench_waiting $db "$n" $OTHER_ARTICLES other- o-
  fi
  wr_psql -d $db -c ANALYZE
  expected=$n
  for s in "${SERVED[@]}"; do expected=$((expected + s)); done
  waiting=$(q $db "SELECT count(*) FROM waitroom.waiting_room")
  [ "$waiting" -eq "$expected" ] || fail "room$n: $waiting plan lines waiting, not $expected"
done

# ------------------------------------------------------------------ #1 place_order vs floor
for i in 0 1 2; do
  say "#1 place_order vs floor at ${STOCK[$i]} stock rows"
  for _ in $(seq $RUNS); do
    pgb size$i order.sql 2 $(orders $PLACE "${SIZES[$i]}" 1 5)
    add "1.po.$i" "$TPS"; add "1.po.cpu.$i" "$CPU_US"
    pgb size$i order.sql 2 $(orders $FLOOR "${SIZES[$i]}" 1 5)
    add "1.fl.$i" "$TPS"; add "1.fl.cpu.$i" "$CPU_US"
  done
done
# ------------------------------------------------------------------ #2 place_order vs baseline
for lines in 5 20; do
  say "#2 place_order vs baseline, $lines lines, ${STOCK[1]} stock rows"
  for _ in $(seq $RUNS); do
    pgb size1 order.sql 2 $(orders $PLACE "${SIZES[1]}" $lines $lines)
    add "2.po.$lines" "$TPS"; add "2.po.cpu.$lines" "$CPU_US"
    pgb size1 order.sql 2 $(orders $BASELINE "${SIZES[1]}" $lines $lines)
    add "2.bl.$lines" "$TPS"; add "2.bl.cpu.$lines" "$CPU_US"
  done
done
# ------------------------------------------------------------------ #3 latency against size
say "#3 place_order latency, 1 client, at every size"
for _ in $(seq $RUNS); do
  for i in 0 1 2; do
    pgb size$i order.sql 1 $(orders $PLACE "${SIZES[$i]}" 1 5)
    add "3.lat.$i" "$LAT_MS"; add "3.cpu.$i" "$CPU_US"
  done
done
# ------------------------------------------------------------------ #4/#5 restocks serving plans
# restock DB SERVED: one UPDATE raising one stock row of an article SERVED plans wait for,
# timed inside BEGIN ... ROLLBACK (repeatable); sets SECONDS_TAKEN, or "timeout".
restock() {
  local db=$1 s=$2 out
  echo "psql -d $db: BEGIN; UPDATE waitroom.stock SET on_hand = on_hand + $s WHERE facility_ref = 'fc-1' AND tenant_article_id = 'wait$s-1'; (count ROUTED and WAITING plans); ROLLBACK" >>"$WORK/commands"
  if ! out=$(wr_psql -d "$db" -At 2>&1 <<SQL

SET statement_timeout = '$RESTOCK_TIMEOUT';
BEGIN;
\\timing on
UPDATE waitroom.stock SET on_hand = on_hand + $s WHERE facility_ref = 'fc-1' AND tenant_article_id = 'wait$s-1';
\\timing off
SELECT 'served ' || count(*) FROM waitroom.routing_plan p JOIN waitroom.orders o USING (order_id)
 WHERE o.tenant_order_id LIKE 'w$s-%' AND p.status = 'ROUTED';
SELECT 'waiting ' || count(*) FROM waitroom.routing_plan p JOIN waitroom.orders o USING (order_id)
 WHERE o.tenant_order_id LIKE 'w$s-%' AND p.status = 'WAITING';
ROLLBACK;
SQL
  ); then
    if echo "$out" | grep -q 'statement timeout'; then
      SECONDS_TAKEN=${RESTOCK_TIMEOUT%s}
      R[timeouts]="${R[timeouts]:-} $db/$s"
      return 0
    fi
    echo "$out" >&2; fail "restock of $s plans in $db"
  fi
  echo "$out" | grep -q "^served $s\$" && echo "$out" | grep -q '^waiting 0$' ||
    { echo "$out" >&2; fail "the restock in $db did not serve exactly $s plans"; }
  SECONDS_TAKEN=$(echo "$out" | awk '/^Time:/ {printf "%.3f", $2 / 1000}')
}
say "#4 one UPDATE serving ${SERVED[*]} waiting plans; #5 with ${OTHERS[*]} other plans waiting"
for _ in $(seq $RUNS); do
  for n in "${OTHERS[@]}"; do
    restock room$n "${SERVED[0]}"
    add "5.s.$n" "$SECONDS_TAKEN"
  done
done
for _ in $(seq $RUNS); do
  restock room0 "${SERVED[1]}"
  add "4.s.${SERVED[1]}" "$SECONDS_TAKEN"
done
# ------------------------------------------------------------------ #6 one-row restocks
triggers() { wr_psql -d size1 -c "ALTER TABLE waitroom.stock $1 TRIGGER USER"; }
say "#6 one-row restocks, nothing waiting, triggers on vs off"
for _ in $(seq $RUNS); do
  triggers ENABLE
  pgb size1 restock.sql 2 -D facilities=$FACILITIES -D first=1 -D articles="${SIZES[1]}"
  add "6.on" "$TPS"; add "6.on.cpu" "$CPU_US"
  triggers DISABLE
  pgb size1 restock.sql 2 -D facilities=$FACILITIES -D first=1 -D articles="${SIZES[1]}"
  add "6.off" "$TPS"; add "6.off.cpu" "$CPU_US"
done
triggers ENABLE
# ------------------------------------------------------------------ #7 one big UPDATE
bulk() {  # bulk ENABLE|DISABLE: BULK_S, the seconds of one UPDATE of every stock row of size1
  local out
  echo "psql -d size1: BEGIN; ALTER TABLE waitroom.stock ENABLE|DISABLE TRIGGER USER; UPDATE waitroom.stock SET on_hand = on_hand + 1; ROLLBACK" >>"$WORK/commands"
  wr_psql -d size1 -c "VACUUM waitroom.stock"
  out=$(wr_psql -d size1 -At 2>&1 <<SQL
BEGIN;
ALTER TABLE waitroom.stock $1 TRIGGER USER;
\\timing on
UPDATE waitroom.stock SET on_hand = on_hand + 1;
\\timing off
ROLLBACK;
SQL
  ) || { echo "$out" >&2; fail "bulk update"; }
  BULK_S=$(echo "$out" | awk '/^Time:/ {printf "%.3f", $2 / 1000}')
}
say "#7 one UPDATE of ${STOCK[1]} stock rows, triggers on vs off"
for _ in $(seq $RUNS); do
  bulk ENABLE; add "7.on" "$BULK_S"
  bulk DISABLE; add "7.off" "$BULK_S"
done
# ------------------------------------------------------------------ #8 wide listings
say "#8 place_order latency, articles at $FACILITIES vs $WIDE_FACILITIES facilities"
for _ in $(seq $RUNS); do
  pgb wide order.sql 1 $(orders $PLACE $NARROW_ARTICLES 5 5 1)
  add "8.narrow" "$LAT_MS"; add "8.narrow.cpu" "$CPU_US"
  pgb wide order.sql 1 $(orders $PLACE $NARROW_ARTICLES 5 5 100001)
  add "8.wide" "$LAT_MS"; add "8.wide.cpu" "$CPU_US"
done
# ------------------------------------------------------------------ #8 core, #9 daemon
external() {  # external SCRIPT KEY...: the figures SCRIPT prints as "key value" lines
  local script=$1 out; shift
  if [ ! -f "$BENCH_DIR/$script" ]; then
    for key in "$@"; do R[$key]="not measured (script missing)"; done
    return 0
  fi
  say "bench/$script"
  out=$(bash "$BENCH_DIR/$script" $([ "$SMOKE" = 1 ] && echo --smoke)) || fail "bench/$script"
  for key in "$@"; do
    R[$key]=$(echo "$out" | awk -v k="$key" '$1 == k {print $2}')
    [[ "${R[$key]}" =~ ^[0-9.]+$ ]] || fail "bench/$script printed no number for $key"
  done
}
wr_cluster_stop   # the daemon benchmark starts its own cluster; one server at a time
external core.sh core_50x500_p50_us core_50x500_p99_us
external daemon.sh daemon_stdout_events_per_s daemon_webhook_events_per_s daemon_latency_p50_ms \
  daemon_latency_p99_ms daemon_latency_rate_events_per_s
ELAPSED=$(($(date +%s) - STARTED))

# ------------------------------------------------------------------ RESULTS.md
say "writing $OUT/RESULTS.md"
medians
verdict() {  # verdict VALUE OP TARGET
  awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {
    if (v !~ /^[0-9.]+$/) { print "not measured"; exit }
    ok = (op == ">=") ? v >= t : (op == "<=") ? v <= t : v < t
    print ok ? "met" : "**missed**" }'
}
per_s() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", n / s}'; }
core_ms() { awk -v u="$1" 'BEGIN {if (u ~ /^[0-9.]+$/) printf "%.3f", u / 1000; else print u}'; }
fmt() { LC_NUMERIC=C printf "%.1f" "$1"; }
runs() { local v=${R[$1]# }; echo "${v// /, }"; }

row() { echo "| $1 | $2 | $3 | $4 | $5 | $6 |"; }
s1=${SERVED[0]} s2=${SERVED[1]} big=${OTHERS[-1]}
{
  echo "# Benchmarks (issue 8)"
  echo
  echo "Written by \`bash bench/run.sh$([ "$SMOKE" = 1 ] && echo ' --smoke')\` on $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- extension sql 2>/dev/null || echo ' plus uncommitted changes in extension/ or sql/'). The run took $((ELAPSED / 60)) min $((ELAPSED % 60)) s."
  echo "Figures are medians of $RUNS run(s) of $SECS s each (pgbench); every pair compared ran alternately in the same cluster."
  echo
  echo "## Results"
  echo
  echo "| # | what | measured (median) | ratio | target | |"
  echo "|---|---|---|---|---|---|"
  for i in 0 1 2; do
    r=$(ratio "$(med 1.po.$i)" "$(med 1.fl.$i)")
    row "1" "place_order vs floor, 1-5 lines, 2 clients, ${STOCK[$i]} stock rows" \
      "$(fmt "$(med 1.po.$i)") vs $(fmt "$(med 1.fl.$i)") tps" "${r}x" ">= 0.77x" "$(verdict "$r" ">=" 0.77)"
  done
  for lines in 5 20; do
    r=$(ratio "$(med 2.po.$lines)" "$(med 2.bl.$lines)")
    t=$([ $lines = 5 ] && echo 3 || echo 5)
    row "2" "place_order vs baseline, $lines lines, 2 clients, ${STOCK[1]} stock rows" \
      "$(fmt "$(med 2.po.$lines)") vs $(fmt "$(med 2.bl.$lines)") tps" "${r}x" ">= ${t}x" "$(verdict "$r" ">=" $t)"
  done
  r=$(ratio "$(med 3.lat.2)" "$(med 3.lat.0)")
  row "3" "place_order median latency, 1 client, ${STOCK[2]} vs ${STOCK[0]} stock rows" \
    "$(med 3.lat.2) vs $(med 3.lat.0) ms" "${r}x" "<= 1.2x" "$(verdict "$r" "<=" 1.2)"
  r=$(ratio "$(med 3.cpu.2)" "$(med 3.cpu.0)")
  row "3" "the same, server CPU per order (no WAL flush wait)" "$(med 3.cpu.2) vs $(med 3.cpu.0) us" "${r}x" "(<= 1.2x)" "$(verdict "$r" "<=" 1.2)"
  for s in "$s1" "$s2"; do
    key=$([ "$s" = "$s1" ] && echo "5.s.0" || echo "4.s.$s")
    p=$(per_s "$s" "$(med "$key")")
    row "4" "one UPDATE serving $s waiting plans of one article" "$(med "$key") s = $p plans/s" "" \
      ">= 5000 plans/s" "$(verdict "$p" ">=" 5000)"
  done
  r=$(ratio "$(med "5.s.$big")" "$(med 5.s.0)")
  row "5" "#4 ($s1 plans) with $big other waiting plans" "$(med "5.s.$big") vs $(med 5.s.0) s" "${r}x" "<= 1.2x" "$(verdict "$r" "<=" 1.2)"
  r=$(ratio "$(med 6.off)" "$(med 6.on)")
  row "6" "one-row restocks, nothing waiting, 2 clients, triggers on vs off" \
    "$(fmt "$(med 6.on)") vs $(fmt "$(med 6.off)") tps" "${r}x (off/on)" "<= 1.10x" "$(verdict "$r" "<=" 1.10)"
  r=$(ratio "$(med 6.on.cpu)" "$(med 6.off.cpu)")
  row "6" "the same, server CPU per statement" "$(med 6.on.cpu) vs $(med 6.off.cpu) us" "${r}x" "(<= 1.10x)" "$(verdict "$r" "<=" 1.10)"
  r=$(ratio "$(med 7.on)" "$(med 7.off)")
  row "7" "one UPDATE of ${STOCK[1]} stock rows, nothing waiting, on vs off" "$(med 7.on) vs $(med 7.off) s" "${r}x" "<= 1.25x" "$(verdict "$r" "<=" 1.25)"
  r=$(ratio "$(med 8.wide)" "$(med 8.narrow)")
  row "8" "place_order median latency, 5 lines at $WIDE_FACILITIES vs $FACILITIES facilities" "$(med 8.wide) vs $(med 8.narrow) ms" "${r}x" "<= 2x" "$(verdict "$r" "<=" 2)"
  r=$(ratio "$(med 8.wide.cpu)" "$(med 8.narrow.cpu)")
  row "8" "the same, server CPU per order" "$(med 8.wide.cpu) vs $(med 8.narrow.cpu) us" "${r}x" "(<= 2x)" "$(verdict "$r" "<=" 2)"
  p99=$(core_ms "${R[core_50x500_p99_us]}")
  row "8" "core decision, 50 lines x 500 facilities (bench/core.sh), p99 (p50 $(core_ms "${R[core_50x500_p50_us]}") ms)" "$p99 ms" "" "< 1 ms" "$(verdict "$p99" "<" 1)"
  row "9" "waitroomd events/s to stdout (bench/daemon.sh)" "${R[daemon_stdout_events_per_s]}" "" ">= 5000/s" "$(verdict "${R[daemon_stdout_events_per_s]}" ">=" 5000)"
  row "9" "waitroomd events/s to a local webhook" "${R[daemon_webhook_events_per_s]}" "" ">= 1000/s" "$(verdict "${R[daemon_webhook_events_per_s]}" ">=" 1000)"
  row "9" "commit-to-publish latency at ${R[daemon_latency_rate_events_per_s]} events/s, p99 (p50 ${R[daemon_latency_p50_ms]} ms)" "${R[daemon_latency_p99_ms]} ms" "" "<= 50 ms" "$(verdict "${R[daemon_latency_p99_ms]}" "<=" 50)"
  [ -n "${R[timeouts]:-}" ] && echo && echo "Restocks stopped by statement_timeout ($RESTOCK_TIMEOUT, counted as $RESTOCK_TIMEOUT):${R[timeouts]}."
  echo
  echo "## Every run"
  echo
  echo "| figure | runs |"
  echo "|---|---|"
  for i in 0 1 2; do
    echo "| #1 ${STOCK[$i]} rows: place_order tps / floor tps | $(runs 1.po.$i) / $(runs 1.fl.$i) |"
    echo "| #1 ${STOCK[$i]} rows: server CPU per order, place_order / floor (us) | $(runs 1.po.cpu.$i) / $(runs 1.fl.cpu.$i) |"
  done
  for lines in 5 20; do
    echo "| #2 $lines lines: place_order tps / baseline tps | $(runs 2.po.$lines) / $(runs 2.bl.$lines) |"
    echo "| #2 $lines lines: server CPU per order, place_order / baseline (us) | $(runs 2.po.cpu.$lines) / $(runs 2.bl.cpu.$lines) |"
  done
  for i in 0 1 2; do echo "| #3 ${STOCK[$i]} rows: median latency (ms) / server CPU per order (us) | $(runs 3.lat.$i) / $(runs 3.cpu.$i) |"; done
  for n in "${OTHERS[@]}"; do echo "| #4/#5 $s1 plans served, $n others waiting (s) | $(runs 5.s.$n) |"; done
  echo "| #4 $s2 plans served (s) | $(runs "4.s.$s2") |"
  echo "| #6 tps on / off | $(runs 6.on) / $(runs 6.off) |"
  echo "| #6 server CPU per statement on / off (us) | $(runs 6.on.cpu) / $(runs 6.off.cpu) |"
  echo "| #7 seconds on / off | $(runs 7.on) / $(runs 7.off) |"
  echo "| #8 median latency $FACILITIES / $WIDE_FACILITIES facilities (ms) | $(runs 8.narrow) / $(runs 8.wide) |"
  echo "| #8 server CPU per order $FACILITIES / $WIDE_FACILITIES facilities (us) | $(runs 8.narrow.cpu) / $(runs 8.wide.cpu) |"
  echo
  echo "Server CPU per transaction is the user+system time of the pgbench backends (/proc/PID/stat,"
  echo "10 ms ticks) over the run, divided by the transactions: it does not count the WAL flush wait"
  echo "that dominates each commit with synchronous_commit on, so it shows the gap tps hides."
  echo
  echo "## Sequential scans"
  echo
  echo "Sequential scans of waitroom's tables during the pgbench runs (pg_stat_user_tables before and"
  echo "after each run, summed over all runs and sizes), by what ran. Rows per scan near a table's size"
  echo "mean a statement reads the whole table; the stock tables hold ${STOCK[*]} rows."
  echo
  echo "| what ran | table | seq scans | rows read | rows per scan |"
  echo "|---|---|---|---|---|"
  awk '{k = $1 " " $2; n[k] += $3; r[k] += $4} END {
         for (k in n) {split(k, a, " "); printf "| %s | %s | %d | %d | %.0f |\n", a[1], a[2], n[k], r[k], r[k] / n[k]}
       }' "$WORK/seqscans" | sort -t'|' -k5,5nr
  echo
  echo "## Machine and server"
  echo
  echo "- $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(free -g | awk '/^Mem/ {print $2}') GiB memory; data directory on $(df -h "$WORK" | awk 'NR == 2 {print $1}') ($(findmnt -n -o FSTYPE --target "$WORK"), rotational=$(cat /sys/block/"$(basename "$(df "$WORK" | awk 'NR == 2 {print $1}')")"/queue/rotational 2>/dev/null || echo '?')); a shared, noisy virtual machine."
  echo "- $(cat "$WORK/version")"
  echo "- Settings that differ from the defaults (test/lib/cluster.sh with WR_CLUSTER_DURABLE=1; fsync, synchronous_commit and full_page_writes are on, as by default):"
  echo
  echo '```'
  cat "$WORK/settings"
  echo '```'
  echo
  echo "## Data (bench/gen/, generated at every run, then ANALYZE)"
  echo
  echo "- #1-#3: databases of $FACILITIES facilities x ${SIZES[*]} articles, every (facility, article) listed (NONE) and stocked with $ON_HAND on hand: ${STOCK[*]} stock rows (bench/gen/network.sql); $HISTORY one-line orders placed before ANALYZE, so the order tables have a history and statistics, as on a live system."
  echo "- Orders (bench/order.sql, for each of the three functions): distinct random articles, quantity 1-3, a random consumer location in the facilities' map, a new tenantOrderId each. Routing strategy: the default (split on, waiting room on); everything is in stock, so every order is routed whole to the nearest facility."
  echo "- #8: $NARROW_ARTICLES articles at $FACILITIES facilities and $NARROW_ARTICLES others at $WIDE_FACILITIES facilities, in one database; 5-line orders of either."
  echo "- #4/#5: articles listed BACKORDER with 0 on hand at $FACILITIES facilities; ${SERVED[*]} one-line plans waiting for one article each (bench/gen/waiting.sql, set-based), plus ${OTHERS[*]} plans waiting for $OTHER_ARTICLES other articles, one database per size. The restock raises one stock row by the number of plans; each run checks that exactly that many plans became ROUTED and none of them still waits, then rolls back."
  echo "- The floor (bench/floor.sql) writes what place_order writes for a routed order at a facility drawn by the script; the baseline (bench/baseline/router.sql) is a plain PL/pgSQL router (its design is in its header)."
  echo
  echo "## Commands"
  echo
  echo '```'
  sort -u "$WORK/commands"
  echo '```'
  if [ "$SMOKE" = 0 ]; then
    echo
    echo "## Plots"
    echo
    echo "![#1](bench-1-throughput.png) ![#3](bench-3-latency.png) ![#5](bench-5-waiting-room.png)"
  fi
  # The hand-written analysis of missed targets (profiles, what would close them).
  if [ "$SMOKE" = 0 ] && [ -f "$BENCH_DIR/NOTES.md" ]; then cat "$BENCH_DIR/NOTES.md"; fi
} >"$OUT/RESULTS.md.new"
mv "$OUT/RESULTS.md.new" "$OUT/RESULTS.md"

if [ "$SMOKE" = 0 ]; then
  {
    for i in 0 1 2; do echo "1 ${STOCK[$i]} $(med 1.po.$i) $(med 1.fl.$i)"; done
    for i in 0 1 2; do echo "3 ${STOCK[$i]} $(med 3.lat.$i)"; done
    for n in "${OTHERS[@]}"; do echo "5 $n $(per_s "$s1" "$(med "5.s.$n")")"; done
  } >"$WORK/plot.txt"
  /usr/bin/python3 "$BENCH_DIR/plot.py" "$WORK/plot.txt" "$OUT" "$s1"
fi
say "done: $OUT/RESULTS.md"
