-- PATCH /api/events/<id>/ of the writer's own event, a new title each time; with
-- `if_match` in the data (run.py's conditional route), each carries If-Match with
-- the event's current ETag: the one run.py read before the run, then the one the
-- last answer for that event carried. Writer g mod n patches event g mod n: no two
-- requests in flight share an event.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

local writers, headers, n, step, events, conditional
local tags = {}
local count = response

function init(args)
   writers, headers, n, step = common.writers(args)
   local data = common.load(args)
   events, conditional = data.events, data.if_match
   for _, event in ipairs(events) do
      tags[event.id] = event.tag
   end
end

function request()
   local g = counter
   counter = counter + step
   local w = g % n + 1
   local event = events[w]
   local sent = {}
   for name, value in pairs(headers[w]) do
      sent[name] = value
   end
   if conditional then
      sent["If-Match"] = tags[event.id]
   end
   local body = '{"title": "bench ' .. g .. '"}'
   return wrk.format("PATCH", "/api/events/" .. event.id .. "/", sent, body)
end

function response(status, headers, body)
   count(status, headers, body)
   local id = tonumber(string.match(body or "", '"id":%s*(%d+)'))
   local tag = headers["ETag"] or headers["etag"]
   if id and tag then
      tags[id] = tag
   end
end
