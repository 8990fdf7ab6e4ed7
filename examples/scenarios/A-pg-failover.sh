#!/usr/bin/env bash
# Scenario A -- Postgres primary failover (demo smoke script).
# Stands in for the seed's infra/ansible/tests/test_pg_failover.sh against alertgate-fake-exporter,
# playing postgres_exporter on the primary pg-1:9187 and the replica pg-2:9187.
#
#   fault    the primary stops: pg-1 reports pg_up 0 and no pg_replication_is_replica (the
#            exporter cannot query it); 1s later the failover manager promotes pg-2
#            (pg_replication_is_replica 0).
#   restore  planned switchback to the pre-drill topology: pg-1 primary, pg-2 replica.
#   alerts   PostgresPrimaryDown (pg-1) and PostgresReplicaPromoted (pg-2), rules/scenarios.rules.yml
#
# usage: A-pg-failover.sh            run the scenario (FAKE_EXPORTER_URL, OUTAGE_SECONDS, see _lib.sh)
#        A-pg-failover.sh --restore  only set the healthy state (used by the demo's baseline)
SCENARIO_ID=A
# shellcheck source=examples/scenarios/_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
OUTAGE_SECONDS="${OUTAGE_SECONDS:-8}"   # demo: PostgresPrimaryDown has for: 2s, notifies in ~5s

healthy() {
  set_series pg_up gauge 1 instance=pg-1:9187 &&
  set_series pg_replication_is_replica gauge 0 instance=pg-1:9187 &&
  set_series pg_up gauge 1 instance=pg-2:9187 &&
  set_series pg_replication_is_replica gauge 1 instance=pg-2:9187
}

# probe LABEL: print what postgres_exporter shows; 0 when the failover is visible.
probe() {
  local m; m=$(scrape) || { say "$1: fake exporter unreachable"; return 2; }
  local up1 rep1 up2 rep2
  up1=$(value "$m" pg_up 'instance="pg-1:9187"'); rep1=$(value "$m" pg_replication_is_replica 'instance="pg-1:9187"')
  up2=$(value "$m" pg_up 'instance="pg-2:9187"'); rep2=$(value "$m" pg_replication_is_replica 'instance="pg-2:9187"')
  local primary=""
  [[ $up1 == 1 && $rep1 == 0 ]] && primary+=" pg-1:9187"
  [[ $up2 == 1 && $rep2 == 0 ]] && primary+=" pg-2:9187"
  say "$1: pg-1 pg_up=$up1 is_replica=$rep1 | pg-2 pg_up=$up2 is_replica=$rep2 | writable primary:${primary:- none}"
  [[ $up1 == 0 && $up2 == 1 && $rep2 == 0 ]]
}
probe_healthy() {
  local m; m=$(scrape) || { say "$1: fake exporter unreachable"; return 2; }
  local s
  s="$(value "$m" pg_up 'instance="pg-1:9187"')$(value "$m" pg_replication_is_replica 'instance="pg-1:9187"')"
  s+="$(value "$m" pg_up 'instance="pg-2:9187"')$(value "$m" pg_replication_is_replica 'instance="pg-2:9187"')"
  say "$1: pg-1 primary, pg-2 replica? $([[ $s == 1011 ]] && echo yes || echo "no ($s)")"
  [[ $s == 1011 ]]
}

case "${1:-}" in
  --restore) healthy; exit ;;
  "") ;;
  *) echo "usage: $0 [--restore]" >&2; exit 2 ;;
esac

trap 'healthy >/dev/null 2>&1' EXIT
say "fault: stop the Postgres primary pg-1 (outage ${OUTAGE_SECONDS}s)"
set_series pg_up gauge 0 instance=pg-1:9187 && delete_series pg_replication_is_replica instance=pg-1:9187 || exit 1
sleep 1
say "failover manager promotes pg-2"
set_series pg_replication_is_replica gauge 0 instance=pg-2:9187 || exit 1
hold_and_probe "$((OUTAGE_SECONDS - 1))" probe
say "restore: pg-1 back, switchback (pg-1 primary, pg-2 replica)"
healthy || exit 1
wait_recovered probe_healthy
finish
