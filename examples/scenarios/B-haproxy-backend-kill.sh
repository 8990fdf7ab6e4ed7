#!/usr/bin/env bash
# Scenario B -- HAProxy backend-api 1 fail-over (demo smoke script).
# Stands in for the seed's infra/ansible/tests/test_backend_failover.sh against
# alertgate-fake-exporter, playing HAProxy's built-in exporter (haproxy-1:8405) with backend
# backend-api and servers api-1..3.
#
#   fault    api-1 is killed: its health checks fail, HAProxy marks it DOWN
#            (haproxy_server_status{state="DOWN"} 1), 2 active servers left.
#   restore  api-1 back UP, 3 active servers.
#   alerts   HAProxyServerDown{proxy="backend-api",server="api-1"}, rules/scenarios.rules.yml
#
# usage: B-haproxy-backend-kill.sh [--restore]   (FAKE_EXPORTER_URL, OUTAGE_SECONDS, see _lib.sh)
SCENARIO_ID=B
# shellcheck source=examples/scenarios/_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
OUTAGE_SECONDS="${OUTAGE_SECONDS:-6}"   # demo: HAProxyServerDown has for: 0s, notifies in ~3s
STATES=(DOWN UP MAINT DRAIN NOLB)

# server_state SERVER STATE: one 0/1 series per state, as HAProxy >= 2.4 exposes them.
server_state() {
  local s
  for s in "${STATES[@]}"; do
    set_series haproxy_server_status gauge "$([[ $s == "$2" ]] && echo 1 || echo 0)" \
      instance=haproxy-1:8405 proxy=backend-api server="$1" state="$s" || return 1
  done
}
active() {
  set_series haproxy_backend_active_servers gauge "$1" instance=haproxy-1:8405 proxy=backend-api &&
  set_series haproxy_backend_backup_servers gauge 0 instance=haproxy-1:8405 proxy=backend-api
}
healthy() {
  server_state api-1 UP && server_state api-2 UP && server_state api-3 UP && active 3
}

# probe LABEL: print the backend as HAProxy's exporter shows it; 0 when api-1 is DOWN.
probe() {
  local m; m=$(scrape) || { say "$1: fake exporter unreachable"; return 2; }
  local line="" i s st
  for i in 1 2 3; do
    st="?"
    for s in "${STATES[@]}"; do
      [[ $(value "$m" haproxy_server_status "server=\"api-$i\"" "state=\"$s\"") == 1 ]] && st=$s
    done
    line+=" api-$i=$st"
    [[ $i == 1 ]] && local api1=$st
  done
  local act; act=$(value "$m" haproxy_backend_active_servers 'proxy="backend-api"')
  say "$1: backend-api$line active_servers=$act"
  [[ $api1 == DOWN && $act == 2 ]]
}
probe_healthy() {
  local m; m=$(scrape) || { say "$1: fake exporter unreachable"; return 2; }
  local up; up=$(grep -c 'state="UP"} 1$' <<< "$(grep '^haproxy_server_status' <<< "$m")")
  local act; act=$(value "$m" haproxy_backend_active_servers 'proxy="backend-api"')
  say "$1: backend-api servers UP=$up active_servers=$act"
  [[ $up == 3 && $act == 3 ]]
}

case "${1:-}" in
  --restore) healthy; exit ;;
  "") ;;
  *) echo "usage: $0 [--restore]" >&2; exit 2 ;;
esac

trap 'healthy >/dev/null 2>&1' EXIT
say "fault: kill backend-api server api-1 (outage ${OUTAGE_SECONDS}s)"
server_state api-1 DOWN && active 2 || exit 1
hold_and_probe "$OUTAGE_SECONDS" probe
say "restore: api-1 back, health checks pass"
healthy || exit 1
wait_recovered probe_healthy
finish
