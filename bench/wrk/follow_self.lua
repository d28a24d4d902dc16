-- POST /api/follows/ to oneself: refused by the CHECK constraint, answered 400
-- social_follow_prevent_self_follow.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

common.expect(400)

function init(args)
   local data = common.load(args)
   local writer = data.writers[1]
   wrk.method = "POST"
   for name, value in pairs(common.json_headers(writer.token)) do
      wrk.headers[name] = value
   end
   wrk.body = '{"to_user": ' .. writer.id .. "}"
end
