-- POST /api/follows/bulk/ that the database accepts: 100 new pairs per request.
-- Batch b (from the first index run.py passes, interleaved across threads) is writer
-- from = b mod n following the writers at offsets 1000 + 100 * (b div n) + j, j = 0..99,
-- from it (mod n). follow_create.lua's pairs use offsets below 1000: no pair is sent twice.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

local ROWS, FIRST_OFFSET = 100, 1000
local writers, headers, n, step

function init(args)
   writers, headers, n, step = common.writers(args)
end

function request()
   local b = counter
   counter = counter + step
   local from = b % n
   local first = FIRST_OFFSET + math.floor(b / n) * ROWS
   if first + ROWS > n then
      error("out of bulk follow pairs: seed more writers")
   end
   local rows = {}
   for offset = first, first + ROWS - 1 do
      rows[#rows + 1] = '{"to_user": ' .. writers[(from + offset) % n + 1].id .. "}"
   end
   return wrk.format("POST", nil, headers[from + 1], "[" .. table.concat(rows, ", ") .. "]")
end
