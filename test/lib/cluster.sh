# Throwaway PostgreSQL 15 cluster for tests and the demo. Source this file, then:
#   wr_cluster_start   # initdb into a temp dir, unix socket there, a free TCP port on loopback
#   wr_psql -c '...'   # psql against it (ON_ERROR_STOP, quiet)
#   wr_cluster_stop    # also run by an EXIT trap
# Tests run with fsync, synchronous_commit and full_page_writes off (fast, not crash-safe).
# WR_CLUSTER_DURABLE=1 keeps the server's default durability instead (for bench/run.sh),
# with more shared_buffers and max_wal_size for tables of a million rows.
# Exports PGHOST, PGPORT, PGUSER, PGDATABASE so libpq clients (pg_prove, waitroomd) find it.
# The server runs as the postgres user: it refuses root, and CI runs as root.

WR_PGBIN=${WR_PGBIN:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}
[ -x "$WR_PGBIN/initdb" ] || WR_PGBIN=/usr/lib/postgresql/15/bin

wr_as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

wr_free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! ss -ltnH 2>/dev/null | awk '{print $4}' | grep -q ":$port\$"; then
      echo "$port"; return 0
    fi
  done
  return 1
}

wr_cluster_start() {
  WR_CLUSTER_DIR=$(mktemp -d /tmp/waitroom-pg.XXXXXX)
  chmod 755 "$WR_CLUSTER_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$WR_CLUSTER_DIR"
  export PGPORT
  PGPORT=$(wr_free_port)
  export PGHOST=$WR_CLUSTER_DIR PGUSER=postgres PGDATABASE=postgres
  wr_as_postgres "$WR_PGBIN/initdb" -D "$WR_CLUSTER_DIR/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$WR_CLUSTER_DIR/initdb.log" 2>&1 || {
      cat "$WR_CLUSTER_DIR/initdb.log"; return 1; }
  cat >>"$WR_CLUSTER_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$WR_CLUSTER_DIR'
max_connections = 100
log_min_messages = warning
max_locks_per_transaction = 256
CONF
  if [ "${WR_CLUSTER_DURABLE:-0}" = 1 ]; then
    cat >>"$WR_CLUSTER_DIR/data/postgresql.conf" <<CONF
shared_buffers = 1GB
max_wal_size = 4GB
CONF
  else
    cat >>"$WR_CLUSTER_DIR/data/postgresql.conf" <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
CONF
  fi
  trap wr_cluster_stop EXIT
  wr_cluster_ctl start
}

wr_cluster_ctl() {  # start | stop | restart
  wr_as_postgres "$WR_PGBIN/pg_ctl" -D "$WR_CLUSTER_DIR/data" -l "$WR_CLUSTER_DIR/server.log" \
    -w -t 60 -m fast "$1" >/dev/null
}

wr_cluster_stop() {
  [ -n "${WR_CLUSTER_DIR:-}" ] && [ -d "$WR_CLUSTER_DIR" ] || return 0
  wr_as_postgres "$WR_PGBIN/pg_ctl" -D "$WR_CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WR_CLUSTER_DIR"
  WR_CLUSTER_DIR=
}

wr_psql() {
  psql -X -q -v ON_ERROR_STOP=1 "$@"
}
