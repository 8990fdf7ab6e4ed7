-- wrk script for scripts/bench.sh: GET /-/healthy at a paced rate, to
-- measure how long a health check waits while something else loads the
-- server (slow clients, idle connections, a password flood).
--
--   BENCH_RATE=RATE wrk -tTHREADS ... -s bench/health.lua URL -- RATE THREADS
--
-- Prints one "WRK ..." line in the format of bench/webhook.lua.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } health_timespec;
  int clock_gettime(int clk_id, health_timespec *tp);
]]
local ts = ffi.new("health_timespec")
local function mono_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local interval_ms, next_due

function init(args)
  local rate = tonumber(args[1] or "100")
  local nthreads = tonumber(args[2] or "1")
  interval_ms = 1000.0 * nthreads / rate
end

function request()
  return wrk.format("GET", "/-/healthy")
end

function delay()
  local now = mono_ms()
  if next_due == nil then next_due = now end
  local wait = next_due - now
  next_due = next_due + interval_ms
  if wait <= 0 then return 0 end
  return math.floor(wait)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d connect_errors=%d read_errors=%d write_errors=%d " ..
    "timeouts=%d non2xx=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
