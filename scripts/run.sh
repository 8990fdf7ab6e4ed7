#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the two-minute
# demo drill -- fake exporters -> real Prometheus -> real Alertmanager ->
# alertgate, scenarios A-E driven by examples/game-day-driver.sh -- ending
# with the verdict table. Results stay in data/demo for `alertgate report`.
# To serve alertgate for your own drills instead: scripts/serve.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target alertgate alertgate-fake-exporter
exec scripts/demo.sh "$@"
