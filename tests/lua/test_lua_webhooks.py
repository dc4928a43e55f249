"""sendevent.webhooks in Lua: verify_sinch (the published vector, callbacks signed here with
Python's hmac and tampered with, the window, algorithms, replays through nonce_seen and the
built-in cache, errors raised as tables with status 'signature' and a reason) and parse."""

import base64
import hashlib
import hmac
import json
import time

from lua_support import lua, pytestmark  # noqa: F401  (the same skips)
from webhook_support import SINCH_VECTOR_BODY

VECTOR_BODY = SINCH_VECTOR_BODY.decode()
SECRET = "lua-webhook-secret"


def lua_str(s):
    return json.dumps(s)  # a JSON string is a valid Lua string literal for ASCII text


def signed(body, nonce, ts):
    mac = hmac.new(SECRET.encode(), ("%s.%s.%s" % (body, nonce, ts)).encode(),
                   hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def test_vector_and_replay_through_nonce_seen():
    out = lua("""
local wh = sendevent.webhooks
local body = %s
local h = {['X-Sinch-Webhook-Signature'] = '6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=',
           ['x-sinch-webhook-signature-nonce'] = '01FJA8B4A7BM43YGWSG9GBV067',
           ['X-SINCH-WEBHOOK-SIGNATURE-TIMESTAMP'] = '1634579353'}
local calls, seen = {}, {}
local function nonce_seen(n, t)
  calls[#calls + 1] = n .. '@' .. t
  local was = seen[n]; seen[n] = true; return was
end
eq(wh.verify_sinch(body, h, 'foo_secret1234', {now = 1634579353, nonce_seen = nonce_seen}), true)
eq(calls[1], '01FJA8B4A7BM43YGWSG9GBV067@1634579353')
local err = expect_error('signature', wh.verify_sinch, body, h, 'foo_secret1234',
                         {now = 1634579353, nonce_seen = nonce_seen})
eq(err.reason, 'replayed_nonce')
err = expect_error('signature', wh.verify_sinch, body:sub(1, -2), h, 'foo_secret1234',
                   {now = 1634579353, nonce_seen = nonce_seen})
eq(err.reason, 'bad_signature')
eq(#calls, 2) -- asked only about authentic callbacks
contains(tostring(err), 'signature: bad_signature: x-sinch-webhook-signature:')
err = expect_error('signature', wh.verify_sinch, body, h, 'foo_secret1234')
eq(err.reason, 'stale_timestamp')
-- an error raised by nonce_seen propagates as it is
local ok, raised = pcall(wh.verify_sinch, body, h, 'foo_secret1234',
                         {now = 1634579353, nonce_seen = function() error('store down', 0) end})
eq(ok, false); eq(raised, 'store down')
print('done')
""" % lua_str(VECTOR_BODY)).stdout
    assert out.strip() == "done"


def test_signed_here_then_tampered_and_window():
    ts = int(time.time())
    body = '{"message_delivery_report":{"message_id":"M1","status":"READ"}}'
    sig = signed(body, "01LUANONCE%d" % ts, ts)
    out = lua("""
local wh = sendevent.webhooks
local body, sig, ts, nonce = %s, %s, %d, %s
local h = { {'x-sinch-webhook-signature', sig}, {'x-sinch-webhook-signature-nonce', nonce},
            {'x-sinch-webhook-signature-timestamp', tostring(ts)},
            {'x-sinch-webhook-signature-algorithm', 'HmacSHA256'} }
eq(wh.verify_sinch(body, h, %s), true)           -- the built-in cache records the nonce
eq(expect_error('signature', wh.verify_sinch, body, h, %s).reason, 'replayed_nonce')
local fresh = function() return false end
eq(expect_error('signature', wh.verify_sinch, body .. ' ', h, %s, {nonce_seen = fresh}).reason,
   'bad_signature')
eq(expect_error('signature', wh.verify_sinch, body, h, %s,
                {nonce_seen = fresh, now = ts + 301}).reason, 'stale_timestamp')
eq(expect_error('signature', wh.verify_sinch, body, h, %s,
                {nonce_seen = fresh, now = ts - 301}).reason, 'future_timestamp')
eq(wh.verify_sinch(body, h, %s, {nonce_seen = fresh, now = ts + 500, tolerance = 600}), true)
h[4][2] = 'HmacSHA1'
eq(expect_error('signature', wh.verify_sinch, body, h, %s, {nonce_seen = fresh}).reason,
   'unsupported_algorithm')
table.remove(h, 4); table.remove(h, 3)
local err = expect_error('signature', wh.verify_sinch, body, h, %s, {nonce_seen = fresh})
eq(err.reason, 'missing_header'); contains(err.message, 'x-sinch-webhook-signature-timestamp')
expect_error('invalid', wh.verify_sinch, body, h, %s, {tolerance = 0})
expect_error('invalid', wh.verify_sinch, 42, h, 'secret')
local ok, nul = pcall(wh.verify_sinch, body, {['x-sinch-webhook-signature'] = sig .. '\0x'}, 'k')
eq(ok, false); contains(tostring(nul), 'NUL character')
eq(sendevent.statuses.signature.code, -16)
print('done')
""" % ((lua_str(body), lua_str(sig), ts, lua_str("01LUANONCE%d" % ts))
       + (lua_str(SECRET),) * 9)).stdout
    assert out.strip() == "done"


def test_parse():
    out = lua("""
local wh = sendevent.webhooks
local status = '{"type":"MessageStatusCallback","ids":["A1","B2"],"status":"READ","x":{"y":1}}'
local a, b = wh.parse_zapi(status), wh.parse('zapi', status)
eq(a.kind, 'MessageStatusCallback'); eq(a.provider, 'zapi')
eq(a.fields.dedup_key, 'zapi:MessageStatusCallback:A1,B2:READ')
eq(b.fields.dedup_key, a.fields.dedup_key)
eq(a.data.x.y, 1); eq(a.data.ids[2], 'B2')
local s = wh.parse_sinch('{"correlation_id":"c9","message_delivery_report":' ..
                         '{"message_id":"M","status":"DELIVERED"}}')
eq(s.kind, 'MESSAGE_DELIVERY'); eq(s.fields.correlation_id, 'c9'); eq(s.fields.id, 'M')
local c = wh.parse_connect('{"topic":"aws/chat","content":"{\\\\"Type\\\\":\\\\"MESSAGE\\\\",' ..
                           '\\\\"Id\\\\":\\\\"i1\\\\",\\\\"ParticipantRole\\\\":\\\\"AGENT\\\\"}"}')
eq(c.kind, 'MESSAGE'); eq(c.fields.participant_role, 'AGENT'); eq(c.data.Id, 'i1')
local err = expect_error('invalid', wh.parse, 'zapi', 'not json')
contains(err.message, 'callback body: not JSON')
expect_error('invalid', wh.parse, 'nope', '{}')
print('done')
""").stdout
    assert out.strip() == "done"
