#!/usr/bin/env bash
# Scenario E -- RabbitMQ outage, backend stays up (demo smoke script).
# Stands in for the seed's infra/ansible/tests/test_rabbitmq_outage.sh. Two stand-ins:
#   RABBITMQ_PID / RABBITMQ_EXPORTER_URL  a second alertgate-fake-exporter playing the broker's
#       rabbitmq_prometheus plugin (rabbitmq-1:15692). The outage FREEZES it (SIGSTOP, like
#       `docker pause`): Prometheus's scrape times out, up{job="rabbitmq"} == 0. SIGCONT restores.
#       Without RABBITMQ_PID the broker part is skipped (said so in the output).
#   FAKE_EXPORTER_URL  the backend's /metrics: its eventbus client counts failed publishes in
#       eventbus_publish_errors_total, which grows while the broker is down.
#
#   alerts   RabbitMQDown and EventbusPublishErrors, rules/scenarios.rules.yml
#
# In the demo, E is the deliberate SILENT scenario: both alerts fire, but
# examples/demo/alertmanager.yml routes them to a mute receiver, away from alertgate.
#
# usage: E-rabbitmq-outage.sh [--restore]   (OUTAGE_SECONDS, see _lib.sh)
SCENARIO_ID=E
# shellcheck source=examples/scenarios/_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
OUTAGE_SECONDS="${OUTAGE_SECONDS:-8}"   # demo: RabbitMQDown has for: 2s, would notify in ~5s
RABBITMQ_PID="${RABBITMQ_PID:-}"
RABBITMQ_EXPORTER_URL="${RABBITMQ_EXPORTER_URL:-}"

broker() {  # broker stop|start
  [[ -n $RABBITMQ_PID ]] || return 0
  kill "-$([[ $1 == stop ]] && echo STOP || echo CONT)" "$RABBITMQ_PID"
}
healthy() {
  broker start || return 1
  if [[ -n $RABBITMQ_EXPORTER_URL ]]; then
    FAKE_EXPORTER_URL=$RABBITMQ_EXPORTER_URL set_series rabbitmq_identity_info gauge 1 \
      rabbitmq_node=rabbit@rabbitmq-1 rabbitmq_cluster=rabbit@rabbitmq-1 || return 1
  fi
  # Creates the counter at 0 the first time; later a no-op (counters never go down).
  local v; v=$(value "$(scrape)" eventbus_publish_errors_total)
  [[ $v != - ]] || set_series eventbus_publish_errors_total counter 0
}
publish_failed() {  # the backend tried to publish N events and failed
  local v; v=$(value "$(scrape)" eventbus_publish_errors_total)
  [[ $v == - ]] && v=0
  set_series eventbus_publish_errors_total counter "$(( ${v%.*} + $1 ))"
}

# probe_broker: "answers" or "no answer" from the broker's metrics endpoint.
probe_broker() {
  if [[ -z $RABBITMQ_EXPORTER_URL ]]; then echo "not probed"; return; fi
  if curl -fsS --noproxy '*' --max-time 1 -o /dev/null "$RABBITMQ_EXPORTER_URL/metrics" 2>/dev/null; then
    echo "answers"
  else
    echo "no answer"
  fi
}
probe() {
  publish_failed 3 || return 2
  local b errs; b=$(probe_broker); errs=$(value "$(scrape)" eventbus_publish_errors_total)
  say "$1: rabbitmq-1:15692 /metrics: $b | backend eventbus_publish_errors_total=$errs"
  [[ $b != answers ]]
}
probe_healthy() {
  local b; b=$(probe_broker)
  say "$1: rabbitmq-1:15692 /metrics: $b"
  [[ $b != "no answer" ]]
}

case "${1:-}" in
  --restore) healthy; exit ;;
  "") ;;
  *) echo "usage: $0 [--restore]" >&2; exit 2 ;;
esac

[[ -n $RABBITMQ_PID ]] || say "note: RABBITMQ_PID not set, the broker is not stopped (only the backend's errors are simulated)"
trap 'broker start >/dev/null 2>&1' EXIT
healthy || exit 1
say "fault: stop the RabbitMQ broker (outage ${OUTAGE_SECONDS}s)"
broker stop || { say "ERROR: cannot stop the broker (pid $RABBITMQ_PID)"; exit 1; }
hold_and_probe "$OUTAGE_SECONDS" probe
say "restore: start the broker"
broker start || exit 1
wait_recovered probe_healthy
finish
