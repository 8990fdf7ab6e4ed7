#!/usr/bin/env bash
# Game-day driver with alertgate as the referee (example, after the seed's
# scripts/security/game-day-driver.sh).
#
# Walks scenarios A-E in order. For each one:
#   1. `alertgate inject` right before the fault (keeps the printed injection id),
#   2. runs the scenario's smoke script (it injects the fault, probes, recovers),
#   3. `alertgate clear` after the recovery.
# Each scenario's stdout+stderr and exit code go to a session log,
#   $OUT_DIR/docs/runbooks/game-days/<date>-game-day-driver.log
# Then it finishes the drill, waits (with a deadline) until no injection is pending,
# writes the acceptance report with `alertgate report` to
#   $OUT_DIR/docs/runbooks/game-days/<date>.md
# prints the summary, and exits with the report's exit code.
#
# Environment:
#   ALERTGATE_URL     alertgate's base URL (default http://127.0.0.1:9095)
#   ALERTGATE         the alertgate binary (default: `alertgate` on PATH, else build/alertgate)
#   DRILL             drill id (default <date>-game-day)
#   DRILL_MATCHERS    optional matchers scoping the drill, ';'-separated, e.g. 'env="staging"'
#   OUT_DIR           where docs/runbooks/game-days/ is written (default: this repository)
#   SCENARIO_DIR      where the smoke scripts are (default: examples/scenarios next to this file)
#   ONLY=AC / SKIP=DE run only / skip these scenario ids
#   SETTLE_TIMEOUT    seconds to wait for pending verdicts after the last scenario (default 420:
#                     a 5m window plus margin; the demo uses less)
#   POLL_INTERVAL     seconds between polls of the results (default 2)
#   DATE              the session date used in file names and the default drill id (default today, UTC)
# The smoke scripts get ALERTGATE_URL, DRILL and INJECTION_ID in their environment, plus
# whatever the caller exported (e.g. FAKE_EXPORTER_URL for the examples).
#
# Exit codes:
#   0  the report says the drill passed (and every smoke script succeeded)
#   1  the report says the drill failed or is still pending, or a smoke script failed
#   2  usage / pre-flight error, or `alertgate report` could not write the report
#   3  alertgate was unreachable or refused a runner call: the driver stopped before the
#      next fault. alertgate is the referee -- without it no fault is injected. The operator
#      decides: fix alertgate and re-run the remaining scenarios with the same DRILL and ONLY=...
#      (drill start is idempotent), or run the drill unrefereed without this driver.
#
# Registering a scenario: add its id to SCENARIOS and one line to each of the two
# associative arrays below (name, smoke script); the id must be declared in alertgate's
# config (rules/examples/alertgate.yml) with the alerts it must raise.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"

SCENARIOS=(A B C D E)
SCENARIO_DIR="${SCENARIO_DIR:-$HERE/scenarios}"
declare -A SCENARIO_NAME=(
  [A]="Postgres primary failover"
  [B]="HAProxy backend-api 1 fail-over"
  [C]="Redis Sentinel master promotion"
  [D]="MinIO 2-node loss EC:2 reconstruction"
  [E]="RabbitMQ outage backend stays up"
)
# The demo's smoke scripts; on staging, point these at the real ones
# (infra/ansible/tests/test_pg_failover.sh, test_backend_failover.sh, test_redis_failover.sh,
#  test_minio_resilience.sh, test_rabbitmq_outage.sh).
declare -A SCENARIO_SCRIPT=(
  [A]="$SCENARIO_DIR/A-pg-failover.sh"
  [B]="$SCENARIO_DIR/B-haproxy-backend-kill.sh"
  [C]="$SCENARIO_DIR/C-redis-sentinel-promotion.sh"
  [D]="$SCENARIO_DIR/D-minio-2-node-loss.sh"
  [E]="$SCENARIO_DIR/E-rabbitmq-outage.sh"
)

DATE="${DATE:-$(date -u +%F)}"
ALERTGATE_URL="${ALERTGATE_URL:-http://127.0.0.1:9095}"
ALERTGATE_URL="${ALERTGATE_URL%/}"
DRILL="${DRILL:-$DATE-game-day}"
OUT_DIR="${OUT_DIR:-$REPO}"
SETTLE_TIMEOUT="${SETTLE_TIMEOUT:-420}"
POLL_INTERVAL="${POLL_INTERVAL:-2}"
if [[ -z ${ALERTGATE:-} ]]; then
  if command -v alertgate >/dev/null; then ALERTGATE=alertgate; else ALERTGATE="$REPO/build/alertgate"; fi
fi

SESSION_DIR="$OUT_DIR/docs/runbooks/game-days"
LOG="$SESSION_DIR/$DATE-game-day-driver.log"
REPORT="$SESSION_DIR/$DATE.md"

export ALERTGATE_URL DRILL

# --- output ------------------------------------------------------------------
ts() { date -u +%FT%TZ; }
# log MESSAGE: to the terminal and the session log.
log() { printf '[driver %s] %s\n' "$(ts)" "$*" | tee -a "$LOG"; }
loud() {
  {
    printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    printf '!! %s\n' "$@"
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n'
  } | tee -a "$LOG" >&2
}

# --- state for the summary and for an interrupted run ------------------------
declare -A RESULT_EXIT=() RESULT_INJECTION=() RESULT_INJECTED_AT=()
CURRENT_INJECTION=""

# ag SUBCOMMAND ARGS...: run alertgate, output to terminal and log; returns its exit code.
ag() {
  local out rc
  out=$("$ALERTGATE" "$@" --url="$ALERTGATE_URL" 2>&1); rc=$?
  [[ -z $out ]] || printf '%s\n' "$out" | sed 's/^/  alertgate: /' | tee -a "$LOG" >&2
  AG_OUT=$out
  return $rc
}

# referee_down WHAT RC: stop loudly (exit 3) after a failed runner call.
referee_down() {
  local what=$1 rc=$2 why="refused the call (exit $2)" done_ids="${!RESULT_EXIT[*]}"
  (( rc == 3 )) && why="is unreachable at $ALERTGATE_URL"
  loud "STOPPED: alertgate $why during: $what" \
       "No further fault is injected: alertgate is the referee of this drill." \
       "Scenarios run so far: ${done_ids:-none}. Fix alertgate, then re-run the rest with" \
       "  DRILL=$DRILL ONLY=<remaining ids> $0" \
       "or decide to run the drill unrefereed."
  print_scenarios
  exit 3
}

# run_scenario ID INJECTION: the smoke script, output to the terminal and the session log.
# It runs in the background and the driver waits for it, so that an interrupt reaches the
# driver at once and is passed on to the script (whose EXIT trap removes the fault).
SCENARIO_PID="" TEE_PID="" FIFO=""
run_scenario() {
  FIFO="$(mktemp -u "${TMPDIR:-/tmp}/game-day-driver.XXXXXX")"
  mkfifo "$FIFO" || return 125
  tee -a "$LOG" < "$FIFO" &
  TEE_PID=$!
  INJECTION_ID=$2 "${SCENARIO_SCRIPT[$1]}" > "$FIFO" 2>&1 &
  SCENARIO_PID=$!
  local rc=0
  wait "$SCENARIO_PID" || rc=$?
  wait "$TEE_PID" 2>/dev/null
  rm -f "$FIFO"
  SCENARIO_PID="" TEE_PID="" FIFO=""
  return $rc
}

on_interrupt() {
  trap - INT TERM
  loud "INTERRUPTED"
  if [[ -n $SCENARIO_PID ]] && kill -0 "$SCENARIO_PID" 2>/dev/null; then
    log "stopping the running smoke script (pid $SCENARIO_PID); its trap removes the fault"
    kill -TERM "$SCENARIO_PID" 2>/dev/null
    wait "$SCENARIO_PID" 2>/dev/null
    [[ -z $TEE_PID ]] || wait "$TEE_PID" 2>/dev/null
  fi
  [[ -z $FIFO ]] || rm -f "$FIFO"
  if [[ -n $CURRENT_INJECTION ]]; then
    # The smoke script's own trap restores the fault; record the clear so the window is honest.
    ag clear --drill="$DRILL" --injection="$CURRENT_INJECTION" || true
  fi
  print_scenarios
  exit 130
}

print_scenarios() {
  local id
  {
    echo
    echo "Scenarios (drill $DRILL):"
    printf '  %-3s %-40s %-6s %-9s %s\n' id name exit injection injected_at
    for id in "${SCENARIOS[@]}"; do
      [[ -n ${RESULT_EXIT[$id]+x} ]] || continue
      printf '  %-3s %-40s %-6s %-9s %s\n' "$id" "${SCENARIO_NAME[$id]}" "${RESULT_EXIT[$id]}" \
        "${RESULT_INJECTION[$id]:--}" "${RESULT_INJECTED_AT[$id]:--}"
    done
  } | tee -a "$LOG"
}

# --- selection and pre-flight ------------------------------------------------
selected() {
  local id=$1
  if [[ -n ${ONLY:-} && ${ONLY} != *"$id"* ]]; then return 1; fi
  if [[ -n ${SKIP:-} && ${SKIP} == *"$id"* ]]; then return 1; fi
  return 0
}

mkdir -p "$SESSION_DIR" || { echo "game-day-driver: cannot create $SESSION_DIR" >&2; exit 2; }
RUN=()
for id in "${SCENARIOS[@]}"; do selected "$id" && RUN+=("$id"); done

{
  echo "=== game day $DRILL -- driver started $(ts)"
  echo "=== alertgate $ALERTGATE_URL ($ALERTGATE), scenarios: ${RUN[*]:-none}"
} | tee -a "$LOG"

preflight_ok=1
if (( ${#RUN[@]} == 0 )); then
  log "pre-flight: no scenario selected (ONLY='${ONLY:-}' SKIP='${SKIP:-}')"; preflight_ok=0
fi
for id in "${RUN[@]}"; do
  s="${SCENARIO_SCRIPT[$id]}"
  if [[ ! -f $s ]]; then log "pre-flight: scenario $id: $s does not exist"; preflight_ok=0
  elif [[ ! -x $s ]]; then log "pre-flight: scenario $id: $s is not executable"; preflight_ok=0
  fi
done
if ! command -v "$ALERTGATE" >/dev/null; then
  log "pre-flight: alertgate binary '$ALERTGATE' not found (set ALERTGATE)"; preflight_ok=0
fi
if ! command -v curl >/dev/null; then log "pre-flight: curl is needed"; preflight_ok=0; fi
if (( !preflight_ok )); then
  loud "pre-flight failed: nothing was injected"
  exit 2
fi
log "pre-flight: ${#RUN[@]} scenario script(s) present and executable"

trap on_interrupt INT TERM

# --- the drill -----------------------------------------------------------------
matcher_args=()
if [[ -n ${DRILL_MATCHERS:-} ]]; then
  IFS=';' read -r -a ms <<< "$DRILL_MATCHERS"
  for m in "${ms[@]}"; do [[ -z $m ]] || matcher_args+=("--matcher=$m"); done
fi
ag drill start --drill="$DRILL" "${matcher_args[@]}" || referee_down "drill start" $?

for id in "${RUN[@]}"; do
  echo | tee -a "$LOG"
  log "=== scenario $id: ${SCENARIO_NAME[$id]} (${SCENARIO_SCRIPT[$id]})"
  ag inject --drill="$DRILL" --scenario="$id" || referee_down "inject $id" $?
  read -r inj at <<< "$AG_OUT"
  RESULT_INJECTION[$id]=$inj RESULT_INJECTED_AT[$id]=$at CURRENT_INJECTION=$inj
  log "injection $inj at $at -- running the smoke script"

  run_scenario "$id" "$inj"
  rc=$?
  RESULT_EXIT[$id]=$rc
  log "scenario $id: smoke script exit $rc"

  ag clear --drill="$DRILL" --injection="$inj" || referee_down "clear $inj" $?
  CURRENT_INJECTION=""
done

echo | tee -a "$LOG"
ag drill finish --drill="$DRILL" || referee_down "drill finish" $?

# --- wait for the verdicts ---------------------------------------------------------
# An injection stays `pending` until all its alerts arrived or its window closed; once the
# drill is finished, its verdict is `pending` exactly while one of them is.
results() { curl -fsS --noproxy '*' --max-time 5 "$ALERTGATE_URL/api/v1/drills/$DRILL"; }
deadline=$(( $(date +%s) + SETTLE_TIMEOUT ))
last=""
while :; do
  doc=$(results) || referee_down "GET /api/v1/drills/$DRILL" 3
  n=$(grep -oE '"acceptance" *: *"pending"' <<< "$doc" | wc -l)
  if (( n == 0 )); then
    log "no injection pending"
    break
  fi
  if [[ $n != "$last" ]]; then log "waiting for verdicts: $n injection(s) pending (deadline ${SETTLE_TIMEOUT}s)"; last=$n; fi
  if (( $(date +%s) >= deadline )); then
    loud "still pending after ${SETTLE_TIMEOUT}s: reporting anyway (the report will say pending)"
    break
  fi
  sleep "$POLL_INTERVAL"
done

# --- the report -----------------------------------------------------------------
"$ALERTGATE" report --drill="$DRILL" --format=markdown --output="$REPORT" --url="$ALERTGATE_URL" \
  2> >(tee -a "$LOG" >&2)
report_rc=$?
(( report_rc == 4 )) && report_rc=1  # written, and the drill is still pending
print_scenarios
echo | tee -a "$LOG"
if (( report_rc <= 1 )) && [[ -s $REPORT ]]; then
  log "report: $REPORT (alertgate report exit $report_rc)"
  # The report's summary table (its "## Summary" section; else its first table), then the
  # drill verdict line.
  summary=$(awk '/^## Summary/ { s = 1; next } s && /^\|/ { t = 1; print; next } t { exit }' "$REPORT")
  [[ -n $summary ]] || summary=$(awk '/^\|/ { t = 1; print; next } t { exit }' "$REPORT")
  { echo; echo "$summary"; echo; grep -m1 '^| Verdict |' "$REPORT" || true; } | tee -a "$LOG"
else
  loud "alertgate report failed (exit $report_rc): no report written to $REPORT" \
       "The verdicts are still in alertgate: $ALERTGATE_URL/api/v1/drills/$DRILL"
  report_rc=2
  if command -v python3 >/dev/null; then
    # A plain verdict table from the results document, so the session still ends with one.
    results | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("drill %s: %s" % (d["drill"], d["verdict"]))
print("| scenario | injected at | first alert | time to alert | gate | verdict |")
print("|---|---|---|---|---|---|")
for i in d["injections"]:
    got = [e for e in i["expectations"] if e.get("notified_at")]
    first = min(got, key=lambda e: e["notified_at"])["alertname"] if got else "-"
    tta = i.get("time_to_alert_seconds")
    print("| %s %s | %s | %s | %s | %ss | %s |" % (i["scenario"], i["name"], i["injected_at"], first,
          "-" if tta is None else "%.1fs" % tta, i["gate_seconds"], i["verdict"]))
' | tee -a "$LOG"
  fi
fi

rc=$report_rc
failed_scripts=()
for id in "${RUN[@]}"; do [[ ${RESULT_EXIT[$id]} == 0 ]] || failed_scripts+=("$id"); done
if (( ${#failed_scripts[@]} > 0 )); then
  loud "smoke script(s) failed: ${failed_scripts[*]} -- see $LOG" \
       "(their probes are the other acceptance gates, e.g. no 5xx run > 30s)"
  (( rc == 0 )) && rc=1
fi
log "session log: $LOG"
log "driver exit $rc"
exit "$rc"
