-- wrk script of bench/bench_platform.py: GET one path with an optional session cookie, count the
-- responses that are not 200 (a lost session would be a fast 303 to /login, not a real page), and print
-- one JSON line of latency percentiles (microseconds) when the run ends.
--
--   JIANFU_COOKIE=<token> wrk -t2 -c50 -d20s --timeout 60s -s bench/platform_load.lua http://127.0.0.1:8000/findings

local cookie = os.getenv("JIANFU_COOKIE")
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = "jianfu_session=" .. cookie
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  bad = 0
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local ok_total, bad_total = 0, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    bad_total = bad_total + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "ok": %d, "not_200": %d, "connect": %d, "read": %d, '
      .. '"write": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}\n',
    summary.requests, summary.duration, ok_total, bad_total, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
