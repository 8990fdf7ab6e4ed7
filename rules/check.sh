#!/usr/bin/env bash
# Validates the alerting rules, their unit tests and the example configs.
# Usage: rules/check.sh   (from anywhere; exits non-zero if any check fails)
set -u
cd "$(dirname "$0")/.." || exit 2

failed=0
run() {
  echo "+ $*"
  if ! "$@"; then
    echo "FAILED: $*" >&2
    failed=1
  fi
  echo
}

run promtool check rules rules/scenarios.rules.yml rules/alertgate.rules.yml
run promtool test rules rules/tests/*.test.yml
run promtool check config rules/examples/prometheus.yml
run amtool check-config rules/examples/alertmanager.yml

# Every expectation in alertgate.yml can be raised by a rule, reaches
# alertgate's receiver and can meet its gate: alertgate's own static check.
ALERTGATE=${ALERTGATE:-build/alertgate}
if [ -x "$ALERTGATE" ]; then
  run "$ALERTGATE" lint --config.file=rules/examples/alertgate.yml \
    --prometheus.config=rules/examples/prometheus.yml --alertmanager.config=rules/examples/alertmanager.yml
else
  echo "FAIL: $ALERTGATE not found: build alertgate first (scripts/build.sh) or set ALERTGATE" >&2
  failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "check.sh: FAILED" >&2
  exit 1
fi
echo "check.sh: all checks passed"
