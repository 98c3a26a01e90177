-- wrk reporter for the bench: one machine-readable line after wrk's own
-- summary. Latencies are in microseconds, as wrk measures them.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-WRK {"requests":%d,"durationUs":%d,"bytes":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,' ..
    '"errConnect":%d,"errRead":%d,"errWrite":%d,"errStatus":%d,"errTimeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end

-- The credential comes from the environment, never from wrk's arguments.
local auth = os.getenv("BENCH_AUTHORIZATION")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end
