-- wrk script for bench/run.py: sends what the page needs, counts response statuses, and prints
-- one JSON line of results when the run is done.
--   BENCH_METHOD=POST BENCH_BODY='a=b' BENCH_CONTENT_TYPE=... wrk -s report.lua URL

wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.headers["X-Forwarded-Proto"] = "https"  -- production settings redirect plain HTTP
wrk.headers["Accept-Language"] = "en"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
   wrk.body = body
   wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE")
      or "application/x-www-form-urlencoded"
end
local fetch_site = os.getenv("BENCH_SEC_FETCH_SITE")
if fetch_site and fetch_site ~= "" then
   wrk.headers["Sec-Fetch-Site"] = fetch_site
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

statuses = {}

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local counts, bad = {}, 0
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + n
         if status < 200 or status >= 400 then
            bad = bad + n
         end
      end
   end
   local parts = {}
   for status, n in pairs(counts) do
      table.insert(parts, string.format('"%d": %d', status, n))
   end
   local e = summary.errors
   local socket = e.connect + e.read + e.write + e.timeout
   io.write(string.format(
      'BENCH-JSON {"requests": %d, "duration_s": %.6f, "rps": %.2f, "bytes": %d, '
      .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "mean_ms": %.3f, '
      .. '"socket_errors": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d, "bad_statuses": %d, "errors": %d, '
      .. '"statuses": {%s}}\n',
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      summary.bytes, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
      socket, e.connect, e.read, e.write, e.timeout, bad, socket + bad, table.concat(parts, ", ")))
end
