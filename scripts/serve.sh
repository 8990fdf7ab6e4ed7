#!/usr/bin/env bash
# Install what is missing, build, and serve alertgate on :9095 with the
# shipped example config (rules/examples/alertgate.yml) and embedded SQLite
# under data/. Extra arguments go to `alertgate serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target alertgate
exec build/alertgate serve \
  --config.file=rules/examples/alertgate.yml \
  --storage.path=data/ \
  --web.listen-address="${LISTEN:-:9095}" "$@"
