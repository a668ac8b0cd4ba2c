-- wrk script of the benchmark. Counts answers that are not 2xx/3xx (the runner fails on any),
-- adds request headers, and replays one POST per line of a request file (path, body, cookie
-- separated by tabs), each line once: a thread that runs out of lines reports it.
-- Arguments after "--": headers ("Name: value" joined by "|", or "-"), request file ("-": GET),
-- first line, number of lines for this run.
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
  headers = {["User-Agent"] = "etappen-bench"}
  if args[1] and args[1] ~= "-" then
    for _, header in ipairs(split(args[1], "|")) do
      local name, value = string.match(header, "^([^:]+):%s*(.*)$")
      headers[name] = value
    end
  end
  lines = nil
  if args[2] and args[2] ~= "-" then
    local first, count = tonumber(args[3]), tonumber(args[4])
    local nthreads = tonumber(args[5])
    lines = {}
    local n = 0
    for line in io.lines(args[2]) do
      if n >= first and n < first + count and (n - first) % nthreads == id then
        table.insert(lines, split(line, "\t"))
      end
      n = n + 1
    end
    position = 0
  end
end

function request()
  if lines == nil then
    return wrk.format(nil, nil, headers)
  end
  position = position + 1
  if position > #lines then
    exhausted = 1
    position = 1
  end
  local line = lines[position]
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  h["Content-Type"] = "application/x-www-form-urlencoded"
  h["Cookie"] = line[3]
  return wrk.format("POST", line[1], h, line[2])
end

function response(status, hdrs, body)
  if status < 200 or status >= 400 then
    bad = bad + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local total_bad, total_exhausted, seen = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    total_exhausted = total_exhausted + thread:get("exhausted")
    seen = seen .. thread:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "mean_us": %.1f, ' ..
    '"bad": %d, "exhausted": %d, "bad_statuses": "%s", "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    total_bad, total_exhausted, seen, e.connect, e.read, e.write, e.status, e.timeout))
end
