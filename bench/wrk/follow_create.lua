-- POST /api/follows/ that the database accepts: every request is a new pair.
-- Pair g (from the first index run.py passes, interleaved across threads) is
-- writers (from, to) with from = g mod n, to = (from + 1 + (g div n) mod (n - 1)) mod n:
-- never oneself, no pair twice below n * (n - 1).
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

local writers, headers, n, step

function init(args)
   writers, headers, n, step = common.writers(args)
end

function request()
   local g = counter
   counter = counter + step
   local from = g % n
   local to = (from + 1 + math.floor(g / n) % (n - 1)) % n
   return wrk.format("POST", nil, headers[from + 1], '{"to_user": ' .. writers[to + 1].id .. "}")
end
