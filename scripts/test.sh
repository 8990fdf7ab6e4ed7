#!/usr/bin/env bash
# README command 2 (and CI): install what is missing, build, run every test,
# then the same suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== build and unit/HTTP/crash tests"
scripts/build.sh
ctest --test-dir build --output-on-failure -j2 --timeout 300

if [ -x rules/check.sh ]; then
  echo "== promtool: rules and example configs"
  rules/check.sh
fi

echo "== the same tests under ASan + UBSan"
BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DALERTGATE_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j2 --timeout 600
