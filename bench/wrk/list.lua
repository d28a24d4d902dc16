-- GET a list (the URL's path: /api/scores/, /api/follows/): the first page of 20,
-- sent with a token as an SDK client sends it.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

common.expect(200)

function init(args)
   local data = common.load(args)
   wrk.headers["Authorization"] = "Token " .. data.writers[1].token
end
