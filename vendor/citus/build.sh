#!/usr/bin/env bash
# Builds Citus 13.2.2 (the distributed engine waitroom scales out on; Debian has no package)
# from the source release vendored beside this script, and installs it into the PostgreSQL 15
# that pg_config names, or under $DESTDIR (a private copy of that install, as the tests use).
#
# Patches (vendor/citus/*.patch, applied in name order):
#   null-distribution-arg.patch  a call of a distributed function whose distribution argument is
#                                NULL (waitroom's tenant_id DEFAULT NULL) crashed the backend
#                                (signal 11, hashing a NULL text); with it the call runs where
#                                it was sent, undelegated
#   pg15-minor-compat.patch      current PostgreSQL 15 minors export have_createdb_privilege(),
#                                which Citus 13.2.2 defines too (applied only then)
# Cached: the install gets a stamp (sha256 of the tarball and the patches); when the stamp and
# citus.so are present and match, the build is skipped. FORCE=1 rebuilds anyway.
#
# Usage: bash vendor/citus/build.sh            (as root on a fresh Debian 12 machine after
#                                               test/install-deps.sh: installs the two extra
#                                               build dependencies, libkrb5-dev libzstd-dev)
# Env:   PG_CONFIG (default pg_config), DESTDIR (default: none, the real install),
#        CITUS_BUILD_DIR (kept; default: a temp dir, removed afterwards), JOBS (default 2).
# The build takes about 3 minutes on 2 cores; the cached case well under a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=13.2.2
tarball=$here/citus-$version.tar.gz
pg_config=${PG_CONFIG:-pg_config}
destdir=${DESTDIR:-}
libdir=$("$pg_config" --pkglibdir)
sharedir=$("$pg_config" --sharedir)
stamp=$destdir$sharedir/extension/citus.vendor-stamp
want=$(cat "$tarball" "$here"/*.patch | sha256sum | cut -d' ' -f1)

# One build at a time per install: test/run-all.sh starts one in the background, and suite 80's
# own call then waits here and finds it installed.
exec 9>"/tmp/citus-build.$(echo "$destdir$libdir" | sha256sum | cut -c1-12).lock"
flock 9

if [ "${FORCE:-0}" != 1 ] && [ -f "$destdir$libdir/citus.so" ] && [ -f "$stamp" ] \
   && [ "$(cat "$stamp")" = "$want" ]; then
  echo "citus $version: up to date in ${destdir:-/} (stamp $want)"
  exit 0
fi

# Build dependencies beyond test/install-deps.sh. Debian's PostgreSQL is built --with-gssapi
# and --with-zstd: its server header libpq/libpq-be.h includes <gssapi/gssapi.h> (libkrb5-dev),
# and its pg_config.h defines HAVE_LIBZSTD, which makes Citus's columnar code include <zstd.h>
# (libzstd-dev). Citus is configured without libcurl (anonymous statistics) and lz4 (a second
# columnar codec), so neither libcurl4-openssl-dev nor liblz4-dev is needed.
need=()
for p in libkrb5-dev libzstd-dev postgresql-server-dev-15 build-essential; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "citus build: missing Debian packages: ${need[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "citus build: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

build=${CITUS_BUILD_DIR:-}
if [ -z "$build" ]; then
  build=$(mktemp -d /tmp/citus-build.XXXXXX)
  trap 'rm -rf "$build"' EXIT
fi
mkdir -p "$build"
rm -rf "$build/citus-$version"
tar -xzf "$tarball" -C "$build"
cd "$build/citus-$version"
for p in "$here"/*.patch; do
  if [ "$(basename "$p")" = pg15-minor-compat.patch ] \
     && ! grep -q 'have_createdb_privilege' "$("$pg_config" --includedir-server)/commands/dbcommands.h"; then
    continue
  fi
  patch -p1 -s <"$p"
done
start=$(date +%s)
./configure --without-libcurl --without-lz4 PG_CONFIG="$pg_config" \
  >configure.log 2>&1 || { tail -20 configure.log; exit 1; }
make -s -j"${JOBS:-2}" with_llvm=no >make.log 2>&1 || { grep -m10 -B2 -A2 'error' make.log; exit 1; }
make -s install with_llvm=no ${destdir:+DESTDIR="$destdir"} >>make.log 2>&1 \
  || { tail -20 make.log; exit 1; }
echo "$want" >"$stamp"
echo "citus $version: built in $(( $(date +%s) - start ))s, installed into ${destdir:-/}$libdir"
