#!/usr/bin/env bash
# alertgate's benchmarks (issue #8; method and results in docs/benchmarks.md).
#
#   scripts/bench.sh [PART...]      PART: micro load frontend stamp scale (default: all)
#
# One command on a fresh Debian 12 machine: installs what is missing (the
# build dependencies through scripts/setup.sh, then wrk, libbenchmark-dev,
# sqlite3), builds build-bench/ (Release, -DALERTGATE_BUILD_BENCH=ON), runs
# the parts and prints a summary table. Raw results go to
# build-bench/bench-results/ (results.txt, micro.json, logs).
#
#   micro  Google Benchmark micro-benchmarks (parse, matchers, Evaluate,
#          service read path, reports, SqliteStore::InsertWebhook on disk)
#   load   wrk with bench/webhook.lua, the same settings against the servers
#          side by side: nginx answering `return 200` (the machine's ceiling),
#          the bare cpp-httplib server configured as alertgate's old front end
#          (bench/ceiling_server.cc, the ratio's reference), a bare Boost.Beast
#          server (bench/beast_ceiling.cc, alertgate's HTTP library doing no
#          work), Alertmanager 0.25's POST /api/v2/alerts, and `alertgate
#          serve` with durable storage (also with a drill open, and with
#          --storage.path=:memory: to show what the disk costs); as fast as
#          possible and paced to ~1,000 requests/s.
#   frontend  alertgate while clients misbehave (bench/attack.py): webhooks
#          paced at RATE with 1,000 idle connections open; /-/healthy paced at
#          100/s during 200 slow-drip clients plus 1,000 idle connections, and
#          during a flood of wrong passwords (with a web config), beside a
#          webhook sender whose credentials are remembered.
#   stamp  the latency between a webhook leaving the client and alertgate's
#          receipt timestamp (in-process, exact; and black-box, 1 ms resolution)
#   scale  1,000,000 stored notifications: startup time and RSS; a drill of
#          10,000 injections: report time
#
# Knobs (environment): WRK_THREADS (2), WRK_CONNECTIONS (16), WRK_DURATION
# (10s), RATE (1000), SCALE_NOTIFICATIONS (1000000), REPORT_INJECTIONS (10000),
# BUILD_DIR (build-bench), BENCH_TMPDIR (a disk-backed temp dir; default
# $TMPDIR or /tmp), MICRO_FILTER (a --benchmark_filter regex).
#
# Everything listens on 127.0.0.1 only; every load loop is bounded in time;
# every process started here is stopped on exit (trap).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build-bench}
OUT=$ROOT/$BUILD_DIR/bench-results
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}
WRK_DURATION=${WRK_DURATION:-10s}
RATE=${RATE:-1000}
SCALE_NOTIFICATIONS=${SCALE_NOTIFICATIONS:-1000000}
REPORT_INJECTIONS=${REPORT_INJECTIONS:-10000}
PARTS=("$@")
[ ${#PARTS[@]} -eq 0 ] && PARTS=(micro load frontend stamp scale)
want() { local p; for p in "${PARTS[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

# --- install what is missing (idempotent, as scripts/setup.sh) ---------------
scripts/setup.sh
BENCH_PACKAGES=(wrk libbenchmark-dev sqlite3 prometheus-alertmanager python3 curl nginx-light)
missing=()
for p in "${BENCH_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "bench: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- build ---------------------------------------------------------------------
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DALERTGATE_BUILD_TESTS=OFF -DALERTGATE_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" --target alertgate alertgate_bench alertgate-bench-ceiling \
  alertgate-bench-beast alertgate-bench-stamp alertgate-bench-gen
BIN=$ROOT/$BUILD_DIR

# --- processes and temp dirs, all removed on exit --------------------------------
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: > "$RESULTS"
DISK_TMP=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
WORK=$(mktemp -d "$DISK_TMP/alertgate-bench.XXXXXX")
FAST=$WORK/fast
if [ -d /dev/shm ] && [ -w /dev/shm ]; then FAST=$(mktemp -d /dev/shm/alertgate-bench.XXXXXX); fi
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK" "$FAST"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# wait_ready PORT PATH: up to 20 s.
wait_ready() {
  for _ in $(seq 400); do
    curl -sf -o /dev/null "http://127.0.0.1:$1$2" && return 0
    sleep 0.05
  done
  echo "bench: server on port $1 did not become ready" >&2
  return 1
}
# stop PID: SIGTERM, wait up to 10 s, then SIGKILL.
stop() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# The CPU time (user + system, µs) and context switches (voluntary and not,
# all threads) a process has used so far: "cpu_us switches".
proc_cost() {
  local tick
  tick=$(getconf CLK_TCK)
  echo "$(awk -v t="$tick" '{printf "%d", ($14 + $15) * 1000000 / t}' "/proc/$1/stat")" \
    "$(cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}')"
}
now_ms() { date +%s%3N; }

echo "bench: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
echo "bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "MACHINE nproc=$(nproc) kernel=$(uname -r) load_before=$(cut -d' ' -f1 /proc/loadavg)"
  echo "MACHINE_CPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "TREE $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src CMakeLists.txt 2>/dev/null || echo '+local-changes')"
} >> "$RESULTS"

# --- micro ------------------------------------------------------------------------
if want micro; then
  echo "== micro-benchmarks"
  ALERTGATE_BENCH_DISK_DIR=$WORK "$BIN/alertgate_bench" --benchmark_min_time=0.2 \
    ${MICRO_FILTER:+--benchmark_filter="$MICRO_FILTER"} \
    --benchmark_out="$OUT/micro.json" --benchmark_out_format=json | tee "$OUT/micro.txt"
fi

# --- load -------------------------------------------------------------------------
alertgate_serve() {  # alertgate_serve PORT DIR [extra flags]: starts it, sets SERVER_PID
  local port=$1 dir=$2
  shift 2
  "$BIN/alertgate" serve --config.file="$ROOT/rules/examples/alertgate.yml" \
    --web.listen-address="127.0.0.1:$port" --storage.path="$dir" --log.level=warn "$@" \
    2>>"$OUT/alertgate.log" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

# nginx_start PORT: nginx-light answering `return 200` on 127.0.0.1:PORT; sets SERVER_PID.
nginx_start() {
  local dir=$WORK/nginx-$1
  mkdir -p "$dir"
  cat > "$dir/nginx.conf" <<CONF
worker_processes $(nproc);
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$1;
    location / { return 200 '{"status":"success"}\n'; }
  }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir" 2>>"$OUT/nginx.log" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

# wrk_run PORT PATH LIST RATE [extra env]: one wrk run; prints its WRK line.
wrk_run() {
  local port=$1 path=$2 list=$3 rate=$4
  BENCH_RATE=$rate timeout 120 wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" \
    --timeout 5s -s "$ROOT/bench/webhook.lua" "http://127.0.0.1:$port" -- \
    "$list" "$path" "$rate" "$RANDOM$RANDOM" "$WRK_THREADS" | tee -a "$OUT/wrk.log" | grep '^WRK '
}

# load_run TARGET MODE: starts the target on a fresh port (and fresh storage),
# runs wrk once, records the result and the server's peak RSS, stops it.
load_run() {
  local target=$1 mode=$2 port path list pid extra="" db=""
  port=$(free_port)
  path=/api/v1/webhook; list=$WORK/payloads/webhook.txt
  case $target in
    nginx)
      nginx_start "$port"; pid=$SERVER_PID
      wait_ready "$port" /-/ready ;;
    ceiling)
      "$BIN/alertgate-bench-ceiling" "$port" & pid=$!
      PIDS+=("$pid")
      wait_ready "$port" /-/ready ;;
    beast)
      "$BIN/alertgate-bench-beast" "$port" & pid=$!
      PIDS+=("$pid")
      wait_ready "$port" /-/ready ;;
    alertmanager)
      rm -rf "$WORK/am"; mkdir -p "$WORK/am"
      prometheus-alertmanager --config.file="$ROOT/bench/alertmanager.yml" \
        --storage.path="$WORK/am" --web.listen-address="127.0.0.1:$port" \
        --cluster.listen-address= --log.level=warn 2>>"$OUT/alertmanager.log" &
      pid=$!; PIDS+=("$pid")
      wait_ready "$port" /-/ready
      path=/api/v2/alerts; list=$WORK/payloads/alertmanager.txt ;;
    alertgate|alertgate-drill|alertgate-memory)
      db=$WORK/ag-$target-$mode
      rm -rf "$db"
      if [ "$target" = alertgate-memory ]; then
        alertgate_serve "$port" ":memory:"
        db=""
      else
        alertgate_serve "$port" "$db"
      fi
      pid=$SERVER_PID
      wait_ready "$port" /-/ready
      if [ "$target" = alertgate-drill ]; then
        # A drill in progress: one drill scoped to staging, one open injection
        # per scenario. Every stored webhook now also re-evaluates it.
        curl -sf -XPOST "127.0.0.1:$port/api/v1/drills" -d '{"id":"bench-load","matchers":["env=\"staging\""]}' >/dev/null
        for s in A B C D E; do
          curl -sf -XPOST "127.0.0.1:$port/api/v1/drills/bench-load/injections" -d "{\"scenario\":\"$s\"}" >/dev/null
        done
      fi ;;
  esac
  local rate=0
  [ "$mode" = paced ] && rate=$RATE
  local line before after cost=""
  before=$(proc_cost "$pid")
  line=$(wrk_run "$port" "$path" "$list" "$rate")
  after=$(proc_cost "$pid")
  # nginx answers from worker processes, not the master we started: no cost.
  if [ "$target" != nginx ]; then
    read -r c0 s0 <<<"$before"; read -r c1 s1 <<<"$after"
    cost="server_cpu_us=$((c1 - c0)) server_switches=$((s1 - s0))"
  fi
  local hwm
  hwm=$(status_kib "$pid" VmHWM)
  case $target in
    alertmanager)
      local m
      m=$(curl -sf "127.0.0.1:$port/metrics")
      extra="am_received=$(awk '/^alertmanager_alerts_received_total/ {s += $2} END {printf "%d", s}' <<<"$m")"
      extra+=" am_invalid=$(awk '/^alertmanager_alerts_invalid_total/ {s += $2} END {printf "%d", s}' <<<"$m")" ;;
  esac
  stop "$pid"
  if [ -n "$db" ]; then
    # Every acknowledged webhook must be in the database after the process exited.
    extra="stored_webhooks=$(sqlite3 "$db/alertgate.db" 'select count(*) from webhooks')"
    extra+=" stored_alerts=$(sqlite3 "$db/alertgate.db" 'select count(*) from notifications')"
  fi
  echo "LOAD target=$target mode=$mode ${line#WRK } hwm_kib=$hwm $cost $extra" | tee -a "$RESULTS"
}

if want load || want frontend; then
  python3 bench/make_payloads.py fixtures/webhooks "$WORK/payloads"
fi
if want load; then
  echo "== load (wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION; paced runs at $RATE requests/s)"
  echo "LOAD_SETTINGS threads=$WRK_THREADS connections=$WRK_CONNECTIONS duration=$WRK_DURATION rate=$RATE load_before=$(cut -d' ' -f1 /proc/loadavg)" >> "$RESULTS"
  for mode in max paced; do
    for target in nginx ceiling beast alertmanager alertgate alertgate-drill alertgate-memory; do
      load_run "$target" "$mode"
    done
  done
fi

# --- frontend ---------------------------------------------------------------------
# attack PORT MODE ARGS...: starts bench/attack.py in the background; sets ATTACK_PID.
attack() {
  python3 "$ROOT/bench/attack.py" "$@" >>"$OUT/attack.log" 2>&1 &
  ATTACK_PID=$!
  PIDS+=("$ATTACK_PID")
}
# health_run PORT: /-/healthy paced at 100/s for WRK_DURATION; prints its WRK line.
health_run() {
  timeout 120 wrk -t1 -c2 -d"$WRK_DURATION" --timeout 5s -s "$ROOT/bench/health.lua" \
    "http://127.0.0.1:$1" -- 100 1 | tee -a "$OUT/wrk.log" | grep '^WRK '
}

if want frontend; then
  echo "== frontend: alertgate while clients misbehave"
  # Webhooks paced at RATE while 1,000 idle keep-alive connections stay open.
  port=$(free_port); rm -rf "$WORK/ag-fe1"
  alertgate_serve "$port" "$WORK/ag-fe1"; pid=$SERVER_PID
  wait_ready "$port" /-/ready
  attack "$port" keepalive 1000; a=$ATTACK_PID
  sleep 2  # let the 1,000 connections open
  line=$(wrk_run "$port" /api/v1/webhook "$WORK/payloads/webhook.txt" "$RATE")
  echo "FRONTEND what=webhooks-with-1000-idle open=$(curl -sf "127.0.0.1:$port/metrics" | awk '/^alertgate_http_connections / {print $2}') ${line#WRK }" | tee -a "$RESULTS"
  stop "$a"; stop "$pid"

  # /-/healthy during 200 slow-drip clients and 1,000 idle connections.
  port=$(free_port); rm -rf "$WORK/ag-fe2"
  alertgate_serve "$port" "$WORK/ag-fe2"; pid=$SERVER_PID
  wait_ready "$port" /-/ready
  attack "$port" idle 1000; a1=$ATTACK_PID
  attack "$port" drip 200 1000; a2=$ATTACK_PID
  sleep 2
  line=$(health_run "$port")
  echo "FRONTEND what=healthy-during-slow-clients ${line#WRK }" | tee -a "$RESULTS"
  stop "$a1"; stop "$a2"; stop "$pid"

  # /-/healthy and cached-credential webhooks during a wrong-password flood.
  port=$(free_port); rm -rf "$WORK/ag-fe3"
  cat > "$WORK/web.yml" <<'WEB'
basic_auth_users:
  alertmanager: $2y$10$ab4TrTmmr8XuSt9Rcm38eu8sMwVYQoCwZorhXuyjqlq2X7888pbLS
roles:
  alertmanager: webhook
metrics_public: true
WEB
  alertgate_serve "$port" "$WORK/ag-fe3" --web.config.file="$WORK/web.yml"; pid=$SERVER_PID
  wait_ready "$port" /-/ready
  # The webhook sender's password (fixtures/web/web-config.yml's) is checked
  # once, before the flood, and then remembered. (A password first seen
  # during the flood waits its turn in the bcrypt queue, behind the wrong
  # ones: docs/benchmarks.md.)
  AUTH="Basic $(printf %s 'alertmanager:am-webhook-password' | base64)"
  curl -sf -o /dev/null -H "Authorization: $AUTH" -H 'Content-Type: application/json' \
    --data-binary '{"version":"4","status":"firing","receiver":"r","groupKey":"{}","alerts":[]}' \
    "127.0.0.1:$port/api/v1/webhook"
  attack "$port" flood 25 alertmanager; a=$ATTACK_PID
  sleep 2
  BENCH_AUTH=$AUTH wrk_run "$port" /api/v1/webhook "$WORK/payloads/webhook.txt" 100 > "$WORK/fe3-webhooks.txt" &
  w=$!
  line=$(health_run "$port")
  wait "$w"
  echo "FRONTEND what=healthy-during-password-flood ${line#WRK }" | tee -a "$RESULTS"
  echo "FRONTEND what=cached-webhooks-during-password-flood $(sed 's/^WRK //' "$WORK/fe3-webhooks.txt")" | tee -a "$RESULTS"
  stop "$a"
  m=$(curl -sf "127.0.0.1:$port/metrics")
  echo "FRONTEND what=password-flood refused_401=$(awk -F' ' '/^alertgate_http_requests_total\{code="401"/ {s += $2} END {print s+0}' <<<"$m") refused_503=$(awk -F' ' '/^alertgate_http_requests_total\{code="503"/ {s += $2} END {print s+0}' <<<"$m")" | tee -a "$RESULTS"
  stop "$pid"
fi

# --- stamp ------------------------------------------------------------------------
if want stamp; then
  echo "== stamping latency"
  TMPDIR=$WORK timeout 300 "$BIN/alertgate-bench-stamp" --requests=2000 | tee -a "$RESULTS"
  port=$(free_port)
  alertgate_serve "$port" "$WORK/ag-stamp"; pid=$SERVER_PID
  wait_ready "$port" /-/ready
  timeout 300 "$BIN/alertgate-bench-stamp" --requests=1000 --url="http://127.0.0.1:$port" | tee -a "$RESULTS"
  stop "$pid"
fi

# --- scale ------------------------------------------------------------------------
# start_timed PORT DIR: starts alertgate on DIR and records how long until the
# "alertgate started" log line (everything but listen) and until /-/ready.
start_timed() {
  local port=$1 dir=$2 t0 t_ready log=$WORK/start-$RANDOM.log
  t0=$(now_ms)
  "$BIN/alertgate" serve --config.file="$ROOT/rules/examples/alertgate.yml" \
    --web.listen-address="127.0.0.1:$port" --storage.path="$dir" 2>"$log" &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_ready "$port" /-/ready
  t_ready=$(now_ms)
  local started
  started=$(grep -m1 'msg="alertgate started"' "$log" | sed 's/^ts=\([^ ]*\) .*/\1/')
  STARTED_MS=$(( $(date -d "$started" +%s%3N) - t0 ))
  READY_MS=$(( t_ready - t0 ))
  cat "$log" >> "$OUT/alertgate.log"
}

if want scale; then
  echo "== scale: $SCALE_NOTIFICATIONS stored notifications"
  timeout 1800 "$BIN/alertgate-bench-gen" history "$FAST/history" "$SCALE_NOTIFICATIONS" | tee -a "$RESULTS"
  mkdir -p "$WORK/history"
  cp "$FAST/history/alertgate.db" "$WORK/history/"   # closed cleanly: no -wal left
  rm -rf "$FAST/history"
  sync
  port=$(free_port)
  start_timed "$port" "$WORK/history"; pid=$SERVER_PID
  rss_start=$(status_kib "$pid" VmRSS)
  curl -sf -o /dev/null "127.0.0.1:$port/api/v1/drills/bench-open"
  rss_query=$(status_kib "$pid" VmRSS)
  t0=$(now_ms); curl -sf -o /dev/null "127.0.0.1:$port/api/v1/drills"; t_list=$(( $(now_ms) - t0 ))
  rss_list=$(status_kib "$pid" VmRSS)
  echo "SCALE notifications=$SCALE_NOTIFICATIONS db_bytes=$(stat -c %s "$WORK/history/alertgate.db") started_ms=$STARTED_MS ready_ms=$READY_MS rss_start_kib=$rss_start rss_query_kib=$rss_query rss_list_kib=$rss_list list_ms=$t_list hwm_kib=$(status_kib "$pid" VmHWM)" | tee -a "$RESULTS"
  stop "$pid"
  rm -rf "$WORK/history"

  echo "== scale: a drill of $REPORT_INJECTIONS injections"
  timeout 1800 "$BIN/alertgate-bench-gen" report-drill "$FAST/report" "$REPORT_INJECTIONS" | tee -a "$RESULTS"
  mkdir -p "$WORK/report"
  cp "$FAST/report/alertgate.db" "$WORK/report/"
  rm -rf "$FAST/report"
  port=$(free_port)
  start_timed "$port" "$WORK/report"; pid=$SERVER_PID
  echo "REPORT what=startup injections=$REPORT_INJECTIONS started_ms=$STARTED_MS ready_ms=$READY_MS" | tee -a "$RESULTS"
  for format in markdown html junit json; do
    r=$(curl -sf -o "$WORK/report.out" -w '%{time_total} %{size_download}' \
      "127.0.0.1:$port/api/v1/drills/bench-report/report?format=$format")
    echo "REPORT what=http format=$format seconds=${r% *} bytes=${r#* }" | tee -a "$RESULTS"
  done
  r=$(curl -sf -o /dev/null -w '%{time_total} %{size_download}' "127.0.0.1:$port/api/v1/drills/bench-report")
  echo "REPORT what=http format=results seconds=${r% *} bytes=${r#* }" | tee -a "$RESULTS"
  echo "REPORT what=serve hwm_kib=$(status_kib "$pid" VmHWM)" | tee -a "$RESULTS"
  stop "$pid"
  t0=$(now_ms)
  "$BIN/alertgate" report --drill=bench-report --format=markdown --storage.path="$WORK/report" \
    --config.file="$ROOT/rules/examples/alertgate.yml" --output="$WORK/report.md" || true
  echo "REPORT what=offline format=markdown seconds=$(awk -v ms=$(( $(now_ms) - t0 )) 'BEGIN { print ms / 1000 }')" | tee -a "$RESULTS"
fi

echo "MACHINE_AFTER load_after=$(cut -d' ' -f1 /proc/loadavg)" >> "$RESULTS"
echo
python3 bench/summarize.py "$RESULTS" "$OUT/micro.json"
