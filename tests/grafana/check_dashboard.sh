#!/usr/bin/env bash
# Checks the Grafana drill dashboard (grafana/dashboards/alertgate-drill.json).
#
#   tests/grafana/check_dashboard.sh                 lint + promtool + a live quick scenario:
#                                                    starts alertgate and Prometheus on free
#                                                    loopback ports, produces a pass and a silent
#                                                    verdict, runs every dashboard query
#   tests/grafana/check_dashboard.sh --prometheus=http://127.0.0.1:9090 --drill=ID [--job=NAME]
#                                                    lint + promtool, then every query against an
#                                                    existing Prometheus for an existing drill
#                                                    (e.g. after a full e2e drill)
#   tests/grafana/check_dashboard.sh --static        lint + promtool only
#
# Other options: --timeout=SECONDS (how long to poll until every query returns data, default 60),
# --alertgate-bin=PATH (default: $ALERTGATE_BIN, else build-grafana/alertgate, built with
# cmake + ninja only when missing: rebuild it yourself after changing src/). Needs python3 (stdlib only), promtool, and for the quick scenario
# prometheus. Exits non-zero when any check fails. Every process it starts is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DASHBOARD="$ROOT/grafana/dashboards/alertgate-drill.json"
CHECK=(python3 "$ROOT/tests/grafana/dashboard_check.py")

prometheus_url="" drill="" job="" static=0 timeout=60
alertgate_bin="${ALERTGATE_BIN:-}"
for arg in "$@"; do
  case "$arg" in
    --prometheus=*) prometheus_url="${arg#*=}" ;;
    --drill=*) drill="${arg#*=}" ;;
    --job=*) job="${arg#*=}" ;;
    --timeout=*) timeout="${arg#*=}" ;;
    --alertgate-bin=*) alertgate_bin="${arg#*=}" ;;
    --static) static=1 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "check_dashboard.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$prometheus_url" ] && [ -z "$drill" ]; then
  echo "check_dashboard.sh: --prometheus needs --drill=ID" >&2
  exit 2
fi

tmp=$(mktemp -d)
pids=()   # servers started here
child=""  # the step running now (see step)
cleanup() {
  local pid
  for pid in ${child:+"$child"} "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs one step as a child and waits for it: bash runs the INT/TERM trap only after a foreground
# child ends, but interrupts `wait` at once.
step() {
  local rc=0
  "$@" &
  child=$!
  wait "$child" || rc=$?
  child=""
  return "$rc"
}

echo "== lint: structure, datasource variable, variables, metric names, mappings, provisioning"
step "${CHECK[@]}" lint "$DASHBOARD" --metrics-source "$ROOT/src/metrics/metrics.cc" \
  --provisioning "$ROOT/grafana/provisioning"

echo "== promtool: every PromQL expression, variables substituted, as recording rules"
step "${CHECK[@]}" rules "$DASHBOARD" "$tmp/dashboard.rules.yml" --drill="${drill:-grafana-check}" \
  --job="${job:-alertgate}"
step promtool check rules "$tmp/dashboard.rules.yml"

if [ "$static" -eq 1 ]; then
  echo "check_dashboard.sh: static checks passed"
  exit 0
fi

expect=()
if [ -z "$prometheus_url" ]; then
  echo "== quick scenario: alertgate + Prometheus on loopback"
  if [ -z "$alertgate_bin" ]; then
    alertgate_bin="$ROOT/build-grafana/alertgate"
    if [ ! -x "$alertgate_bin" ]; then
      echo "building $alertgate_bin"
      { cmake -S "$ROOT" -B "$ROOT/build-grafana" -G Ninja && ninja -C "$ROOT/build-grafana" alertgate; } \
        >"$tmp/build.log" 2>&1 || { tail -n 40 "$tmp/build.log"; exit 1; }
    fi
  fi
  [ -x "$alertgate_bin" ] || { echo "no alertgate binary at $alertgate_bin" >&2; exit 1; }
  command -v prometheus >/dev/null || { echo "prometheus is not installed (apt-get install prometheus)" >&2; exit 1; }

  ag_port=$("${CHECK[@]}" free-port)
  "$alertgate_bin" serve --config.file="$ROOT/rules/examples/alertgate.yml" \
    --web.listen-address="127.0.0.1:$ag_port" --storage.path="$tmp/alertgate" \
    >"$tmp/alertgate.log" 2>&1 &
  pids+=("$!")
  step "${CHECK[@]}" wait "http://127.0.0.1:$ag_port/-/ready" --timeout=30 || { cat "$tmp/alertgate.log"; exit 1; }

  prom_port=$("${CHECK[@]}" free-port)
  cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: alertgate
    static_configs:
      - targets: ['127.0.0.1:$ag_port']
EOF
  prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prometheus" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$tmp/prometheus.log" 2>&1 &
  pids+=("$!")
  prometheus_url="http://127.0.0.1:$prom_port"
  step "${CHECK[@]}" wait "$prometheus_url/-/ready" --timeout=30 || { cat "$tmp/prometheus.log"; exit 1; }
  job=alertgate
  # The scenario runs after the first scrape, so counters change under Prometheus's eyes.
  step "${CHECK[@]}" wait-scraped --prometheus="$prometheus_url" --job="$job" --timeout=30

  drill="grafana-check-$(date +%s)"
  step "${CHECK[@]}" quick-drill --alertgate="http://127.0.0.1:$ag_port" --drill="$drill" \
    --fixture="$ROOT/fixtures/webhooks/firing-single.json"
  expect=(--expect-quick)
fi

echo "== queries: every dashboard query against $prometheus_url (polls until data, at most ${timeout}s)"
status=0
step "${CHECK[@]}" query "$DASHBOARD" --prometheus="$prometheus_url" --drill="$drill" --job="$job" \
  --timeout="$timeout" "${expect[@]}" || status=$?
if [ "$status" -ne 0 ] && [ -f "$tmp/alertgate.log" ]; then
  echo "--- alertgate log"; tail -n 20 "$tmp/alertgate.log"
  echo "--- prometheus log"; tail -n 20 "$tmp/prometheus.log"
fi
[ "$status" -eq 0 ] && echo "check_dashboard.sh: all checks passed"
exit "$status"
