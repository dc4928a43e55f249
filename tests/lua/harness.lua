-- Loaded through LUA_INIT by tests/lua/test_lua.py before each Lua test chunk.
-- Finds the module (SE_LUA_MODULE_DIR), reads the emulator URL (SE_EMULATOR_URL) and defines
-- small helpers as globals: client, valid, eq, raises, expect_error, GROUP, TYPING, URL.
local dir = os.getenv("SE_LUA_MODULE_DIR")
if dir and dir ~= "" then
  package.cpath = dir .. "/?.so;" .. package.cpath
end
sendevent = require "sendevent"
URL = os.getenv("SE_EMULATOR_URL")
GROUP = "120363019502650977-group"
TYPING = "application/vnd.amazonaws.connect.event.typing"

local function copy(t)
  if type(t) ~= "table" then return t end
  local out = {}
  for k, v in pairs(t) do out[copy(k)] = copy(v) end
  return setmetatable(out, getmetatable(t))
end
deepcopy = copy

local VALID = {
  sinch = {
    send_event = { app_id = "APP1", recipient = { contact_id = "CONTACT1" },
                   event = { composing_event = {} } },
    send_message = { app_id = "APP1", recipient = { contact_id = "CONTACT1" },
                     message = { text_message = { text = "hi" } }, ttl = 10 },
  },
  zapi = {
    send_event = { phone = GROUP, event = { name = "Standup", dateTime = "2024-04-29T09:30:53.309Z",
                                           canceled = false } },
    edit_event = { phone = GROUP, eventMessageId = "D241XXXX732339502B68",
                   event = { name = "Standup (moved)", dateTime = "2024-04-30T09:30:53.309Z" } },
    respond_event = { phone = GROUP, eventMessageId = "D241XXXX732339502B68", eventResponse = "GOING" },
  },
  connect = {
    send_event = { ConnectionToken = "emulator-connection-token", ContentType = TYPING },
    send_message = { ConnectionToken = "emulator-connection-token", ContentType = "text/plain",
                     Content = "hello" },
    create_connection = { ParticipantToken = "emulator-participant-token",
                          Type = { "CONNECTION_CREDENTIALS" }, ConnectParticipant = true },
    disconnect = { ConnectionToken = "emulator-connection-token" },
  },
}

function valid(provider, op) return copy(VALID[provider][op]) end

function client(provider, extra)
  local opts
  if provider == "sinch" then
    opts = { project_id = "PROJECT1", key_id = "emulator-key", key_secret = "emulator-secret",
             base_url = URL, auth_url = URL .. "/oauth2/token" }
  elseif provider == "zapi" then
    opts = { instance_id = "emulator-instance", token = "emulator-token",
             client_token = "emulator-client-token", base_url = URL }
  else
    opts = { endpoint_url = URL }
  end
  for k, v in pairs(extra or {}) do opts[k] = v end
  return sendevent.client(provider, opts)
end

function eq(got, want, what)
  if got ~= want then
    error(string.format("%s: expected %s (%s), got %s (%s)", what or "value", tostring(want),
                        math.type(want) or type(want), tostring(got), math.type(got) or type(got)), 2)
  end
end

-- Calls fn(...) expecting a raised sendevent error table with this status; returns it.
function expect_error(status, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("expected a '" .. status .. "' error, the call succeeded", 2) end
  if not sendevent.is_error(err) then
    error("expected an error table, got " .. type(err) .. ": " .. tostring(err), 2)
  end
  if err.status ~= status then
    error("expected status '" .. status .. "', got " .. tostring(err), 2)
  end
  return err
end

function contains(s, part, what)
  if type(s) ~= "string" or not s:find(part, 1, true) then
    error(string.format("%s: %q does not contain %q", what or "text", tostring(s), part), 2)
  end
end

-- The request-validation cases shared with the C and Python suites (tests/data/validation.jsonl;
-- its header describes the fields): a list of tables, each with `where` (file:line) and the
-- request still JSON text, %repeat[N x TEXT]% written out (curl's tests/data macro).
local DATA = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") .. "/../data/validation.jsonl"
function validation_cases(path)
  path = path or DATA
  local cases, lineno = {}, 0
  for line in io.lines(path) do
    lineno = lineno + 1
    if line:find("%S") and line:sub(1, 1) ~= "#" then
      local case = assert(sendevent.decode(line))
      case.where = "validation.jsonl:" .. lineno
      case.request = (case.request:gsub("%%repeat%[(%d+) x (.-)%]%%",
                                        function(n, text) return text:rep(tonumber(n)) end))
      cases[#cases + 1] = case
    end
  end
  return cases
end
