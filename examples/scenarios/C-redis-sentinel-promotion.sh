#!/usr/bin/env bash
# Scenario C -- Redis Sentinel master promotion (demo smoke script).
# Stands in for the seed's infra/ansible/tests/test_redis_failover.sh against
# alertgate-fake-exporter, playing redis_exporter pointed at three Sentinels
# (sentinel-1..3:9121) that watch master "mymaster" (redis-1 10.0.0.11:6379, redis-2 10.0.0.12:6379).
#
#   fault    a forced SENTINEL FAILOVER: every Sentinel now reports the other Redis as master
#            (redis_sentinel_master_status{master_address=<new>} 1, the old address is gone).
#   restore  nothing to undo: the old master rejoins as a replica, the new master stays (as in a
#            real failover). Recovery = all Sentinels agree on one master with status ok.
#            Running C again fails over back.
#   alerts   RedisSentinelMasterChanged, rules/scenarios.rules.yml
#
# usage: C-redis-sentinel-promotion.sh [--restore]   (FAKE_EXPORTER_URL, OUTAGE_SECONDS, see _lib.sh)
#        --restore sets the initial topology only when no master is reported yet.
SCENARIO_ID=C
# shellcheck source=examples/scenarios/_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
OUTAGE_SECONDS="${OUTAGE_SECONDS:-6}"   # demo: RedisSentinelMasterChanged has for: 0s, notifies in ~3s
SENTINELS=(sentinel-1:9121 sentinel-2:9121 sentinel-3:9121)
ADDRS=(10.0.0.11:6379 10.0.0.12:6379)

# current_master: the master address the Sentinels report now ("" when none).
current_master() {
  scrape | sed -n 's/^redis_sentinel_master_status{.*master_address="\([^"]*\)".*master_name="mymaster".* 1$/\1/p' | sort -u | head -n1
}
report_master() {  # report_master ADDRESS: every Sentinel reports ADDRESS as master, status ok
  local s
  for s in "${SENTINELS[@]}"; do
    set_series redis_sentinel_master_status gauge 1 instance="$s" \
      master_name=mymaster master_address="$1" master_status=ok || return 1
  done
}
forget_master() {  # forget_master ADDRESS: no Sentinel reports ADDRESS any more
  local s
  for s in "${SENTINELS[@]}"; do
    delete_series redis_sentinel_master_status instance="$s" \
      master_name=mymaster master_address="$1" master_status=ok || return 1
  done
}
healthy() {
  set_series redis_up gauge 1 instance=redis-1:9121 && set_series redis_up gauge 1 instance=redis-2:9121 || return 1
  [[ -n $(current_master) ]] || report_master "${ADDRS[0]}"
}

# probe LABEL: print what the Sentinels report; 0 when they all report NEW_MASTER.
probe() {
  local m; m=$(scrape) || { say "$1: fake exporter unreachable"; return 2; }
  local s line="" n=0
  for s in "${SENTINELS[@]}"; do
    local a; a=$(grep "^redis_sentinel_master_status{.*instance=\"$s\"" <<< "$m" | grep ' 1$' |
                 sed -n 's/.*master_address="\([^"]*\)".*master_status="\([^"]*\)".*/\1(\2)/p' | tr '\n' ' ')
    line+=" ${s%%:*}=${a% }"
    [[ $a == "$NEW_MASTER(ok) " ]] && n=$((n + 1))
  done
  say "$1: mymaster per sentinel:$line"
  (( n == ${#SENTINELS[@]} ))
}

case "${1:-}" in
  --restore) healthy; exit ;;
  "") ;;
  *) echo "usage: $0 [--restore]" >&2; exit 2 ;;
esac

healthy || exit 1
OLD_MASTER=$(current_master)
NEW_MASTER=${ADDRS[0]}; [[ $OLD_MASTER == "${ADDRS[0]}" ]] && NEW_MASTER=${ADDRS[1]}
say "fault: SENTINEL FAILOVER mymaster: $OLD_MASTER -> $NEW_MASTER (watching ${OUTAGE_SECONDS}s)"
report_master "$NEW_MASTER" && forget_master "$OLD_MASTER" || exit 1
hold_and_probe "$OUTAGE_SECONDS" probe
say "restore: nothing to undo, $OLD_MASTER rejoins as a replica of $NEW_MASTER"
wait_recovered probe
finish
