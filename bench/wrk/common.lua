-- Shared by the route scripts (loaded with dofile, so wrk's -s needs no package path).
--
-- Each thread counts the statuses it sees; done() gathers them with the latency
-- percentiles and prints one line, "BENCH_RESULT <json>", that bench/run.py reads.
-- The run fails on any status other than the script's expected one, so the
-- counting must see every response, not a sample.

local common = {}

-- Globals of each thread's Lua state: thread:get() reads them in done().
counts = {}
first_unexpected = nil
counter = 0

local threads = {}

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

-- The run's data file (written by run.py): tokens and user ids, as a Lua table.
function common.load(args)
   if not args[1] then
      error("usage: wrk ... -s <script> <url> -- <data.lua> [first pair index]")
   end
   return dofile(args[1])
end

-- The writers, each one's request headers, their count and the thread count; this
-- thread's counter starts at the first index run.py passes (interleaved across threads).
function common.writers(args)
   local data = common.load(args)
   counter = (tonumber(args[2]) or 0) + thread_index
   local headers = {}
   for i, writer in ipairs(data.writers) do
      headers[i] = common.json_headers(writer.token)
   end
   return data.writers, headers, #data.writers, data.threads
end

function common.expect(status)
   expected = status
   function response(status, headers, body)
      counts[status] = (counts[status] or 0) + 1
      if status ~= expected and first_unexpected == nil then
         first_unexpected = status .. " " .. string.sub(body or "", 1, 400)
      end
   end
end

function common.json_headers(token)
   return {
      ["Authorization"] = "Token " .. token,
      ["Content-Type"] = "application/json",
   }
end

local function json_string(text)
   if text == nil then
      return "null"
   end
   local escaped = string.gsub(text, '[%c"\\]', function(c)
      return string.format("\\u%04x", string.byte(c))
   end)
   return '"' .. escaped .. '"'
end

function done(summary, latency, requests)
   local statuses = {}
   local merged = {}
   local first = nil
   local next_index = 0
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
         .. '"mean_us": %.1f, "max_us": %d, "expected": %d, "statuses": {%s}, '
         .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, '
         .. '"first_unexpected": %s, "next_index": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      latency.mean, latency.max, expected, table.concat(statuses, ", "),
      e.connect, e.read, e.write, e.timeout, json_string(first), next_index
   ))
end

return common
