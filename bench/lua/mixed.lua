-- wrk script of the mixed workload: anonymous GETs of many pages and, with the given share,
-- signed-in POSTs (support votes and comments). Counts answers that are not 2xx/3xx (the
-- runner fails on any) and prints the same BENCH line as bench.lua, with the reads and writes
-- sent.
-- Arguments after "--": read file (one path a line; a path that should be read more often is
-- in it more often), write file (path, body, cookie separated by tabs, each line used once),
-- first write line, number of write lines for this run, number of threads, write share
-- (0.05 = 5 %), seed.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function split(text, sep)
  local parts = {}
  for part in string.gmatch(text, "([^" .. sep .. "]+)") do table.insert(parts, part) end
  return parts
end

function init(args)
  bad = 0
  exhausted = 0
  statuses = ""
  reads_sent = 0
  writes_sent = 0
  headers = {["User-Agent"] = "etappen-bench"}
  reads = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(reads, line) end
  end
  local first, count, nthreads = tonumber(args[3]), tonumber(args[4]), tonumber(args[5])
  writes = {}
  local n = 0
  for line in io.lines(args[2]) do
    if n >= first and n < first + count and (n - first) % nthreads == id then
      table.insert(writes, split(line, "\t"))
    end
    n = n + 1
  end
  position = 0
  share = tonumber(args[6])
  math.randomseed(tonumber(args[7]) * 1000 + id)
  -- Every request is chosen before it is sent, so the write share holds for any duration.
  get_headers = headers
  post_headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
  for k, v in pairs(headers) do post_headers[k] = v end
end

function request()
  if math.random() < share then
    position = position + 1
    if position <= #writes then
      local line = writes[position]
      post_headers["Cookie"] = line[3]
      writes_sent = writes_sent + 1
      return wrk.format("POST", line[1], post_headers, line[2])
    end
    -- No unused line left: the runner fails the run; until then the share is made up by reads.
    exhausted = 1
  end
  reads_sent = reads_sent + 1
  return wrk.format("GET", reads[math.random(#reads)], get_headers)
end

function response(status, hdrs, body)
  if status < 200 or status >= 400 then
    bad = bad + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local total_bad, total_exhausted, total_reads, total_writes, seen = 0, 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    total_exhausted = total_exhausted + thread:get("exhausted")
    total_reads = total_reads + thread:get("reads_sent")
    total_writes = total_writes + thread:get("writes_sent")
    seen = seen .. thread:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "mean_us": %.1f, ' ..
    '"bad": %d, "exhausted": %d, "bad_statuses": "%s", "reads_sent": %d, "writes_sent": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    total_bad, total_exhausted, seen, total_reads, total_writes, e.connect, e.read, e.write, e.status,
    e.timeout))
end
