-- Sends a typing indicator and a text message through the Sinch Conversation API.
--
--   LUA_CPATH="build/bindings/lua/?.so;;" lua5.4 examples/lua/sinch.lua http://127.0.0.1:PORT
--   SENDEVENT_BASE_URL=http://127.0.0.1:PORT lua5.4 examples/lua/sinch.lua
--
-- Credentials come from the environment, with the emulator's defaults: SINCH_PROJECT_ID,
-- SINCH_KEY_ID, SINCH_KEY_SECRET, SINCH_APP_ID, SINCH_CONTACT_ID. Without a base URL the real
-- API is used (SINCH_REGION: us, eu or br). Prints the provider's id, the accepted time and the
-- number of attempts; exits 1 on failure.
local sendevent = require "sendevent"

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

local base_url = arg[1] or env("SENDEVENT_BASE_URL")
local options = {
  project_id = env("SINCH_PROJECT_ID", "example-project"),
  key_id = env("SINCH_KEY_ID", "emulator-key"),
  key_secret = env("SINCH_KEY_SECRET", "emulator-secret"),
}
if base_url then
  options.base_url = base_url
  options.auth_url = base_url:gsub("/+$", "") .. "/oauth2/token"
else
  options.region = env("SINCH_REGION", "eu")
end
local app_id = env("SINCH_APP_ID", "example-app")
local recipient = { contact_id = env("SINCH_CONTACT_ID", "example-contact") }

local function report(operation, r)
  print(string.format("%s: id=%s accepted_time=%s attempts=%d", operation, r.id or "-",
                      r.accepted_time or "-", r.attempts))
end

local ok, err = pcall(function()
  local sinch = sendevent.client("sinch", options)
  report("send_event", sinch:send_event{ app_id = app_id, recipient = recipient,
                                         event = { composing_event = {} } })
  report("send_message", sinch:send_message{ app_id = app_id, recipient = recipient,
                                             message = { text_message = { text = "Hello from sendevent" } },
                                             ttl = 60 })
  sinch:close()
end)
if not ok then
  io.stderr:write("failed: ", tostring(err), "\n")
  os.exit(1)
end
