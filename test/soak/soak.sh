# The soak mix (suites 45 and 47). Source after test/lib/cluster.sh and wr_cluster_start.
#   soak_setup                 the network, logins and harness (setup.sql)
#   soak_start SECONDS DIR     starts the clients in the background, output in DIR
#   soak_wait                  waits for them; SOAK_RC is the worst pgbench exit status
#   soak_report DIR            prints clients, transactions per script and errors by SQLSTATE
# Clients (9): 4 app clients at READ COMMITTED and 2 at REPEATABLE READ (login soak_app,
# granted waitroom_app), 2 DBA clients (the owner: reroute_all, strategy switches, reservation
# recounts, assign_facility; 20 transactions/s together), 1 daemon client (soak_daemon,
# release_due, 5/s). Every call goes through soak.run(), which records an error instead of
# ending the client; soak.error is what reached callers.
SOAK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOAK_PIDS=()

soak_setup() { wr_psql -f "$SOAK_DIR/setup.sql" >/dev/null; }

# The REPEATABLE READ variant of a script: the same call in a transaction whose snapshot is
# taken by a read first (as an app that reads, then acts).
soak_rr_script() {  # SCRIPT OUT
  { grep '^\\set' "$SOAK_DIR/$1"
    echo 'BEGIN ISOLATION LEVEL REPEATABLE READ;'
    echo "SELECT count(*) FROM waitroom.waiting_room WHERE tenant_article_id = 'a01';"
    grep -v '^\\set\|^--' "$SOAK_DIR/$1"
    echo 'COMMIT;'; } >"$2"
}

soak_start() {  # SECONDS DIR
  local t=$1 dir=$2 s
  # Order numbers in play grow with the run, so a long run keeps placing new orders too.
  local -a orders=(-D "orders=$(( t * 150 > 2000 ? t * 150 : 2000 ))")
  for s in place restock_up cancel reroute assign; do soak_rr_script "$s.sql" "$dir/rr_$s.sql"; done
  local -a app=(-f "$SOAK_DIR/place.sql@10" -f "$SOAK_DIR/place_conflict.sql@1" -f "$SOAK_DIR/restock_up.sql@4"
                -f "$SOAK_DIR/restock_down.sql@3" -f "$SOAK_DIR/cancel.sql@2" -f "$SOAK_DIR/cancel_partial.sql@2"
                -f "$SOAK_DIR/reroute.sql@1" -f "$SOAK_DIR/assign.sql@1" -f "$SOAK_DIR/listing.sql@1"
                -f "$SOAK_DIR/preorder.sql@1" -f "$SOAK_DIR/facility.sql@1")
  local -a rr=(-f "$dir/rr_place.sql@4" -f "$dir/rr_restock_up.sql@3" -f "$dir/rr_cancel.sql@2"
               -f "$dir/rr_reroute.sql@1" -f "$dir/rr_assign.sql@1")
  local -a dba=(-f "$SOAK_DIR/reroute_all.sql@3" -f "$SOAK_DIR/strategy.sql@1" -f "$SOAK_DIR/recount.sql@3"
                -f "$SOAK_DIR/assign.sql@1")
  SOAK_PIDS=()
  pgbench -n -U soak_app -c 4 -j 2 -T "$t" "${orders[@]}" "${app[@]}" >"$dir/app.out" 2>"$dir/app.err" & SOAK_PIDS+=($!)
  pgbench -n -U soak_app -c 2 -j 1 -T "$t" "${orders[@]}" "${rr[@]}" >"$dir/rr.out" 2>"$dir/rr.err" & SOAK_PIDS+=($!)
  pgbench -n -U postgres -c 2 -j 1 -T "$t" -R "${WR_SOAK_DBA_RATE:-20}" "${dba[@]}" >"$dir/dba.out" 2>"$dir/dba.err" & SOAK_PIDS+=($!)
  pgbench -n -U soak_daemon -c 1 -T "$t" -R 5 -f "$SOAK_DIR/release_due.sql" >"$dir/daemon.out" 2>"$dir/daemon.err" & SOAK_PIDS+=($!)
}

soak_wait() {
  local p rc
  SOAK_RC=0
  for p in "${SOAK_PIDS[@]}"; do wait "$p"; rc=$?; [ "$rc" -gt "$SOAK_RC" ] && SOAK_RC=$rc; done
  SOAK_PIDS=()
}

soak_report() {  # DIR
  local dir=$1 run
  for run in app rr dba daemon; do
    echo "# $run: $(sed -n 's/^number of clients: //p' "$dir/$run.out") client(s), $(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$dir/$run.out") transactions, failed: $(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$dir/$run.out")"
    # per script: "SQL script N: path" then " - N transactions (...)"
    awk '/^SQL script [0-9]+:/ {name=$NF; sub(".*/", "", name)} /^ - [0-9]+ transactions/ && name {print "#   " name ": " $2; name=""}' "$dir/$run.out"
    grep -E 'ERROR|aborted' "$dir/$run.err" | sed -E 's/client [0-9]+/client N/' | sort | uniq -c | sort -rn | head -5 | sed 's/^/#   pgbench: /'
  done
}
