"""The receive side end to end: what the emulator sends back is verified and read by the library,
from Python, Lua and the command line. Sinch delivery reports signed with the emulator's secret;
Z-API status callbacks re-sent when not answered in time, de-duplicated by their key; Connect
chat items arriving on the participant websocket after another participant's message."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sendevent
from sendevent import webhooks

from py_support import GROUP, options, valid

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lua"))  # the Lua tests' helpers
from webhook_support import WebSocket  # noqa: E402

SECRET = "e2e-webhook-secret"


def sinch_reports(emulator_factory, receiver, n=3):
    """A message sent with callback_url; its delivery reports as the receiver got them."""
    emu = emulator_factory("--sinch-webhook-secret", SECRET)
    rec = receiver()
    request = dict(valid("sinch", "send_message"), callback_url=rec.url,
                   correlation_id="order-17")
    with sendevent.Client("sinch", **options(emu, "sinch")) as c:
        sent = c.send_message(request)
    return sent, rec.wait(n)


def test_python_verifies_and_reads_the_emulators_sinch_reports(emulator_factory, receiver):
    sent, got = sinch_reports(emulator_factory, receiver)
    statuses = []
    for _, _, headers, body in got:
        webhooks.verify_sinch(body, headers, SECRET)  # raises if anything is off
        cb = webhooks.parse_sinch(body)
        assert cb.kind == "MESSAGE_DELIVERY" and cb.id == sent.id
        assert cb["correlation_id"] == "order-17"
        statuses.append(cb.status)
    assert statuses == ["QUEUED_ON_CHANNEL", "DELIVERED", "READ"]
    _, _, headers, body = got[0]
    with pytest.raises(webhooks.SignatureError) as e:  # the same callback again: a replay
        webhooks.verify_sinch(body, headers, SECRET)
    assert e.value.reason == "replayed_nonce"
    with pytest.raises(webhooks.SignatureError) as e:
        webhooks.verify_sinch(body.replace(b"READ", b"FAIL"), got[2][2], SECRET,
                              nonce_seen=lambda nonce, ts: False)
    assert e.value.reason == "bad_signature"
    with pytest.raises(webhooks.SignatureError) as e:
        webhooks.verify_sinch(got[1][3], got[1][2], "another-secret")
    assert e.value.reason == "bad_signature"


def test_lua_verifies_the_emulators_sinch_reports(emulator_factory, receiver, tmp_path):
    lua_test = pytest.importorskip("lua_support", reason="the Lua tests' helpers")
    if lua_test.LUA is None or not (lua_test.MODULE_DIR / "sendevent.so").exists():
        pytest.skip("the Lua module is not built")
    sent, got = sinch_reports(emulator_factory, receiver)
    (tmp_path / "body").write_bytes(got[1][3])
    headers = {k: v for k, v in got[1][2].items() if k.startswith("x-sinch")}
    out = lua_test.lua("""
local wh = sendevent.webhooks
local f = assert(io.open(%s, 'rb')); local body = f:read('a'); f:close()
local h = {%s}
print(wh.verify_sinch(body, h, %s))
local cb = wh.parse_sinch(body)
print(cb.kind, cb.fields.id, cb.fields.status)
local ok, err = pcall(wh.verify_sinch, body .. ' ', h, %s, {nonce_seen = function() return false end})
print(ok, err.status, err.reason)
""" % (json.dumps(str(tmp_path / "body")), ", ".join("[%s] = %s" % (json.dumps(k.upper()), json.dumps(v))
                  for k, v in headers.items()), json.dumps(SECRET),
       json.dumps(SECRET))).stdout.split("\n")
    assert out[0] == "true"
    assert out[1].split("\t") == ["MESSAGE_DELIVERY", sent.id, "DELIVERED"]
    assert out[2].split("\t") == ["false", "signature", "bad_signature"]


def test_command_line_verifies_the_emulators_sinch_reports(emulator_factory, receiver):
    cli = os.environ.get("SE_CLI")
    if not cli:
        pytest.skip("SE_CLI is not set")
    sent, got = sinch_reports(emulator_factory, receiver)
    _, _, headers, body = got[2]
    args = [cli, "webhook", "verify"]
    for k, v in headers.items():
        if k.startswith("x-sinch"):
            args += ["-H", "%s: %s" % (k, v)]
    env = dict(os.environ, SENDEVENT_WEBHOOK_SECRET=SECRET)
    ok = subprocess.run(args, input=body, env=env, capture_output=True, timeout=30)
    assert ok.returncode == 0, ok
    again = subprocess.run(args, input=body, env=env, capture_output=True, timeout=30)
    assert again.returncode == 0  # one run sees one callback: the command keeps no nonces
    bad = subprocess.run(args, input=body + b" ", env=env, capture_output=True, timeout=30)
    assert bad.returncode == 3 and b"bad_signature" in bad.stderr, bad
    parsed = subprocess.run([cli, "webhook", "parse", "sinch"], input=body, capture_output=True,
                            timeout=30)
    assert parsed.returncode == 0, parsed
    doc = json.loads(parsed.stdout)
    assert doc["kind"] == "MESSAGE_DELIVERY" and sent.id in parsed.stdout.decode()
    assert SECRET.encode() not in ok.stdout + ok.stderr + bad.stderr


def test_zapi_resends_are_processed_once(emulator_factory, receiver):
    rec = receiver((200, 1.0), (200, 0))  # the first answer comes after the emulator gave up
    emu = emulator_factory("--zapi-webhook-url", rec.url, "--zapi-callback-timeout-ms", "300")
    with sendevent.Client("zapi", **options(emu, "zapi")) as c:
        sent = c.send_event(phone=GROUP, event=valid("zapi", "send_event")["event"])
    got = rec.wait(4)  # SENT twice (the re-send), then RECEIVED and READ
    time.sleep(0.5)
    got = rec.wait(len(got))
    processed, keys = [], set()
    for _, _, _, body in got:
        cb = webhooks.parse_zapi(body)
        assert cb.kind == "MessageStatusCallback" and sent.id in cb["ids"]
        if cb.dedup_key not in keys:
            keys.add(cb.dedup_key)
            processed.append(cb.status)
    assert len(got) > len(processed)  # a re-send came, and was recognized
    assert processed == ["SENT", "RECEIVED", "READ"]


def test_connect_items_arrive_on_the_websocket(emu):
    with sendevent.Client("connect", **options(emu, "connect")) as c:
        conn = c.create_connection(ParticipantToken=emu.connect_participant_token,
                                   Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"])
        url = conn.body["Websocket"]["Url"]
        token = conn.body["ConnectionCredentials"]["ConnectionToken"]
        ws = WebSocket(url)
        try:
            ws.subscribe()
            emu.call("POST", "/_emulator/connect/agent", json.dumps(
                {"ConnectionToken": token, "ContentType": "text/plain",
                 "Content": "Hello from the agent"}), {"Content-Type": "application/json"})
            op, frame = ws.recv()
            item = webhooks.parse_connect(frame)
            assert item.kind == "MESSAGE" and item["participant_role"] == "AGENT"
            assert item["content"] == "Hello from the agent" and item.id
            sent = c.send_message(ConnectionToken=token, ContentType="text/plain", Content="hi")
            op, frame = ws.recv()
            own = webhooks.parse_connect(frame)
            assert own.id == sent.id and own["participant_role"] == "CUSTOMER"
            c.disconnect(ConnectionToken=token)
        finally:
            ws.close()
        with pytest.raises(sendevent.ForbiddenError):  # refused after disconnect
            c.send_message(ConnectionToken=token, ContentType="text/plain", Content="late")
