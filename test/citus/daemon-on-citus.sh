# shellcheck shell=bash disable=SC2154,SC2016  # tmp and the helpers are suite 80's; bash -c scripts
# waitroomd on the Citus cluster of suite 80 (issue 13, point 3; docs/scaling.md "waitroomd on a
# cluster"). Sourced by test/suites/80-citus.sh last, with its cluster running and its helpers
# (P, Q, check, ok, not_ok, note, show, port_of, body, restock, json, tmp, ROOT) defined.
# Proves, with the daemon running as a login granted only waitroom_daemon:
#   - it finds the workers and keeps a LISTEN session on each (the NOTIFY of an event is sent on
#     the worker holding its tenant): with a 60 s backstop poll, a new event of a tenant on
#     either worker is published within seconds;
#   - every event of two tenants on different workers is published at least once, in order per
#     order (stdout, compared with waitroom.event);
#   - release_due runs for every tenant (a pre-order of each tenant is released on its worker);
#   - a worker restart: while it is down the other worker's tenant is still served, and after
#     it the daemon listens there again and serves its tenant; the daemon never exits.

daemon_tenants() {  # two tenants on different workers, not used by the blocks before
  local a=dA b='' t
  for t in dB dC dD dE dF dG dH dI dJ; do
    [ "$(port_of "$t")" != "$(port_of "$a")" ] && { b=$t; break; }
  done
  echo "$a $b"
}
read -r DA DB < <(daemon_tenants)
note "waitroomd: tenant $DA on port $(port_of "$DA"), $DB on port $(port_of "$DB")"
for t in "$DA" "$DB"; do
  P 0 >/dev/null <<SQL || not_ok "network of $t"
INSERT INTO waitroom.facility (facility_ref, tenant_id, lat, lon) VALUES ('F1', '$t', 48.1, 11.5), ('F3', '$t', 50.1, 8.7);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from, tenant_id)
VALUES ('F1', 'A2', 'NONE', NULL, '$t'), ('F3', 'P1', 'PREORDER', now() + interval '8 s', '$t');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand, tenant_id)
VALUES ('F1', 'A2', 1000000, '$t'), ('F3', 'P1', 100, '$t');
INSERT INTO waitroom.routing_strategy (tenant_id, use_waiting_room_for_pre_back_order_items) VALUES ('$t', true);
SQL
  # Events before the daemon starts: several orders, each with several events (a cancel too).
  for i in 1 2 3; do Q 0 "SELECT waitroom.place_order('$(body "pre$i" A2 2)', '$t')" >/dev/null; done
  Q 0 "SELECT waitroom.cancel_order((SELECT order_id FROM waitroom.orders WHERE tenant_id = '$t'
          AND tenant_order_id = 'pre2'), NULL, '$t')" >/dev/null
  # A pre-order: it waits until the listing's date, then release_due() routes it.
  Q 0 "SELECT waitroom.place_order('$(body preorder P1 1)', '$t')" >/dev/null
done
check "a pre-order of each tenant waits for its date (PREORDER_NOT_RELEASED)" \
  test "$(Q 0 "SELECT string_agg(p.status, ',') FROM waitroom.routing_plan p
                 JOIN waitroom.orders o USING (tenant_id, order_id)
                WHERE p.tenant_id IN ('$DA', '$DB') AND o.tenant_order_id = 'preorder'")" = "WAITING,WAITING"

note "building waitroomd"
if cmake -S . -B build >"$tmp/daemon-build.log" 2>&1 &&
   cmake --build build -j2 --target waitroomd >>"$tmp/daemon-build.log" 2>&1; then
  ok "waitroomd builds"
else
  not_ok "waitroomd builds"; show_log "$tmp/daemon-build.log" 20
fi
P 0 -c "CREATE ROLE wr_citus_daemon LOGIN IN ROLE waitroom_daemon" >/dev/null
check "the daemon's login (granted waitroom_daemon) exists on both workers" \
  test "$(Q 0 "SELECT string_agg(result, ',') FROM run_command_on_workers(
              \$\$SELECT pg_has_role('wr_citus_daemon', 'waitroom_daemon', 'MEMBER')\$\$)")" = "t,t"

C0=${WR_CITUS_PORTS[0]}
dout=$tmp/daemon.out derr=$tmp/daemon.err
# A client: it runs as whoever runs the suite.
"$ROOT/build/service/waitroomd" \
  --conninfo "host=$WR_CITUS_DIR port=$C0 user=wr_citus_daemon dbname=postgres" \
  --name citusd --http-port 0 --poll-interval 60 --release-due-interval 2 \
  --reconnect-base 0.2 --reconnect-max 1 >"$dout" 2>"$derr" &
dpid=$!

pending() {  # deliveries of the stdout sink not yet published, both tenants
  Q 0 "SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'stdout' AND state = 'pending'
          AND tenant_id IN ('$DA', '$DB')"
}
wait_for() {  # SECONDS COMMAND...: until the command succeeds; the seconds it took, or fails
  local limit=$1 t0=$SECONDS; shift
  while ! "$@"; do
    [ $((SECONDS - t0)) -ge "$limit" ] && return 1
    sleep 0.2
  done
  echo "$((SECONDS - t0))"
}
none_pending() { [ "$(pending)" = 0 ]; }
# Every event of the two tenants, against what the daemon printed: each at least once, and per
# (tenant, order) their first appearances in increasing event_id order.
published_check() {
  Q 0 "SELECT tenant_id || ' ' || event_id FROM waitroom.event WHERE tenant_id IN ('$DA', '$DB')" \
    >"$tmp/daemon-events.txt"
  python3 - "$tmp/daemon-events.txt" "$dout" <<'PY'
import json, sys
want = {tuple(l.split()) for l in open(sys.argv[1]) if l.strip()}
seen, order_seq = set(), {}
for line in open(sys.argv[2]):
    e = json.loads(line)
    key = (e["payload"].get("tenantId", "default"), str(e["eventId"]))
    if key not in want or key in seen:
        continue
    seen.add(key)
    lane = (key[0], e["payload"].get("orderId"))
    order_seq.setdefault(lane, []).append(int(e["eventId"]))
missing = want - seen
bad = [lane for lane, ids in order_seq.items() if ids != sorted(ids)]
print(f"{len(want)} events, {len(seen)} published, {len(missing)} missing, {len(bad)} orders out of order")
sys.exit(1 if missing or bad or not want else 0)
PY
}

if took=$(wait_for 30 none_pending); then
  ok "waitroomd on the coordinator publishes the backlog of both tenants (${took} s)"
else
  not_ok "waitroomd publishes the backlog of both tenants ($(pending) pending)"; show_log "$derr" 15
fi
check "it listens on both workers (node_listening for each)" \
  test "$(grep '"action":"node_listening"' "$derr" | grep -oE '"node":"[^"]*"' | sort -u | wc -l)" = 2
res=$(published_check); rc=$?
check "every event of $DA and $DB published at least once, in order per order ($res)" test "$rc" = 0

# Wake-ups from each worker: the poll is 60 s, so seconds mean a NOTIFY reached the daemon.
for t in "$DA" "$DB"; do
  Q 0 "SELECT waitroom.place_order('$(body "wake-$t" A2 1)', '$t')" >/dev/null
  if took=$(wait_for 10 none_pending); then
    ok "an order of $t (worker port $(port_of "$t")) is published within seconds of its NOTIFY (${took} s; poll 60 s)"
  else
    not_ok "an order of $t is published within 10 s (poll 60 s: the worker's NOTIFY was not heard)"
  fi
done

released() {
  [ "$(Q 0 "SELECT count(*) FROM waitroom.routing_plan p JOIN waitroom.orders o USING (tenant_id, order_id)
             WHERE p.tenant_id IN ('$DA', '$DB') AND o.tenant_order_id = 'preorder'
               AND p.status = 'ROUTED'")" = 2 ]
}
if took=$(wait_for 30 released); then
  ok "release_due runs for every tenant: both tenants' pre-orders released on their workers (${took} s)"
else
  not_ok "release_due released both tenants' pre-orders"; show_log "$derr" 15
fi
check "... and their events are published too" eval "wait_for 10 none_pending >/dev/null"
check "... by the daemon's release_due timer (its log counts both plans)" \
  test "$(grep '"action":"release_due"' "$derr" | grep -oE '"plans_changed":[0-9]+' | cut -d: -f2 |
          awk '{s += $1} END {print s + 0}')" -ge 2

# A worker restart: the node of $DB goes down while the daemon runs.
wb=$(wr_citus_node_of_port "$(port_of "$DB")")
wr_citus_ctl "$wb" stop
Q 0 "SELECT waitroom.place_order('$(body down-a A2 1)', '$DA')" >/dev/null
if took=$(wait_for 15 bash -c "[ \"\$(psql -X -At -h '$WR_CITUS_DIR' -p $C0 -U postgres -d postgres -c \"
          SELECT count(*) FROM waitroom.delivery d JOIN waitroom.orders o ON o.tenant_id = d.tenant_id
              AND o.order_id = d.order_id
           WHERE d.tenant_id = '$DA' AND o.tenant_order_id = 'down-a' AND d.subscription_id = 'stdout'
             AND d.state = 'pending'\")\" = 0 ]"); then
  ok "while $DB's worker is down, $DA's new order is published (${took} s)"
else
  not_ok "while $DB's worker is down, $DA's new order is published"; show_log "$derr" 15
fi
wr_citus_ctl "$wb" start
sleep 1
Q 0 "SELECT waitroom.place_order('$(body up-b A2 1)', '$DB')" >/dev/null
if took=$(wait_for 20 none_pending); then
  ok "after the restart $DB's new order is published (${took} s)"
else
  not_ok "after the restart $DB's new order is published ($(pending) pending)"; show_log "$derr" 20
fi
check "... the daemon lost the worker's LISTEN session and listened there again" \
  bash -c 'grep -q "\"action\":\"node_listen_failed\"" "$1" &&
           [ "$(grep -c "\"action\":\"node_listening\"" "$1")" -ge 3 ]' _ "$derr"
check "... and it is still running" kill -0 "$dpid"
res=$(published_check); rc=$?
check "every event of both tenants published at least once, in order per order, after all that ($res)" \
  test "$rc" = 0
kill -TERM "$dpid" 2>/dev/null
wait "$dpid"
check "waitroomd stops cleanly on SIGTERM" test $? = 0
check "it logged no unexpected_error" bash -c '! grep -q "\"action\":\"unexpected_error\"" "$1"' _ "$derr"
check "its stderr is JSON lines only (the nodes' shutdown notices too)" \
  bash -c '[ -s "$1" ] && ! grep -qv "^{" "$1"' _ "$derr"
note "waitroomd log: $(grep -oE '"action":"[a-z_]*"' "$derr" | sort | uniq -c | sort -rn | tr -s ' ' | tr '\n' ';')"
