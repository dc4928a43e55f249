-- A chat participant on Amazon Connect: connect, type, send a message, disconnect.
--
--   LUA_CPATH="build/bindings/lua/?.so;;" lua5.4 examples/lua/connect.lua http://127.0.0.1:PORT
--   SENDEVENT_BASE_URL=http://127.0.0.1:PORT lua5.4 examples/lua/connect.lua
--
-- Tokens come from the environment, with the emulator's defaults: CONNECT_PARTICIPANT_TOKEN,
-- CONNECT_CONNECTION_TOKEN (used when the connection answer carries none). Without a base URL
-- the real service is used (CONNECT_REGION, e.g. us-east-1). Prints the provider's id, the
-- accepted time and the number of attempts; exits 1 on failure.
local sendevent = require "sendevent"

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

local base_url = arg[1] or env("SENDEVENT_BASE_URL")
local options = base_url and { endpoint_url = base_url }
                          or { region = env("CONNECT_REGION", "us-east-1") }

local function report(operation, r)
  print(string.format("%s: id=%s accepted_time=%s attempts=%d", operation, r.id or "-",
                      r.accepted_time or "-", r.attempts))
end

local ok, err = pcall(function()
  local connect = sendevent.client("connect", options)
  local r = connect:create_connection{
    ParticipantToken = env("CONNECT_PARTICIPANT_TOKEN", "emulator-participant-token"),
    Type = { "CONNECTION_CREDENTIALS" }, ConnectParticipant = true }
  report("create_connection", r)
  local credentials = r.body and r.body.ConnectionCredentials
  local token = credentials and credentials.ConnectionToken
                or env("CONNECT_CONNECTION_TOKEN", "emulator-connection-token")
  report("send_event", connect:send_event{ ConnectionToken = token,
                                           ContentType = "application/vnd.amazonaws.connect.event.typing" })
  report("send_message", connect:send_message{ ConnectionToken = token, ContentType = "text/plain",
                                               Content = "Hello from sendevent" })
  report("disconnect", connect:disconnect{ ConnectionToken = token })
  connect:close()
end)
if not ok then
  io.stderr:write("failed: ", tostring(err), "\n")
  os.exit(1)
end
