# Helpers for test/suites/60-daemon.sh: daemons, receivers, event generation, waiting.
# Every process started here is recorded and stopped by daemon_cleanup.

WR_TMP=${WR_TMP:-$(mktemp -d /tmp/waitroomd-test.XXXXXX)}
declare -A WR_PIDS=()

# start_daemon NAME [waitroomd options...]: stdout -> $WR_TMP/NAME.out, log -> NAME.err.
# Connects as $WR_DAEMON_USER (a login granted waitroom_daemon), not as the superuser.
start_daemon() {
  local name=$1; shift
  PGUSER=$WR_DAEMON_USER "$WAITROOMD" --name "$name" "$@" >>"$WR_TMP/$name.out" 2>>"$WR_TMP/$name.err" &
  WR_PIDS[$name]=$!
}

# stop_daemon NAME: SIGTERM, then wait; returns the daemon's exit status.
stop_daemon() {
  local pid=${WR_PIDS[$1]:-}; [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  local rc=0; wait "$pid" || rc=$?
  unset "WR_PIDS[$1]"
  return $rc
}

kill9_daemon() {
  local pid=${WR_PIDS[$1]:-}; [ -n "$pid" ] || return 0
  kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  unset "WR_PIDS[$1]"
}

# start_receiver NAME MODE [receiver.py options...]: sets WR_PORT once it listens.
# Log: $WR_TMP/NAME.log
# (Not for $(...): the subshell would keep the receiver's pid to itself and wait for it.)
start_receiver() {
  local name=$1 mode=$2; shift 2
  python3 "$WR_DAEMON_TESTS/receiver.py" --port-file "$WR_TMP/$name.port" \
    --log "$WR_TMP/$name.log" --secret "$WR_SECRET" --mode "$mode" "$@" >/dev/null 2>&1 &
  WR_PIDS[$name]=$!
  WR_PORT=
  for _ in $(seq 1 100); do
    [ -s "$WR_TMP/$name.port" ] && { WR_PORT=$(cat "$WR_TMP/$name.port"); return 0; }
    sleep 0.05
  done
  return 1
}

stop_receiver() { kill9_daemon "$1"; }

daemon_cleanup() {
  local name
  for name in "${!WR_PIDS[@]}"; do kill -KILL "${WR_PIDS[$name]}" 2>/dev/null; done
  wait 2>/dev/null
  WR_PIDS=()
}

# gen_events TAG FROM_SEQ TO_SEQ ORDERS: events of orders 1..ORDERS of test run TAG, payload
# {"run", "order", "seq"}; one statement, seq-major, so event_id follows seq within an order.
gen_events() {
  local tag=$1 from=$2 to=$3 orders=$4
  wr_psql -c "INSERT INTO waitroom.event (event, order_id, payload)
    SELECT 'ORDER_CREATED',
           format('%s-0000-4000-8000-%s', left(md5('$tag'), 8), lpad(o::text, 12, '0'))::uuid,
           jsonb_build_object('run', '$tag', 'order', o, 'seq', s)
      FROM generate_series($from, $to) s, generate_series(1, $orders) o
     ORDER BY s, o"
}

# expected_events TAG FILE: "event_id<TAB>order_id" of run TAG, for check_delivery.py
expected_events() {
  wr_psql -At -F $'\t' -c "SELECT event_id, order_id FROM waitroom.event
                             WHERE payload->>'run' = '$1' ORDER BY event_id" >"$2"
}

# delivered_count TAG SUBSCRIPTION [STATE]
delivered_count() {
  wr_psql -At -c "SELECT count(*) FROM waitroom.delivery d JOIN waitroom.event e USING (event_id)
                   WHERE e.payload->>'run' = '$1' AND d.subscription_id = '$2'
                     AND d.state = '${3:-delivered}'"
}

# wait_for SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
wait_for() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# lines_at_least N FILE
# (grep -c prints 0 and fails when nothing matches; a missing file prints nothing.)
lines_at_least() {
  local n
  n=$(grep -c . "$2" 2>/dev/null)
  [ "${n:-0}" -ge "$1" ]
}

# count_is EXPECTED COMMAND...: the command prints EXPECTED.
count_is() { local want=$1; shift; [ "$("$@")" = "$want" ]; }

now_ms() { date +%s%3N; }

# healthz PORT BODY_FILE: prints the HTTP status of /healthz, keeps the body in BODY_FILE.
healthz() { curl -sS -o "$2" -w '%{http_code}' "http://127.0.0.1:$1/healthz"; }

metric() {  # metric PORT NAME_WITH_LABELS
  curl -fsS "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {print $2}'
}
