#!/usr/bin/env bash
# Installs the probe extension wrprobe (test/citus/wrprobe.control, its script assembled from
# sql/src/10_schema.sql, sql/src/22_direct_writes.sql (the direct-write and dump-load triggers)
# and test/citus/wrprobe-tail.sql) into the install under $DESTDIR
# (or the system's). Usage: bash test/citus/install-probe.sh [REPO_ROOT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${1:-$(cd "$here/../.." && pwd)}
ext=${DESTDIR:-}$(pg_config --sharedir)/extension
cp "$here/wrprobe.control" "$ext/"
pieces=("$root/sql/src/10_schema.sql")
[ -f "$root/sql/src/22_direct_writes.sql" ] && pieces+=("$root/sql/src/22_direct_writes.sql")
cat "${pieces[@]}" "$here/wrprobe-tail.sql" >"$ext/wrprobe--1.0.sql"
