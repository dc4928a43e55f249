-- Creates a WhatsApp group event with Z-API, edits it and answers it.
--
--   LUA_CPATH="build/bindings/lua/?.so;;" lua5.4 examples/lua/zapi.lua http://127.0.0.1:PORT
--   SENDEVENT_BASE_URL=http://127.0.0.1:PORT lua5.4 examples/lua/zapi.lua
--
-- Credentials come from the environment, with the emulator's defaults: ZAPI_INSTANCE_ID,
-- ZAPI_TOKEN, ZAPI_CLIENT_TOKEN, ZAPI_GROUP. Without a base URL the real API is used.
-- Prints the provider's id, the accepted time (Z-API gives none) and the number of attempts;
-- exits 1 on failure.
local sendevent = require "sendevent"

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

local options = {
  instance_id = env("ZAPI_INSTANCE_ID", "emulator-instance"),
  token = env("ZAPI_TOKEN", "emulator-token"),
  client_token = env("ZAPI_CLIENT_TOKEN", "emulator-client-token"),
  base_url = arg[1] or env("SENDEVENT_BASE_URL"),
}
local group = env("ZAPI_GROUP", "120363019502650977-group")

local function report(operation, r)
  print(string.format("%s: id=%s accepted_time=%s attempts=%d", operation, r.id or "-",
                      r.accepted_time or "-", r.attempts))
end

local ok, err = pcall(function()
  local zapi = sendevent.client("zapi", options)
  local event = { name = "Standup", description = "Daily standup",
                  dateTime = "2024-04-29T09:30:53.309Z", timeZone = "UTC-3",
                  callLinkType = "video", canceled = false }
  local r = zapi:send_event{ phone = group, event = event }
  report("send_event", r)
  local event_id = r.id
  event.name, event.dateTime = "Standup (moved)", "2024-04-29T10:00:00.000Z"
  report("edit_event", zapi:edit_event{ phone = group, eventMessageId = event_id, event = event })
  report("respond_event", zapi:respond_event{ phone = group, eventMessageId = event_id,
                                              eventResponse = "GOING" })
  zapi:close()
end)
if not ok then
  io.stderr:write("failed: ", tostring(err), "\n")
  os.exit(1)
end
