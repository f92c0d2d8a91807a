#!/usr/bin/env bash
# Suite 62: the dashboard waitroomd serves on its HTTP port (docs/dashboard.md), loaded in
# headless Chromium against a throwaway cluster in a known state (test/dashboard/state.sql):
# what the page's script rendered from /dashboard.json (DOM), a screenshot of it (size, not
# blank, the chart's and bars' colours drawn), an article id that is markup shown as text,
# the security headers, the page when the database is unreachable, and delivery going on while
# the dashboard's session waits on a lock.
# WR_WAITROOMD=<binary> tests another build (e.g. a broken one, to see the checks fail).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

pass=0 fail=0
ok()     { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
note()   { echo "# $*"; }
finish() {
  if [ "$fail" -gt 0 ] && [ -f "${TMP:-}/waitroomd.err" ]; then
    note "--- waitroomd.err"; tail -n 15 "$TMP/waitroomd.err" | sed 's/^/#   /'
  fi
  echo "suite-result: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
}

# ------------------------------------------------------------------ build, browser, cluster
if [ -n "${WR_WAITROOMD:-}" ]; then
  WAITROOMD=$WR_WAITROOMD
else
  note "building waitroomd"
  cmake -S . -B build >/tmp/62-build.log 2>&1 &&
    cmake --build build -j2 --target waitroomd >>/tmp/62-build.log 2>&1
  WAITROOMD=$ROOT/build/service/waitroomd
fi
check "waitroomd builds" test -x "$WAITROOMD"
CHROMIUM=$(command -v chromium || true)
check "chromium is installed (test/install-deps.sh)" test -n "$CHROMIUM"
[ -x "$WAITROOMD" ] && [ -n "$CHROMIUM" ] || finish
if ! (make -s -j2 >/tmp/62-make.log 2>&1 && make -s install >>/tmp/62-make.log 2>&1); then
  not_ok "extension builds and installs"; finish
fi

source test/lib/cluster.sh
TMP=$(mktemp -d /tmp/waitroom-62.XXXXXX)
DAEMON_PID=
cleanup() {
  [ -n "$DAEMON_PID" ] && kill -KILL "$DAEMON_PID" 2>/dev/null
  [ -n "${LOCK_PID:-}" ] && kill "$LOCK_PID" 2>/dev/null
  wait 2>/dev/null
  wr_cluster_stop
  rm -rf "$TMP"
}
wr_cluster_start || { not_ok "cluster starts"; finish; }
trap cleanup EXIT
check "a known waiting room: 5 plans waiting for two reasons, one released, one dead letter" \
  wr_psql -o /dev/null -c "CREATE EXTENSION waitroom" \
    -c "CREATE ROLE dashboard_login LOGIN IN ROLE waitroom_daemon" -f test/dashboard/state.sql

# As the daemon runs in production: a login granted waitroom_daemon (README), nothing more.
PORT=$(wr_free_port)
URL=http://127.0.0.1:$PORT
PGUSER=dashboard_login "$WAITROOMD" --http-port "$PORT" --no-webhooks --poll-interval 1 \
  --release-due-interval 0 --purge-interval 0 >"$TMP/waitroomd.out" 2>"$TMP/waitroomd.err" &
DAEMON_PID=$!
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "$URL/healthz" && break
  sleep 0.1
done

# ------------------------------------------------------------------ headers and Host
curl -s -D "$TMP/headers" -o /dev/null "$URL/"
header() { grep -qi "^$1: $2" "$TMP/headers"; }
check "the page has a Content-Security-Policy: scripts, styles and fetches from itself only" \
  header Content-Security-Policy "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
check "the page has X-Content-Type-Options: nosniff" header X-Content-Type-Options nosniff
foreign=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: rebound.example:$PORT" "$URL/dashboard.json")
check "dashboard.json refuses a Host that is a foreign name (DNS rebinding): $foreign" \
  test "$foreign" = 403

# ------------------------------------------------------------------ the rendered page
# render OUT: the DOM after the script ran (virtual time: the first poll has answered).
render() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --virtual-time-budget=4000 \
    --dump-dom "$URL/" >"$TMP/$1.html" 2>"$TMP/chromium.log"
  python3 test/dashboard/dom_text.py "$TMP/$1.html" >"$TMP/$1.txt"
}
# shows LINE [FILE]: the page rendered exactly this line (dom_text.py's format)
shows() { grep -qxF -- "$1" "$TMP/${2:-page}.txt" || { note "missing: $1"; return 1; }; }
shows_prefix() { grep -qF -- "$1" "$TMP/${2:-page}.txt" || { note "missing: $1"; return 1; }; }

render page
check "tiles: 5 plans waiting, 5 waiting lines, 1 dead letter" \
  eval 'shows "#plans-waiting: 5" && shows "#waiting-lines: 5" && shows "#deliveries-dead: 1"'
check "by reason: BACKORDER_NO_STOCK 3 lines, PREORDER_NOT_RELEASED 2" \
  eval 'shows "reasons | BACKORDER_NO_STOCK | 3 | 3 | " && shows "reasons | PREORDER_NOT_RELEASED | 2 | 2 | "'
check "by article: sku-back 2 lines, sku-pre 2 lines, with their reason" \
  eval 'shows "articles | sku-back | 2 | 2 | BACKORDER_NO_STOCK 2" &&
        shows "articles | sku-pre | 2 | 2 | PREORDER_NOT_RELEASED 2"'
check "oldest waits with queue positions: B-2 1 of 2, B-3 2 of 2 (B-1 was released), P-2 2 of 2" \
  eval 'shows_prefix "oldest | B-2 | sku-back | 1 | BACKORDER_NO_STOCK | 1 of 2 | " &&
        shows_prefix "oldest | B-3 | sku-back | 1 | BACKORDER_NO_STOCK | 2 of 2 | " &&
        shows_prefix "oldest | P-2 | sku-pre | 1 | PREORDER_NOT_RELEASED | 2 of 2 | "'
check "releases over the last hour: 1 released, 6 entered" \
  shows "#releases-total: Plans released: 1, entered: 6 (at most 6 in one minute)."
check "event lag: the paused webhook with its dead letter, stdout" \
  eval 'shows "subscriptions | hook (paused) | webhook | – | – | 1" &&
        shows_prefix "subscriptions | stdout | stdout | "'
check "dead letters: hook's event 1 after 3 attempts (HTTP 500), 3 events held back" \
  shows "dead-letters | hook | 1 | ORDER_CREATED | 3 | HTTP 500 | 3"
check "no error banner while the database answers" shows "#db-error [hidden]: "
# The article id <img src=x onerror=document.title=1> is data: shown as text in both tables,
# never an element (innerHTML would make it one, and its cell's text empty).
check "a hostile article id is shown as text, and the page holds no img element" \
  eval 'shows "articles | <img src=x onerror=document.title=1> | 1 | 1 | BACKORDER_NO_STOCK 1" &&
        shows_prefix "oldest | X-1 | <img src=x onerror=document.title=1> | 1 | " &&
        shows "elements img: 0" && shows "title: waitroom dashboard"'

# ------------------------------------------------------------------ the screenshot
"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1000 \
  --virtual-time-budget=4000 --screenshot="$TMP/page.png" "$URL/" >/dev/null 2>&1
python3 test/dashboard/png_check.py "$TMP/page.png" '#2e9d5b' '#e08a1e' '#2f6fdd' \
  >"$TMP/png.txt" 2>&1
note "screenshot: $(tr '\n' ' ' <"$TMP/png.txt")"
check "the screenshot is a 1280x1000 PNG" grep -qx "size 1280x1000" "$TMP/png.txt"
colours=$(sed -n 's/^colours //p' "$TMP/png.txt")
check "the screenshot is not blank: ${colours:-no} distinct colours (>= 50)" \
  test "${colours:-0}" -ge 50
check "the screenshot shows the releases chart (released and entered bars) and the reason bars" \
  eval 'grep -qx "has #2e9d5b yes" "$TMP/png.txt" && grep -qx "has #e08a1e yes" "$TMP/png.txt" &&
        grep -qx "has #2f6fdd yes" "$TMP/png.txt"'

# ------------------------------------------------------------------ delivery is not held up
# A lock the dashboard's queries need (waiting_room reads stock): its session gives up after
# lock_timeout and says so, while the daemon's session delivers a new event meanwhile.
wr_psql -c "BEGIN; LOCK waitroom.stock; SELECT pg_sleep(6); COMMIT" >/dev/null 2>&1 &
LOCK_PID=$!
sleep 2.5  # the lock is held, and the dashboard's 2 s cache has expired
wr_psql -c "INSERT INTO waitroom.event (event, payload) VALUES ('ORDER_CREATED', '{\"probe\": \"dashboard-62\"}')"
start=$(date +%s%N)
answer=$(curl -s --max-time 5 "$URL/dashboard.json")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "while a lock holds the dashboard's query, dashboard.json answers within 5 s (${ms} ms) with the lock timeout" \
  eval 'python3 -c "import json,sys; e=json.loads(sys.argv[1])[\"database\"][\"error\"] or \"\"; sys.exit(not e.startswith(\"55P03\"))" "$answer"'
delivered=no
for _ in $(seq 1 30); do
  grep -q 'dashboard-62' "$TMP/waitroomd.out" && { delivered=yes; break; }
  sleep 0.1
done
check "meanwhile the daemon delivered the new event to stdout" test "$delivered" = yes
wait "$LOCK_PID" 2>/dev/null; LOCK_PID=
check "the dashboard reads over a session of its own (application_name 'waitroomd dashboard')" \
  test "$(wr_psql -At -c "SELECT count(*) FROM pg_stat_activity
                          WHERE application_name = 'waitroomd dashboard' AND usename = 'dashboard_login'")" = 1

# ------------------------------------------------------------------ database unreachable
wr_cluster_ctl stop
sleep 2.1  # past the dashboard's cache
render down
check "database down: the page says so, and shows no figure as current" \
  eval 'shows_prefix "#db-error: Database unreachable: " down && shows "#plans-waiting: –" down &&
        shows "oldest | not read yet" down'
finish
