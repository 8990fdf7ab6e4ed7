#!/usr/bin/env bash
# A ~2-minute demo drill: the real pipeline on loopback, five scenarios, five verdicts.
#
#   alertgate-fake-exporter (x2) -> Prometheus (1s scrape/eval, examples/demo/demo.rules.yml)
#     -> Alertmanager (1s group_wait) -> webhook -> alertgate serve (examples/demo/alertgate.yml)
#
# Starts all of that on free 127.0.0.1 ports, waits for readiness (polling with deadlines),
# then runs examples/game-day-driver.sh: scenarios A-E, each injected, faulted, probed,
# recovered and cleared, then the report. The demo is designed to end with
#   A pass, B pass, C pass,
#   D late    -- MinioNodesOffline's `for` exceeds the gate (a rule-tuning bug),
#   E silent  -- an Alertmanager route mutes RabbitMQ alerts above alertgate (a routing bug);
# see the comments in examples/demo/*.yml. It exits 0 when the verdicts are exactly those
# (the late and silent ones are expected) and non-zero when the demo itself broke.
#
# Environment:
#   BUILD_DIR    where alertgate is built (default build; built with scripts/build.sh if missing)
#   DATA_DIR     alertgate's storage, kept for `alertgate report` afterwards (default data/demo);
#                each run's session log, report, configs and logs go to $DATA_DIR/runs/<drill>/
#   DRILL        drill id (default demo-<UTC date-time>)
#   ONLY / SKIP  passed to the driver (e.g. ONLY=AB); the expected verdicts follow
#   TIMEOUT      seconds allowed for each readiness wait (default 30)
#   CHECK_DASHBOARD=1  after the drill, require data for every Grafana panel's query from the
#                demo's Prometheus (tests/grafana/check_dashboard.sh); CI does this
#   PROMETHEUS, ALERTMANAGER, PROMTOOL, AMTOOL  binaries (Debian names by default)
# Everything it starts is stopped on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
T0=$(date +%s%N)

BUILD_DIR="${BUILD_DIR:-build}"
DATA_DIR="${DATA_DIR:-data/demo}"
DRILL="${DRILL:-demo-$(date -u +%Y%m%d-%H%M%S)}"
TIMEOUT="${TIMEOUT:-30}"
PROMETHEUS="${PROMETHEUS:-prometheus}"
ALERTMANAGER="${ALERTMANAGER:-prometheus-alertmanager}"
PROMTOOL="${PROMTOOL:-promtool}"
AMTOOL="${AMTOOL:-amtool}"
DEMO="$REPO/examples/demo"

# The designed outcome (examples/demo/alertgate.yml).
declare -A EXPECT=([A]=pass [B]=pass [C]=pass [D]=late [E]=silent)

# Loopback only: never let a proxy setting send anything elsewhere.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

elapsed() { local ms=$(( ($(date +%s%N) - T0) / 1000000 )); printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100)); }
log() { printf '[demo %6s] %s\n' "$(elapsed)" "$*" >&2; }

PIDS=()
declare -A PNAME=()
BROKER_PID=""
DRIVER_PID=""
OK=0
WORK=""

dump_logs() {
  [[ -n $WORK ]] || return 0
  local f
  for f in alertgate prometheus alertmanager exporter broker; do
    [[ -f "$WORK/$f.log" ]] || continue
    echo "===== $f.log (last 30 lines; full: $WORK/$f.log) =====" >&2
    tail -n 30 "$WORK/$f.log" >&2
  done
}

cleanup() {
  local rc=$? pid i
  trap - EXIT INT TERM
  if [[ -n $DRIVER_PID ]] && kill -0 "$DRIVER_PID" 2>/dev/null; then
    # The driver stops its running smoke script (which removes its fault) and records the clear.
    log "stopping the game-day driver (pid $DRIVER_PID)"
    kill -TERM "$DRIVER_PID" 2>/dev/null || true
    local driver_deadline=$(( $(date +%s) + 20 ))
    while kill -0 "$DRIVER_PID" 2>/dev/null && (( $(date +%s) < driver_deadline )); do sleep 0.1; done
    kill -KILL "$DRIVER_PID" 2>/dev/null || true
    wait "$DRIVER_PID" 2>/dev/null || true
  fi
  # A frozen broker would ignore SIGTERM until continued.
  [[ -z $BROKER_PID ]] || kill -CONT "$BROKER_PID" 2>/dev/null || true
  for (( i = ${#PIDS[@]} - 1; i >= 0; i-- )); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  local deadline=$(( $(date +%s) + 10 ))
  for pid in "${PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && (( $(date +%s) < deadline )); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "${PNAME[$pid]} (pid $pid) did not stop on SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n $WORK ]]; then
    if (( OK )); then
      rm -rf "$WORK/prometheus-data" "$WORK/alertmanager-data"
    else
      dump_logs
      log "logs and data kept in $WORK"
    fi
  fi
  log "stopped everything; wall time $(elapsed)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { log "ERROR: $*"; exit 1; }

# start NAME COMMAND...: run COMMAND in the background, output to $WORK/NAME.log.
start() {
  local name=$1; shift
  "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  PNAME[$!]=$name
  LAST_PID=$!
}

# wait_until DESCRIPTION COMMAND...: poll COMMAND every 0.2s until it succeeds, or fail
# after TIMEOUT seconds (or as soon as a started process died).
wait_until() {
  local desc=$1; shift
  local deadline=$(( $(date +%s) + TIMEOUT )) pid
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || die "timed out after ${TIMEOUT}s waiting for: $desc"
    for pid in "${PIDS[@]}"; do
      kill -0 "$pid" 2>/dev/null || die "${PNAME[$pid]} (pid $pid) exited while waiting for: $desc"
    done
    sleep 0.2
  done
  log "ok: $desc"
}

http_ok() { curl -fsS --noproxy '*' -o /dev/null --max-time 2 "$1"; }

# prom PYEXPR PATH: GET Prometheus API PATH; succeed iff PYEXPR over d (parsed JSON) is true.
prom() {
  curl -fsS --noproxy '*' --max-time 2 "http://$PROM_ADDR$2" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if ('"$1"') else 1)'
}
# prom_count N PROMQL: the query returns exactly N series.
prom_count() {
  prom "len(d[\"data\"][\"result\"]) == $1" "/api/v1/query?query=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$2")"
}

# --- tools and build -----------------------------------------------------------------
need_setup=0
for t in "$PROMETHEUS" "$ALERTMANAGER" "$PROMTOOL" "$AMTOOL" curl python3; do
  command -v "$t" >/dev/null || { log "missing: $t"; need_setup=1; }
done
if [[ ! -x $BUILD_DIR/alertgate || ! -x $BUILD_DIR/alertgate-fake-exporter ]]; then
  need_setup=1
fi
if (( need_setup )); then
  log "installing what is missing and building (first run only)"
  scripts/setup.sh
  command -v python3 >/dev/null || die "python3 is needed (apt-get install python3)"
  BUILD_DIR="$BUILD_DIR" scripts/build.sh
else
  log "bringing $BUILD_DIR/alertgate and alertgate-fake-exporter up to date"
  cmake --build "$BUILD_DIR" --target alertgate alertgate-fake-exporter > "${TMPDIR:-/tmp}/alertgate-demo-build.$$.log" 2>&1 ||
    { tail -n 40 "${TMPDIR:-/tmp}/alertgate-demo-build.$$.log" >&2; die "build failed (scripts/build.sh for a clean build)"; }
  rm -f "${TMPDIR:-/tmp}/alertgate-demo-build.$$.log"
fi
log "build ready"
T_PIPELINE=$(date +%s%N)   # the demo's own wall time is measured from here (excluding the build)
ALERTGATE="$(cd "$BUILD_DIR" && pwd)/alertgate"
FAKE_EXPORTER="$(cd "$BUILD_DIR" && pwd)/alertgate-fake-exporter"

# --- directories, ports, configs -------------------------------------------------------
RUN_DIR="$DATA_DIR/runs/$DRILL"
[[ ! -e $RUN_DIR ]] || die "$RUN_DIR exists already (pick another DRILL)"
WORK="$RUN_DIR/work"
mkdir -p "$WORK/prometheus-data" "$WORK/alertmanager-data"
RUN_DIR="$(cd "$RUN_DIR" && pwd)" WORK="$(cd "$WORK" && pwd)"

read -r AG_PORT PROM_PORT AM_PORT < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
for s in ss: s.close()')
AG_ADDR=127.0.0.1:$AG_PORT PROM_ADDR=127.0.0.1:$PROM_PORT AM_ADDR=127.0.0.1:$AM_PORT

log "checking the demo configs"
python3 "$DEMO/check_demo_rules.py" "$DEMO/demo.rules.yml" rules/scenarios.rules.yml >&2 ||
  die "examples/demo/demo.rules.yml drifted from rules/scenarios.rules.yml"

# --- start: exporters ---------------------------------------------------------------------
start exporter "$FAKE_EXPORTER" --port 0
start broker "$FAKE_EXPORTER" --port 0
BROKER_PID=$LAST_PID
listening() { grep -q '^listening port=' "$WORK/exporter.log" && grep -q '^listening port=' "$WORK/broker.log"; }
wait_until "fake exporters listening" listening
EXP_ADDR=127.0.0.1:$(sed -n 's/^listening port=//p' "$WORK/exporter.log")
BROKER_ADDR=127.0.0.1:$(sed -n 's/^listening port=//p' "$WORK/broker.log")
export FAKE_EXPORTER_URL="http://$EXP_ADDR" RABBITMQ_EXPORTER_URL="http://$BROKER_ADDR" RABBITMQ_PID="$BROKER_PID"
for s in examples/scenarios/[A-E]-*.sh; do
  "$s" --restore > /dev/null || die "$s --restore could not set the healthy state"
done
log "healthy staging state set on the fake exporters ($EXP_ADDR, broker $BROKER_ADDR)"

sed -e "s/@EXPORTER@/$EXP_ADDR/g" -e "s/@BROKER@/$BROKER_ADDR/g" -e "s/@ALERTGATE@/$AG_ADDR/g" \
    -e "s/@ALERTMANAGER@/$AM_ADDR/g" "$DEMO/prometheus.yml" > "$WORK/prometheus.yml"
cp "$DEMO/demo.rules.yml" "$WORK/demo.rules.yml"
sed -e "s/@ALERTGATE@/$AG_ADDR/g" "$DEMO/alertmanager.yml" > "$WORK/alertmanager.yml"
"$PROMTOOL" check config "$WORK/prometheus.yml" > "$WORK/promtool.log" 2>&1 ||
  { cat "$WORK/promtool.log" >&2; die "promtool check config failed"; }
"$AMTOOL" check-config "$WORK/alertmanager.yml" > "$WORK/amtool.log" 2>&1 ||
  { cat "$WORK/amtool.log" >&2; die "amtool check-config failed"; }

# Before the drill, alertgate lint says which expectations cannot meet their
# gates and why. By design exactly D/1 (a `for` longer than the gate) and E/1,
# E/2 (routed away from alertgate) cannot; anything else means the demo's
# configs drifted.
lint=("$ALERTGATE" lint --config.file="$DEMO/alertgate.yml" --prometheus.config="$WORK/prometheus.yml"
  --alertmanager.config="$WORK/alertmanager.yml" --alertgate.url="http://$AG_ADDR")
"${lint[@]}" > "$WORK/lint.txt" 2>&1 || true
"${lint[@]}" --format=json > "$WORK/lint.json" 2> "$WORK/lint.err" ||
  [[ $? == 1 ]] || { cat "$WORK/lint.err" >&2; die "alertgate lint could not read the demo configs"; }
lint_failing=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(e["ref"] for s in d["scenarios"] for e in s["expectations"] if not e["ok"]))' "$WORK/lint.json")
[[ $lint_failing == "D/1 E/1 E/2" ]] ||
  { cat "$WORK/lint.txt" >&2; die "alertgate lint finds [$lint_failing] unable to meet the gate, designed [D/1 E/1 E/2]"; }

# --- start: alertgate, Alertmanager, Prometheus ------------------------------------------
mkdir -p "$DATA_DIR"
start alertgate "$ALERTGATE" serve --config.file="$DEMO/alertgate.yml" --storage.path="$DATA_DIR" \
  --web.listen-address="$AG_ADDR"
start alertmanager "$ALERTMANAGER" --config.file="$WORK/alertmanager.yml" \
  --storage.path="$WORK/alertmanager-data" --web.listen-address="$AM_ADDR" \
  --web.external-url="http://$AM_ADDR/" --cluster.listen-address=
start prometheus "$PROMETHEUS" --config.file="$WORK/prometheus.yml" \
  --storage.tsdb.path="$WORK/prometheus-data" --web.listen-address="$PROM_ADDR" \
  --web.external-url="http://$PROM_ADDR/" --rules.alert.resend-delay=1s
log "alertgate $AG_ADDR, Alertmanager $AM_ADDR, Prometheus $PROM_ADDR (logs: $WORK)"

wait_until "alertgate ready" http_ok "http://$AG_ADDR/-/ready"
wait_until "alertmanager ready" http_ok "http://$AM_ADDR/-/ready"
wait_until "prometheus ready" http_ok "http://$PROM_ADDR/-/ready"
wait_until "prometheus loaded the 13 demo rules" prom \
  'sum(len(g["rules"]) for g in d["data"]["groups"]) == 13' /api/v1/rules
wait_until "prometheus found alertmanager" prom 'len(d["data"]["activeAlertmanagers"]) == 1' /api/v1/alertmanagers
wait_until "all 8 targets scraped (up == 1)" prom_count 8 'up == 1'
wait_until "baseline scraped: 2 Postgres, 15 HAProxy, 3 Sentinel series" prom_count 20 \
  'pg_replication_is_replica or haproxy_server_status or redis_sentinel_master_status'
# RedisSentinelMasterChanged compares with 5s ago: C needs that much history.
wait_until "5s of Sentinel history" prom_count 3 'redis_sentinel_master_status offset 5s'
wait_until "rules evaluated, nothing firing or pending" prom \
  'all(r.get("lastEvaluation","").startswith("20") and r["health"] == "ok" and not r["alerts"] for g in d["data"]["groups"] for r in g["rules"])' \
  /api/v1/rules
log "pipeline ready"

# --- the drill --------------------------------------------------------------------------
DRIVER_T0=$(date +%s%N)
# In the background so that Ctrl-C / SIGTERM reach this script at once (cleanup passes them on).
ALERTGATE="$ALERTGATE" ALERTGATE_URL="http://$AG_ADDR" DRILL="$DRILL" DRILL_MATCHERS='env="staging"' \
  OUT_DIR="$RUN_DIR" SETTLE_TIMEOUT=60 POLL_INTERVAL=1 \
  examples/game-day-driver.sh &
DRIVER_PID=$!
driver_rc=0
wait "$DRIVER_PID" || driver_rc=$?
DRIVER_PID=""
log "driver exit $driver_rc after $(( ($(date +%s%N) - DRIVER_T0) / 1000000000 ))s"

# --- the verdict table and the check ------------------------------------------------------
selected=()
for id in A B C D E; do
  if [[ -n ${ONLY:-} && $ONLY != *"$id"* ]]; then continue; fi
  if [[ -n ${SKIP:-} && $SKIP == *"$id"* ]]; then continue; fi
  selected+=("$id")
done
expect_spec=""
for id in "${selected[@]}"; do expect_spec+="$id=${EXPECT[$id]} "; done

curl -fsS --noproxy '*' --max-time 5 "http://$AG_ADDR/api/v1/drills/$DRILL" > "$WORK/results.json" ||
  die "cannot read the results from alertgate"
# The driver printed the report's verdict table; the reasons for D and E are
# the errors alertgate lint found in the configs before the drill.
echo
echo "Why, as alertgate lint said before the drill:"
sed -n '/^Findings:/,/^$/{/^  error/,/^          fix:/p}' "$WORK/lint.txt"
actual=$(python3 -c 'import json, sys
print(" ".join(sorted(i["scenario"] + "=" + i["verdict"] for i in json.load(open(sys.argv[1]))["injections"])))' \
  "$WORK/results.json")
verdicts_rc=0
if [[ "$actual" != "${expect_spec% }" ]]; then
  echo "DEMO BROKEN: verdicts [$actual], designed [${expect_spec% }]" >&2
  verdicts_rc=1
fi

expected_driver_rc=0
for id in "${selected[@]}"; do [[ ${EXPECT[$id]} == pass ]] || expected_driver_rc=1; done

echo
echo "Session log and report:   $RUN_DIR/docs/runbooks/game-days/"
echo "Regenerate the report from storage (alertgate stopped):"
echo "  $BUILD_DIR/alertgate report --drill=$DRILL --storage.path=$DATA_DIR --config.file=examples/demo/alertgate.yml --format=markdown"
echo

if (( verdicts_rc != 0 )); then
  die "the verdicts differ from the design (A, B, C pass; D late; E silent): the demo broke"
fi
if (( driver_rc != expected_driver_rc )); then
  die "the driver exited $driver_rc, expected $expected_driver_rc (2: the report could not be written; 3: alertgate unreachable)"
fi
if [[ ${CHECK_DASHBOARD:-0} == 1 ]]; then
  log "checking that every Grafana panel's query returns data for this drill"
  tests/grafana/check_dashboard.sh --prometheus="http://$PROM_ADDR" --drill="$DRILL" --job=alertgate ||
    die "the Grafana dashboard has panels without data after the demo drill"
fi
OK=1
log "demo ran as designed: ${expect_spec% } -- demo wall time $(( ($(date +%s%N) - T_PIPELINE) / 1000000000 ))s (excluding the build)"
