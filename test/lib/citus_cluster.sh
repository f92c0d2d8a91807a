# shellcheck shell=bash
# Throwaway Citus cluster for tests: a coordinator and WR_CITUS_WORKERS (default 2) workers, each
# its own initdb in one temp dir, as the postgres user (the server refuses root; CI runs as
# root). Source this file, then:
#   wr_citus_start          # initdb + start every node, CREATE EXTENSION citus on each, register
#                           # the coordinator and the workers (citus_set_coordinator_host,
#                           # citus_add_node); exports PGHOST/PGPORT/... for the coordinator
#   wr_citus_psql N ...     # psql against node N (0 = coordinator, 1.. = workers), ON_ERROR_STOP
#   wr_citus_ctl N start|stop|restart   # one node (a worker restart, say)
#   wr_citus_stop           # stops every node and removes the dir; also run by an EXIT trap
# Nodes talk to each other over TCP on 127.0.0.1 (trust auth, no SSL); clients use the unix
# sockets in $WR_CITUS_DIR. Ports: WR_CITUS_PORTS[N]. Settings are test settings: fsync,
# synchronous_commit and full_page_writes off (fast, not crash-safe); wal_level = logical so
# that citus_move_shard_placement can use logical replication as well as block_writes
# (WR_CITUS_WAL_LEVEL=replica starts the nodes without it). WR_CITUS_DURABLE=1 keeps the
# server's default durability instead (for benchmarks).
# The install used is WR_PGBIN's (a private DESTDIR copy, or the system's), which must hold
# citus (vendor/citus/build.sh) and, for waitroom tests, waitroom. pg_stat_statements is preloaded
# too, so that citus_stat_statements (citus.stat_statements_track = 'all') can show where calls ran.

WR_PGBIN=${WR_PGBIN:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}
[ -x "$WR_PGBIN/initdb" ] || WR_PGBIN=/usr/lib/postgresql/15/bin

wr_citus_as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A free TCP port on loopback, not one of the ports already handed out in this cluster.
wr_citus_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 30000 ))
    case " ${WR_CITUS_PORTS[*]:-} " in *" $port "*) continue ;; esac
    if ! ss -ltnH 2>/dev/null | awk '{print $4}' | grep -q ":$port\$"; then
      echo "$port"; return 0
    fi
  done
  return 1
}

wr_citus_start() {
  local n=${WR_CITUS_WORKERS:-2} i port
  WR_CITUS_DIR=$(mktemp -d /tmp/waitroom-citus.XXXXXX)
  chmod 755 "$WR_CITUS_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$WR_CITUS_DIR"
  WR_CITUS_PORTS=()
  trap wr_citus_stop EXIT
  for i in $(seq 0 "$n"); do
    port=$(wr_citus_free_port) || { echo "wr_citus_start: no free port" >&2; return 1; }
    WR_CITUS_PORTS[i]=$port
    wr_citus_as_postgres "$WR_PGBIN/initdb" -D "$WR_CITUS_DIR/node$i" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$WR_CITUS_DIR/initdb$i.log" 2>&1 || {
        cat "$WR_CITUS_DIR/initdb$i.log"; return 1; }
    cat >>"$WR_CITUS_DIR/node$i/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$WR_CITUS_DIR'
shared_preload_libraries = 'citus,pg_stat_statements'
citus.node_conninfo = 'sslmode=disable'
max_connections = 120
max_locks_per_transaction = 256
max_worker_processes = 16
wal_level = ${WR_CITUS_WAL_LEVEL:-logical}
max_replication_slots = 16
max_wal_senders = 16
log_min_messages = warning
shared_buffers = 64MB
CONF
    # WR_CITUS_DURABLE=1 keeps the server's default durability (for benchmarks).
    [ "${WR_CITUS_DURABLE:-0}" = 1 ] || printf '%s\n' "fsync = off" "synchronous_commit = off" \
      "full_page_writes = off" >>"$WR_CITUS_DIR/node$i/postgresql.conf"
    # The port can be taken between the check and the start (other clusters on the machine):
    # then another one, a few times.
    local try
    for try in 1 2 3 4; do
      wr_citus_ctl "$i" start && break
      if [ "$try" = 4 ] || ! grep -q 'Address already in use' "$WR_CITUS_DIR/server$i.log"; then
        tail -20 "$WR_CITUS_DIR/server$i.log"; return 1
      fi
      port=$(wr_citus_free_port) || return 1
      WR_CITUS_PORTS[i]=$port
      sed -i "s/^port = .*/port = $port/" "$WR_CITUS_DIR/node$i/postgresql.conf"
    done
  done
  export PGHOST=$WR_CITUS_DIR PGPORT=${WR_CITUS_PORTS[0]} PGUSER=postgres PGDATABASE=postgres
  for i in $(seq 0 "$n"); do
    wr_citus_psql "$i" -c 'CREATE EXTENSION citus' || return 1
  done
  wr_citus_psql 0 -c "SELECT citus_set_coordinator_host('127.0.0.1', ${WR_CITUS_PORTS[0]})" \
    >/dev/null || return 1
  for i in $(seq 1 "$n"); do
    wr_citus_psql 0 -c "SELECT citus_add_node('127.0.0.1', ${WR_CITUS_PORTS[$i]})" >/dev/null \
      || return 1
  done
}

wr_citus_ctl() {  # N start | stop | restart
  wr_citus_as_postgres "$WR_PGBIN/pg_ctl" -D "$WR_CITUS_DIR/node$1" \
    -l "$WR_CITUS_DIR/server$1.log" -w -t 60 -m fast "$2" >/dev/null
}

wr_citus_stop() {
  [ -n "${WR_CITUS_DIR:-}" ] && [ -d "$WR_CITUS_DIR" ] || return 0
  local d
  for d in "$WR_CITUS_DIR"/node*; do
    wr_citus_as_postgres "$WR_PGBIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true
  done
  rm -rf "$WR_CITUS_DIR"
  WR_CITUS_DIR=
}

wr_citus_psql() {  # N [psql args...]
  local i=$1; shift
  psql -X -q -v ON_ERROR_STOP=1 -h "$WR_CITUS_DIR" -p "${WR_CITUS_PORTS[$i]}" -U postgres \
    -d postgres "$@"
}

# The worker node (1..) whose port is PORT, for mapping citus_shards.nodeport back to an index.
wr_citus_node_of_port() {
  local i
  for i in "${!WR_CITUS_PORTS[@]}"; do
    [ "${WR_CITUS_PORTS[$i]}" = "$1" ] && { echo "$i"; return 0; }
  done
  return 1
}
