-- wrk script for bench/emulator/run.sh: one keep-alive POST per request to a provider's send
-- path, with that provider's auth. Arguments (after wrk's "--"):
--   sinch   <Authorization header value>
--   zapi    <instance id> <instance token> <client token or "">
--   connect <connection token>
local req

function init(args)
  local provider = args[1]
  local path, body
  local headers = { ["Content-Type"] = "application/json" }
  if provider == "sinch" then
    path = "/v1/projects/bench-project/events:send"
    headers["Authorization"] = args[2]
    body = '{"app_id":"bench-app","recipient":{"contact_id":"bench-contact"},'
        .. '"event":{"composing_event":{}}}'
  elseif provider == "zapi" then
    path = "/instances/" .. args[2] .. "/token/" .. args[3] .. "/send-event"
    if args[4] and args[4] ~= "" then headers["Client-Token"] = args[4] end
    body = '{"phone":"120363019502650977-group","event":{"name":"Bench",'
        .. '"dateTime":"2026-11-23T10:00:00.000Z","callLinkType":"voice"}}'
  elseif provider == "connect" then
    path = "/participant/event"
    headers["X-Amz-Bearer"] = args[2]
    body = '{"ContentType":"application/vnd.amazonaws.connect.event.typing"}'
  else
    error("post.lua: provider must be sinch, zapi or connect, got " .. tostring(provider))
  end
  req = wrk.format("POST", path, headers, body)
end

function request()
  return req
end
