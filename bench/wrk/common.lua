-- Shared by the route scripts (loaded with dofile, so wrk's -s needs no package path).
-- Arguments after `--`: the run's data file (tokens and user ids, a Lua table), the
-- first follow-pair index, the expected status. Every response is counted by status;
-- done() prints one line, "BENCH_RESULT <json>", that bench/run.py reads.
local common = {}

counts = {}
counter = 0
first_unexpected = nil
local threads = {}

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

function common.load(args)
   expected = tonumber(args[3])
   return dofile(args[1])
end

function response(status, headers, body)
   counts[status] = (counts[status] or 0) + 1
   if status ~= expected and first_unexpected == nil then
      first_unexpected = status .. " " .. string.sub(body or "", 1, 300)
   end
end

function common.headers(token)
   return {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}
end

-- For the scripts that write as the seeded users: the users, each one's headers, their
-- number and the counter's step (the first index is interleaved across threads).
function common.writers(args)
   local data = common.load(args)
   counter = (tonumber(args[2]) or 0) + thread_index
   local headers = {}
   for i, writer in ipairs(data.writers) do
      headers[i] = common.headers(writer.token)
   end
   return data.writers, headers, #data.writers, data.threads
end

function done(summary, latency, requests)
   local statuses, merged, first, next_index = {}, {}, nil, 0
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("counts") or {}) do
         merged[status] = (merged[status] or 0) + n
      end
      first = first or thread:get("first_unexpected")
      next_index = math.max(next_index, thread:get("counter") or 0)
   end
   for status, n in pairs(merged) do
      table.insert(statuses, string.format('"%d": %d', status, n))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
         .. '"statuses": {%s}, "socket_errors": %d, "first_unexpected": "%s", "next_index": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      table.concat(statuses, ", "), e.connect + e.read + e.write + e.timeout,
      string.gsub(first or "", '[%c"\\]', " "), next_index
   ))
end

return common
