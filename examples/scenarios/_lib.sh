# shellcheck shell=bash
# Shared helpers for the demo scenario smoke scripts (examples/scenarios/[A-E]-*.sh).
# Sourced, not run. The scripts simulate each fault against alertgate-fake-exporter,
# standing in for the real smoke tests (infra/ansible/tests/test_*.sh in the seed).
#
# Environment:
#   FAKE_EXPORTER_URL  (required) base URL of alertgate-fake-exporter, e.g. http://127.0.0.1:40123
#   OUTAGE_SECONDS     how long the fault is held (each script has a default sized for the demo)
#   PROBE_INTERVAL     seconds between probes (default 1)
#   RECOVERY_TIMEOUT   seconds allowed for the probe to see the recovery (default 10)
#
# Every script: applies the fault at once (the driver calls `alertgate inject` right before),
# probes while the fault is held and prints what it sees, restores, probes until it sees the
# recovery, and exits 0 when it saw both the fault and the recovery, 1 otherwise, 2 on a
# usage error. An EXIT trap restores the healthy state even when the script is interrupted.

set -uo pipefail
: "${FAKE_EXPORTER_URL:?FAKE_EXPORTER_URL must point at alertgate-fake-exporter, e.g. http://127.0.0.1:PORT}"
FAKE_EXPORTER_URL="${FAKE_EXPORTER_URL%/}"
PROBE_INTERVAL="${PROBE_INTERVAL:-1}"
RECOVERY_TIMEOUT="${RECOVERY_TIMEOUT:-10}"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

_T0=$(date +%s%N)
SCENARIO_ID="${SCENARIO_ID:-?}"   # set by the sourcing script

# say MESSAGE: one timestamped line, seconds since the script started.
say() {
  local ms=$(( ($(date +%s%N) - _T0) / 1000000 ))
  printf '[%s %s +%d.%03ds] %s\n' "$SCENARIO_ID" "$(date -u +%T)" $((ms / 1000)) $((ms % 1000)) "$*"
}

# _labels k=v ...: a JSON object of string labels (values must not contain " or \).
_labels() {
  local out="" kv
  for kv in "$@"; do
    out+="${out:+,}\"${kv%%=*}\":\"${kv#*=}\""
  done
  printf '{%s}' "$out"
}

# set_series NAME TYPE VALUE [k=v ...]: set one series on the fake exporter.
set_series() {
  local name=$1 type=$2 value=$3; shift 3
  curl -fsS --noproxy '*' --max-time 2 -o /dev/null -XPOST "$FAKE_EXPORTER_URL/api/v1/set" \
    -d "{\"name\":\"$name\",\"type\":\"$type\",\"labels\":$(_labels "$@"),\"value\":$value}" \
    || { say "ERROR: cannot set $name on $FAKE_EXPORTER_URL"; return 1; }
}

# delete_series NAME [k=v ...]: the series disappears (as when an exporter cannot query its source).
delete_series() {
  local name=$1; shift
  curl -fsS --noproxy '*' --max-time 2 -o /dev/null -XPOST "$FAKE_EXPORTER_URL/api/v1/delete" \
    -d "{\"name\":\"$name\",\"labels\":$(_labels "$@")}" \
    || { say "ERROR: cannot delete $name on $FAKE_EXPORTER_URL"; return 1; }
}

# scrape [URL]: the exposition of the fake exporter (or URL), without comments.
scrape() {
  local out
  out=$(curl -fsS --noproxy '*' --max-time "${SCRAPE_TIMEOUT:-2}" "${1:-$FAKE_EXPORTER_URL}/metrics") || return 1
  grep -v '^#' <<< "$out" || true
}

# value EXPOSITION NAME [LABEL_SUBSTRING...]: the value of the first series of NAME whose
# label set contains every LABEL_SUBSTRING (e.g. 'instance="pg-1:9187"'); "-" when absent.
value() {
  local text=$1 name=$2; shift 2
  local line
  while IFS= read -r line; do
    [[ $line == "$name "* || $line == "$name{"* ]] || continue
    local sub ok=1
    for sub in "$@"; do [[ $line == *"$sub"* ]] || { ok=0; break; }; done
    if (( ok )); then echo "${line##* }"; return; fi
  done <<< "$text"
  echo "-"
}

# hold_and_probe SECONDS PROBE_FUNCTION: call PROBE_FUNCTION every PROBE_INTERVAL seconds
# until SECONDS have passed since the fault; sets FAULT_SEEN=1 when a probe returns 0.
FAULT_SEEN=0
hold_and_probe() {
  local seconds=$1 probe=$2 n=0
  local end=$(( $(date +%s%N) + seconds * 1000000000 ))
  while :; do
    n=$((n + 1))
    if "$probe" "probe $n"; then FAULT_SEEN=1; fi
    (( $(date +%s%N) + PROBE_INTERVAL * 1000000000 < end )) || break
    sleep "$PROBE_INTERVAL"
  done
  local rest=$(( (end - $(date +%s%N)) / 1000000 ))
  if (( rest > 0 )); then sleep "$((rest / 1000)).$(printf '%03d' $((rest % 1000)))"; fi
}

# wait_recovered PROBE_FUNCTION: probe until PROBE_FUNCTION returns 0 (healthy) or
# RECOVERY_TIMEOUT seconds pass; sets RECOVERED=1 on success.
RECOVERED=0
wait_recovered() {
  local probe=$1 n=0
  local deadline=$(( $(date +%s) + RECOVERY_TIMEOUT ))
  while :; do
    n=$((n + 1))
    if "$probe" "recovery probe $n"; then RECOVERED=1; return 0; fi
    (( $(date +%s) < deadline )) || return 1
    sleep "$PROBE_INTERVAL"
  done
}

# finish: the verdict of the smoke script itself (the alerting verdict is alertgate's).
finish() {
  if (( FAULT_SEEN && RECOVERED )); then
    say "OK: fault observed, recovery observed"
    exit 0
  fi
  (( FAULT_SEEN )) || say "FAIL: the probes never saw the fault"
  (( RECOVERED )) || say "FAIL: no recovery within ${RECOVERY_TIMEOUT}s"
  exit 1
}
