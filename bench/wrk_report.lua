-- wrk script: optional think time, then one JSON line with requests/s, latency percentiles (ms) and errors.
--
-- WRK_THINK_MIN_MS / WRK_THINK_MAX_MS (environment): each connection, like a person, waits a
-- random time in that range after every answer before its next request (wrk's delay()). The
-- latency wrk records runs from sending a request to its answer: the think time is not in it.
-- Without them every connection sends its next request at once (closed loop, no think time).
local think_min = tonumber(os.getenv("WRK_THINK_MIN_MS") or "0")
local think_max = tonumber(os.getenv("WRK_THINK_MAX_MS") or "0")
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", os.time() * 1000 + threads)
end

function init(args)
  math.randomseed(seed or os.time())
end

if think_max > 0 then
  delay = function()
    return math.random(think_min, think_max)
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
