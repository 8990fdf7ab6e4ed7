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

# Expectations in alertgate.yml name real rules with the right labels.
if python3 -c 'import yaml' 2>/dev/null; then
  run python3 rules/tests/check_alertgate_config.py rules/scenarios.rules.yml rules/examples/alertgate.yml
else
  echo "FAIL: rules/tests/check_alertgate_config.py needs python3 with PyYAML (scripts/setup.sh installs python3-yaml)" >&2
  failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "check.sh: FAILED" >&2
  exit 1
fi
echo "check.sh: all checks passed"
