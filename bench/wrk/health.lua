-- GET /api/health/live/: no authentication, no database. The floor.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

function init(args)
   common.load(args)
end
