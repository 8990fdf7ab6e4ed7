#!/usr/bin/env bash
# README command 2 (and CI): install what is missing, build, and run every
# test: unit, HTTP, crash, e2e (real Prometheus + Alertmanager), the
# promtool rule tests, the same suite under ASan+UBSan, the concurrency
# tests under TSan, and each fuzz target for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
start=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - start ))s)"; }

step "build, then unit/HTTP/crash/e2e tests"
scripts/build.sh
ctest --test-dir build --output-on-failure -j2 --timeout 300 | tee build/ctest-summary.log
total=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' build/ctest-summary.log)

step "promtool: rules, rule unit tests, example configs"
rules/check.sh

step "Grafana dashboard: structure, PromQL, and data for every panel from a real Prometheus"
tests/grafana/check_dashboard.sh --alertgate-bin=build/alertgate

step "the demo drill (README command 1), then every Grafana panel's query against its Prometheus"
CHECK_DASHBOARD=1 DATA_DIR="$(mktemp -d)" scripts/demo.sh

# One clang build serves both the sanitizer run and the fuzzers: ASan + UBSan
# everywhere, with libFuzzer's coverage instrumentation, so the fuzz targets
# link from the same objects.
SAN_ARGS=(-DALERTGATE_SANITIZE=ON -DALERTGATE_FUZZ=ON)
step "the same tests under ASan + UBSan (clang), e2e included (the sanitized alertgate binary serves real Alertmanagers)"
CC=clang CXX=clang++ BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh "${SAN_ARGS[@]}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/tests/ubsan.supp"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 ctest --test-dir build-asan --output-on-failure -j2 --timeout 600

step "concurrency tests under TSan (clang: GCC's TSan refuses the fences in Asio)"
CC=clang CXX=clang++ BUILD_DIR=build-tsan BUILD_TYPE=Debug scripts/build.sh -DALERTGATE_TSAN=ON \
  --target alertgate_tests alertgate
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp" \
  ctest --test-dir build-tsan --output-on-failure -j2 --timeout 600 -LE e2e \
  -R 'ServerTest|FrontEndTest|StorageFailureTest|SqliteStoreTest|Kill9Test|CommandsTest|ConcurrentLines|BadInput|AuthenticatorTest.Concurrent'

step "fuzz every parser for ${FUZZ_SECONDS:=15}s each (targets from the sanitizer build)"
FUZZ_SECONDS=$FUZZ_SECONDS FUZZ_BUILD_DIR=build-asan FUZZ_BUILD_TYPE=Debug \
  FUZZ_CMAKE_ARGS="${SAN_ARGS[*]}" scripts/fuzz.sh

step "all passed"
# One closing line for CI: the main suite's count (the sanitizer reruns and
# the other checks above passed too, or this line is never reached).
echo "alertgate: ${total:-0} passed, 0 failed"
