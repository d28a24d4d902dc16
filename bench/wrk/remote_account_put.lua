-- PUT /api/remote-api-account/ as staff: the upsert of the singleton row, which
-- run.py has created already, so every request replaces it (200).
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

common.expect(200)

function init(args)
   local data = common.load(args)
   wrk.method = "PUT"
   for name, value in pairs(common.json_headers(data.staff.token)) do
      wrk.headers[name] = value
   end
   wrk.body = '{"access_token": "bench-access-token-0123456789", '
      .. '"access_token_expires": "2099-01-01T00:00:00Z"}'
end
