-- POST /api/follows/ to oneself: the CHECK constraint refuses it.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

function init(args)
   local writer = common.load(args).writers[1]
   wrk.method = "POST"
   for name, value in pairs(common.headers(writer.token)) do
      wrk.headers[name] = value
   end
   wrk.body = '{"to_user": ' .. writer.id .. "}"
end
