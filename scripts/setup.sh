#!/usr/bin/env bash
# Installs the Debian packages alertgate needs to build, test and run.
# Idempotent: installs only what is missing (apt-get update first when it must).
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config
  # libraries: metrics, HTTP client, JSON, dates, tests, YAML, storage, regex,
  # CLI flags, crypt_r, TLS, and Boost.Beast/Asio for the HTTP server
  prometheus-cpp-dev libcpp-httplib-dev rapidjson-dev libhowardhinnant-date-dev
  libgtest-dev libgmock-dev libyaml-cpp-dev libsqlite3-dev libre2-dev libcli11-dev
  libssl-dev libcrypt-dev libboost-dev
  # the real Prometheus toolchain the tests run (promtool, amtool, both servers),
  # and the sqlite3 shell the storage-fault e2e test locks the database with
  prometheus prometheus-alertmanager sqlite3
  # report tests: a real XML parser for JUnit, a real browser for HTML
  libexpat1-dev chromium
  # test scripts (PyYAML reads the rule files) and the README walk-through
  python3 python3-yaml curl
  # the libFuzzer targets (scripts/fuzz.sh): clang and its fuzzer/sanitizer
  # runtimes, which clang only recommends
  clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
