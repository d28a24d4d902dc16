-- GET /api/follows/: the first page of 20, with a token as an SDK sends it.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

function init(args)
   local data = common.load(args)
   wrk.headers["Authorization"] = "Token " .. data.writers[1].token
end
