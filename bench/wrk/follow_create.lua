-- POST /api/follows/ that the database accepts: every request is a new pair.
--
-- Pair number g (counted from the first index run.py passes, interleaved across
-- threads) maps to writers (from, to) with from = g mod n and
-- to = from + 1 + (g div n) mod (n - 1), both mod n: never a self-follow, and no
-- pair twice below n * (n - 1). bench/routes.py has the same mapping; done()
-- reports the next free index so the next run starts after this one.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

common.expect(201)

local writers, headers, n, step

function init(args)
   writers, headers, n, step = common.writers(args)
end

function request()
   local g = counter
   counter = counter + step
   if g >= n * (n - 1) then
      error("out of follow pairs: seed more writers")
   end
   local from = g % n
   local to = (from + 1 + math.floor(g / n) % (n - 1)) % n
   local body = '{"to_user": ' .. writers[to + 1].id .. "}"
   return wrk.format("POST", nil, headers[from + 1], body)
end
