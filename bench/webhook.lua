-- wrk script for scripts/bench.sh: posts real captured Alertmanager payloads
-- (fixtures/webhooks/*.json, turned into templates by bench/make_payloads.py),
-- rotating through the five deliveries (8 alerts in 5 requests).
--
--   BENCH_RATE=RATE wrk -tTHREADS ... -s bench/webhook.lua URL -- PAYLOAD_LIST PATH RATE NONCE THREADS
--     PAYLOAD_LIST  file listing one template file per line
--     PATH          /api/v1/webhook (alertgate, ceiling) or /api/v2/alerts (Alertmanager)
--     RATE          total requests/s over all threads; 0 = as fast as possible. wrk
--                   decides at load time whether the script paces, so BENCH_RATE in
--                   the environment must say the same (it defines delay())
--     NONCE         a number unique to this run
--     THREADS       wrk's -t, to split RATE between the threads
--
-- Every request is new to the server: each alert gets a unique label
-- bench_seq and (webhook payloads) the same unique fingerprint, startsAt is
-- now - 1 s and a resolved alert's endsAt is now. So alertgate stores a new
-- notification for every alert (its dedupe key is fingerprint + startsAt +
-- status) and Alertmanager creates a new alert (its fingerprint is the hash
-- of the label set) instead of merging into one it already holds.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(0, ts) -- CLOCK_REALTIME: startsAt is wall time
  return tonumber(ts.tv_sec) * 1000 + math.floor(tonumber(ts.tv_nsec) / 1e6)
end
local function mono_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC: pacing
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local templates = {}   -- each: { parts = {...}, alerts = n }
-- BENCH_AUTH in the environment, when set, is sent as the Authorization header.
local headers = { ["Content-Type"] = "application/json" }
if os.getenv("BENCH_AUTH") then headers["Authorization"] = os.getenv("BENCH_AUTH") end
local path, rate, nonce
local interval_ms, next_due
local counter, alert_seq = 0, 0
requests_sent, alerts_sent = 0, 0

local function load_template(file)
  local f = assert(io.open(file, "rb"))
  local text = f:read("*a")
  f:close()
  local parts, alerts = {}, 0
  local pos = 1
  while true do
    local s, e, tag = text:find("@@(%u%u)@@", pos)
    if not s then break end
    table.insert(parts, text:sub(pos, s - 1))
    table.insert(parts, tag)
    if tag == "SQ" then alerts = alerts + 1 end
    pos = e + 1
  end
  table.insert(parts, text:sub(pos))
  return { parts = parts, alerts = alerts }
end

function init(args)
  local list = args[1]
  path = args[2] or "/api/v1/webhook"
  rate = tonumber(args[3] or "0")
  nonce = tonumber(args[4] or "0")
  for line in io.lines(list) do
    if line ~= "" then table.insert(templates, load_template(line)) end
  end
  assert(#templates > 0, "no payload templates in " .. list)
  if rate > 0 then
    -- Each thread paces its share of the total rate on a fixed schedule, so a
    -- slow response is followed by catch-up sends rather than a lower rate.
    local nthreads = tonumber(args[5] or "1")
    interval_ms = 1000.0 * nthreads / rate
  end
end

local cached_sec, cached_prefix = -1, ""
local function iso(ms)
  local sec = math.floor(ms / 1000)
  if sec ~= cached_sec then
    cached_sec = sec
    cached_prefix = os.date("!%Y-%m-%dT%H:%M:%S", sec)
  end
  return string.format("%s.%03dZ", cached_prefix, ms % 1000)
end

function request()
  counter = counter + 1
  local t = templates[(counter - 1) % #templates + 1]
  local now = now_ms()
  local starts, ends = iso(now - 1000), iso(now)
  local out = {}
  local id
  for i, p in ipairs(t.parts) do
    if i % 2 == 1 then
      out[i] = p
    elseif p == "SQ" then
      alert_seq = alert_seq + 1
      id = string.format("%02x%06x%08x", tid % 256, nonce % 16777216, alert_seq % 4294967296)
      out[i] = id
    elseif p == "FP" then
      out[i] = id
    elseif p == "ST" then
      out[i] = starts
    elseif p == "EN" then
      out[i] = ends
    end
  end
  requests_sent = requests_sent + 1
  alerts_sent = alerts_sent + t.alerts
  return wrk.format("POST", path, headers, table.concat(out))
end

if tonumber(os.getenv("BENCH_RATE") or "0") > 0 then
  function delay()
    local now = mono_ms()
    if next_due == nil then next_due = now end
    local wait = next_due - now
    next_due = next_due + interval_ms
    if wait <= 0 then return 0 end
    return math.floor(wait)
  end
end

function done(summary, latency, requests)
  local sent, alerts = 0, 0
  for _, t in ipairs(threads) do
    sent = sent + (t:get("requests_sent") or 0)
    alerts = alerts + (t:get("alerts_sent") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d connect_errors=%d read_errors=%d write_errors=%d " ..
    "timeouts=%d non2xx=%d sent=%d alerts_sent=%d p50_us=%d p90_us=%d p99_us=%d " ..
    "p999_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    sent, alerts, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
