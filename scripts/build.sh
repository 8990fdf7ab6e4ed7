#!/usr/bin/env bash
# Configures and builds alertgate into build/ (or $BUILD_DIR), with tests.
# Arguments starting with -D go to cmake; `--target NAME...` limits the build.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
cmake_args=()
build_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) shift; while [ $# -gt 0 ] && [[ $1 != -* ]]; do build_args+=(--target "$1"); shift; done ;;
    *) cmake_args+=("$1"); shift ;;
  esac
done
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DALERTGATE_BUILD_TESTS=ON "${cmake_args[@]}" >/dev/null
cmake --build "$BUILD_DIR" "${build_args[@]}"
