#!/usr/bin/env bash
# Scenario D -- MinIO 2-node loss, EC:2 reconstruction (demo smoke script).
# Stands in for the seed's infra/ansible/tests/test_minio_resilience.sh against
# alertgate-fake-exporter, playing MinIO's cluster metrics v2 for 4 nodes x 4 drives, one
# erasure set.
#
#   fault    2 of 4 nodes stop: minio_cluster_nodes_offline_total 2, minio_cluster_drive_offline_total 8;
#            the erasure set keeps read quorum (EC:2), reads succeed.
#   restore  the nodes come back, self-heal: 0 nodes / 0 drives offline.
#   alerts   MinioNodesOffline and MinioDrivesOffline, rules/scenarios.rules.yml
#
# In the demo, D is the deliberate LATE scenario: the demo rule MinioNodesOffline has
# `for: 15s` (examples/demo/demo.rules.yml), longer than the 10s gate. The outage must last
# until that alert has fired, or D would be `incomplete` instead of `late`.
#
# usage: D-minio-2-node-loss.sh [--restore]   (FAKE_EXPORTER_URL, OUTAGE_SECONDS, see _lib.sh)
SCENARIO_ID=D
# shellcheck source=examples/scenarios/_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
OUTAGE_SECONDS="${OUTAGE_SECONDS:-20}"  # demo: MinioNodesOffline has for: 15s, notifies in ~17s

nodes() {  # nodes OFFLINE: OFFLINE of 4 nodes (and their 4 drives each) down
  set_series minio_cluster_nodes_offline_total gauge "$1" &&
  set_series minio_cluster_nodes_online_total gauge "$((4 - $1))" &&
  set_series minio_cluster_drive_offline_total gauge "$(($1 * 4))" &&
  set_series minio_cluster_drive_online_total gauge "$((16 - $1 * 4))" &&
  set_series minio_cluster_health_erasure_set_status gauge 1 pool=0 set=0
}
healthy() { nodes 0; }

probe() {
  local m; m=$(scrape) || { say "$1: fake exporter unreachable"; return 2; }
  local off drv es
  off=$(value "$m" minio_cluster_nodes_offline_total); drv=$(value "$m" minio_cluster_drive_offline_total)
  es=$(value "$m" minio_cluster_health_erasure_set_status 'set="0"')
  say "$1: nodes offline=$off/4 drives offline=$drv/16 erasure set 0/0 quorum=$es (reads $([[ $es == 1 ]] && echo succeed || echo FAIL))"
  [[ $off == 2 && $drv == 8 ]]
}
probe_healthy() {
  local m; m=$(scrape) || { say "$1: fake exporter unreachable"; return 2; }
  local off drv
  off=$(value "$m" minio_cluster_nodes_offline_total); drv=$(value "$m" minio_cluster_drive_offline_total)
  say "$1: nodes offline=$off drives offline=$drv (healed: $([[ $off == 0 && $drv == 0 ]] && echo yes || echo no))"
  [[ $off == 0 && $drv == 0 ]]
}

case "${1:-}" in
  --restore) healthy; exit ;;
  "") ;;
  *) echo "usage: $0 [--restore]" >&2; exit 2 ;;
esac

trap 'healthy >/dev/null 2>&1' EXIT
say "fault: stop MinIO nodes minio-3 and minio-4 (outage ${OUTAGE_SECONDS}s)"
nodes 2 || exit 1
hold_and_probe "$OUTAGE_SECONDS" probe
say "restore: minio-3 and minio-4 back, self-heal"
healthy || exit 1
wait_recovered probe_healthy
finish
