#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for
# FUZZ_SECONDS (default 20), seeded from fuzz/corpus/<target>/ and replaying
# every file in fuzz/regressions/<target>/ first. Exits non-zero on a crash;
# the crashing input is left in <build dir>/crashes/ -- add it to
# fuzz/regressions/<target>/ together with the fix.
#
# FUZZ_SEED (default 1) fixes libFuzzer's random seed, so a CI failure can be
# reproduced with the same command; FUZZ_SEED=0 draws a new seed each run,
# for longer exploratory sessions (FUZZ_SECONDS=600 FUZZ_SEED=0 scripts/fuzz.sh).
# FUZZ_TARGETS (default all) picks targets, e.g. FUZZ_TARGETS="time webhook".
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${FUZZ_SECONDS:-20}"
SEED="${FUZZ_SEED:-1}"
TARGETS="${FUZZ_TARGETS:-webhook matchers duration time config requests http_request authorization}"
# FUZZ_BUILD_DIR (default build-fuzz) and FUZZ_BUILD_TYPE / FUZZ_CMAKE_ARGS
# let a caller build the targets in an existing clang build with the same
# settings (scripts/test.sh reuses its sanitizer build); by default the
# targets get a build of their own.
BUILD="${FUZZ_BUILD_DIR:-build-fuzz}"
fuzz_targets=()
for target in $TARGETS; do fuzz_targets+=("${target}_fuzz"); done
# shellcheck disable=SC2086  # FUZZ_CMAKE_ARGS is a list of -D options
CC=clang CXX=clang++ BUILD_DIR="$BUILD" BUILD_TYPE="${FUZZ_BUILD_TYPE:-RelWithDebInfo}" \
  scripts/build.sh -DALERTGATE_FUZZ=ON ${FUZZ_CMAKE_ARGS:--DALERTGATE_BUILD_TESTS=OFF} \
  --target "${fuzz_targets[@]}"
mkdir -p "$BUILD/crashes"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$PWD/tests/ubsan.supp}"
status=0
for target in $TARGETS; do
  work="$BUILD/corpus/$target"
  mkdir -p "$work"
  dirs=("$work" "fuzz/corpus/$target")
  if [ -d "fuzz/regressions/$target" ] && [ -n "$(ls -A "fuzz/regressions/$target")" ]; then
    echo "== $target: replaying fuzz/regressions/$target"
    "$BUILD/${target}_fuzz" -runs=0 "fuzz/regressions/$target"/* || status=1
  fi
  echo "== $target: fuzzing for ${SECONDS_EACH}s (seed $SEED)"
  if ! "$BUILD/${target}_fuzz" -max_total_time="$SECONDS_EACH" -seed="$SEED" -max_len=65536 \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$BUILD/crashes/${target}-" "${dirs[@]}" 2>"$BUILD/$target.log"; then
    echo "FUZZ FAILURE in $target:"; tail -40 "$BUILD/$target.log"; status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$BUILD/$target.log" | tr '\n' ' '; echo
  fi
done
exit $status
