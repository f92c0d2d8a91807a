#!/usr/bin/env bash
# Installs what the build and the tests need, from Debian's packages only.
# Idempotent: skips apt entirely when everything is already there.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  postgresql-15 postgresql-server-dev-15          # the server and PGXS headers
  postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl  # pgTAP + pg_prove
  libgtest-dev libbenchmark-dev                   # core unit tests and benchmarks
  libpq-dev                                       # waitroomd talks libpq
  nlohmann-json3-dev                              # JSON in the daemon
  libcurl4-openssl-dev                            # webhook delivery
  libssl-dev                                      # HMAC-SHA256 webhook signatures
  libcli11-dev                                    # waitroomd command line
  libcpp-httplib-dev                              # /healthz, /metrics, test receiver
  clang-format clang-tidy
  clang-14 libclang-rt-14-dev                     # libFuzzer, ASan, UBSan (suite 12-fuzz)
  procps iproute2 curl
  python3-matplotlib                              # bench/run.sh plots
  chromium                                        # suite 62 loads the dashboard headless
  python3-yaml                                    # suite 61 reads contrib/prometheus/*.yml
  libkrb5-dev libzstd-dev                         # Citus from vendor/citus (suite 80): PG's headers need them
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The server refuses to run as root; tests run it as this user.
id postgres >/dev/null 2>&1 || useradd --system --create-home --shell /bin/bash postgres
