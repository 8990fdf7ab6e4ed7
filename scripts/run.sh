#!/usr/bin/env bash
# README command 1: install what is missing, build, and serve alertgate with
# the shipped example config and embedded SQLite under data/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DALERTGATE_BUILD_TESTS=OFF
exec build/alertgate serve \
  --config.file=rules/examples/alertgate.yml \
  --storage.path=data/ \
  --web.listen-address="${LISTEN:-:9095}" "$@"
