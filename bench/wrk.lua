-- wrk script for bench/run.py: prints one JSON line of results when done.
--
-- NGO_BENCH_WRK_MODE (environment):
--   "fixed"    (default) the static request of the command line, -H headers included
--   "new-view" every request a different User-Agent, so every one is a new reader
--   "rotate"   the paths of NGO_BENCH_WRK_PATHS (space separated) in turn
local mode = os.getenv("NGO_BENCH_WRK_MODE") or "fixed"
local agent = os.getenv("NGO_BENCH_WRK_AGENT") or "Mozilla/5.0 (X11; Linux x86_64) ngo-bench"
local paths = {}
for p in string.gmatch(os.getenv("NGO_BENCH_WRK_PATHS") or "", "%S+") do
  paths[#paths + 1] = p
end

local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

local sent = 0
if mode == "new-view" then
  function request()
    sent = sent + 1
    return wrk.format("GET", nil, {
      ["User-Agent"] = agent .. " reader-" .. thread_id .. "-" .. sent,
    })
  end
elseif mode == "rotate" then
  function request()
    sent = sent + 1
    return wrk.format("GET", paths[(sent % #paths) + 1], { ["User-Agent"] = agent })
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p75": %d, "p90": %d, "p99": %d, "p99_9": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
