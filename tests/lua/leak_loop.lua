-- A loop of N calls (default 10000) through the Lua module, for leak checks:
--   lua5.4 tests/lua/leak_loop.lua N [WARM]     (harness.lua loaded through LUA_INIT)
-- WARM calls run first (default N/10, at least 100).
-- Mixes successful sends, provider failures (the caller injects a fault on a fraction of
-- Connect sends), local validation failures, encode errors, prepare, validate and send_many.
-- Prints "growth ok" when the Lua heap and the RSS did not grow between the end of a warm-up
-- and the end of the loop; exits 1 otherwise.
local N = tonumber(arg[1]) or 10000
local c = client("connect", { max_attempts = 1 })
local good = valid("connect", "send_event")
local bad = { ContentType = "x" }
local unencodable = { ConnectionToken = "t", ContentType = TYPING, Content = print }

local function rss_kib()
  local f = io.open("/proc/self/statm")
  if not f then return 0 end
  local _, resident = f:read("n", "n")
  f:close()
  return resident * 4
end

local function step(i)
  local k = i % 10
  if k < 6 then
    local ok, r = pcall(c.send_event, c, good)
    if ok then assert(r.id and r.body.Id == r.id)
    else assert(r.status == "conflict" and r.response.body) end
  elseif k == 6 then
    local ok, e = pcall(c.send_event, c, bad)
    assert(not ok and e.status == "invalid")
  elseif k == 7 then
    local ok, e = pcall(c.send_event, c, unencodable)
    assert(not ok and e.status == "invalid")
  elseif k == 8 then
    assert(#c:prepare("send_event", good) > 0)
    assert(c:validate("send_event", good))
  else
    local rs = c:send_many("send_event", { good, bad }, 2)
    assert(#rs == 2 and rs[2].status == "invalid")
  end
end

local warm = tonumber(arg[2]) or math.max(N // 10, 100)
for i = 1, warm do step(i) end
collectgarbage("collect") collectgarbage("collect")
local heap0, rss0 = collectgarbage("count"), rss_kib()
for i = 1, N do step(i) end
collectgarbage("collect") collectgarbage("collect")
local heap1, rss1 = collectgarbage("count"), rss_kib()
c:close()
print(string.format("calls %d: Lua heap %.0f -> %.0f KiB, RSS %d -> %d KiB", N, heap0, heap1, rss0, rss1))
if heap1 - heap0 > 64 or rss1 - rss0 > 2048 then
  print("growth FAILED")
  os.exit(1)
end
print("growth ok")
