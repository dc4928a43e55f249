"""The Connect participant websocket: the Websocket.Url of CreateParticipantConnection is served
on the emulator's port (RFC 6455), carries the chat's items (the agent side through
POST /_emulator/connect/agent, the customer's own SendMessage/SendEvent), and a ConnectionToken
is refused after DisconnectParticipant.

The websocket client is written here with the socket module: handshake, masked client frames,
unmasked server frames."""

import base64
import hashlib
import json
import socket
import struct
import urllib.parse

import pytest

from webhook_support import WebSocket
from emulator_samples import UUID_RE, connect_post

ACCESS_DENIED = "AccessDeniedException:"
EV = "application/vnd.amazonaws.connect.event."


@pytest.fixture
def sockets():
    opened = []

    def open_ws(url, **kw):
        ws = WebSocket(url, **kw)
        opened.append(ws)
        return ws

    yield open_ws
    for ws in opened:
        ws.close()


def create_chat(emu, types=("WEBSOCKET", "CONNECTION_CREDENTIALS")):
    resp = connect_post(emu, "connection", {"Type": list(types)},
                        bearer=emu.connect_participant_token)
    assert resp.status == 200, resp
    body = resp.json()
    return (body.get("Websocket", {}).get("Url"),
            body.get("ConnectionCredentials", {}).get("ConnectionToken"))


def agent(emu, **spec):
    return emu.call("POST", "/_emulator/connect/agent", spec)


def item_of(frame):
    assert frame["topic"] == "aws/chat" and frame["contentType"] == "application/json"
    assert isinstance(frame["content"], str)  # JSON text inside JSON, as Connect sends it
    return json.loads(frame["content"])


def test_handshake_subscribe_and_heartbeat(emu, sockets):
    url, _ = create_chat(emu)
    assert url.startswith("ws://%s:%d/" % (emu.host, emu.port))
    ws = sockets(url)
    assert ws.status == 101
    assert ws.headers["upgrade"].lower() == "websocket"
    assert "upgrade" in ws.headers["connection"].lower()
    expected = base64.b64encode(hashlib.sha1(
        (ws.key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
    assert ws.headers["sec-websocket-accept"] == expected
    assert ws.subscribe() == {"topic": "aws/subscribe",
                              "content": {"status": "success", "topics": ["aws/chat"]}}
    ws.send_json({"topic": "aws/heartbeat"})
    assert ws.recv_json() == {"topic": "aws/heartbeat"}
    # the websocket is not an API request: the log holds only CreateParticipantConnection
    assert [r["operation"] for r in emu.requests(all=True)] == ["create_connection"]


def test_agent_message_reaches_the_customer(emu, sockets):
    url, token = create_chat(emu)
    ws = sockets(url)
    ws.subscribe()
    resp = agent(emu, ConnectionToken=token, ContentType="text/plain", Content="Hello, how can I help?")
    assert resp.status == 200, resp
    ans = resp.json()
    assert ans["Delivered"] == 1
    item = item_of(ws.recv_json())
    assert item["Type"] == "MESSAGE" and item["ParticipantRole"] == "AGENT"
    assert item["Content"] == "Hello, how can I help?" and item["ContentType"] == "text/plain"
    assert item["Id"] == ans["Id"] and item["AbsoluteTime"] == ans["AbsoluteTime"]
    assert item["DisplayName"] == "Agent" and item["ParticipantId"] == ans["ParticipantId"]
    assert UUID_RE.match(item["ContactId"]) and item["InitialContactId"] == item["ContactId"]
    # an event from the agent, addressed by the websocket URL this time
    typing = agent(emu, WebsocketUrl=url, Type="EVENT", ContentType=EV + "typing",
                   DisplayName="Ana")
    assert typing.status == 200 and typing.json()["Delivered"] == 1
    ev = item_of(ws.recv_json())
    assert ev["Type"] == "EVENT" and ev["ContentType"] == EV + "typing"
    assert "Content" not in ev and ev["DisplayName"] == "Ana"
    assert ev["ParticipantId"] == item["ParticipantId"] and ev["ContactId"] == item["ContactId"]


def test_customer_own_sends_arrive_as_customer(emu, sockets):
    url, token = create_chat(emu)
    ws = sockets(url)
    ws.subscribe()
    sent = connect_post(emu, "message", {"ContentType": "text/plain", "Content": "hi"},
                        bearer=token)
    assert sent.status == 200, sent
    msg = item_of(ws.recv_json())
    assert msg["Type"] == "MESSAGE" and msg["ParticipantRole"] == "CUSTOMER"
    assert msg["Id"] == sent.json()["Id"] and msg["AbsoluteTime"] == sent.json()["AbsoluteTime"]
    assert msg["Content"] == "hi"
    typing = connect_post(emu, "event", {"ContentType": EV + "typing"}, bearer=token)
    ev = item_of(ws.recv_json())
    assert ev["Type"] == "EVENT" and ev["ParticipantRole"] == "CUSTOMER"
    assert ev["Id"] == typing.json()["Id"] and ev["ParticipantId"] == msg["ParticipantId"]
    # the agent is another participant of the same contact
    agent(emu, ConnectionToken=token, ContentType="text/plain", Content="yes?")
    reply = item_of(ws.recv_json())
    assert reply["ParticipantId"] != msg["ParticipantId"]
    assert reply["ContactId"] == msg["ContactId"]


def test_replayed_client_token_is_not_delivered_twice(emu, sockets):
    url, token = create_chat(emu)
    ws = sockets(url)
    ws.subscribe()
    body = {"ContentType": "text/plain", "Content": "once", "ClientToken": "ct-1"}
    first = connect_post(emu, "message", body, bearer=token)
    again = connect_post(emu, "message", body, bearer=token)
    assert first.json()["Id"] == again.json()["Id"]
    assert item_of(ws.recv_json())["Id"] == first.json()["Id"]
    agent(emu, ConnectionToken=token, ContentType="text/plain", Content="next")
    assert item_of(ws.recv_json())["Content"] == "next"  # not the replay


def test_items_go_only_to_subscribers_of_that_chat(emu, sockets):
    url_a, token_a = create_chat(emu)
    url_b, _ = create_chat(emu)
    sub_a, idle_a, sub_b = sockets(url_a), sockets(url_a), sockets(url_b)
    sub_a.subscribe()
    sub_b.subscribe()
    two = sockets(url_a)
    two.subscribe()
    assert agent(emu, ConnectionToken=token_a, ContentType="text/plain",
                 Content="x").json()["Delivered"] == 2
    assert item_of(sub_a.recv_json())["Content"] == "x"
    assert item_of(two.recv_json())["Content"] == "x"
    for quiet in (idle_a, sub_b):  # not subscribed / another chat: nothing arrives
        quiet.sock.settimeout(0.3)
        with pytest.raises(socket.timeout):
            quiet.recv()
    sub_a.send_json({"topic": "aws/unsubscribe", "content": {"topics": ["aws/chat"]}})
    assert sub_a.recv_json()["content"]["status"] == "success"
    assert agent(emu, ConnectionToken=token_a, ContentType="text/plain",
                 Content="y").json()["Delivered"] == 1


def test_token_refused_after_disconnect(emu, sockets):
    url, token = create_chat(emu)
    ws = sockets(url)
    ws.subscribe()
    assert connect_post(emu, "event", {"ContentType": EV + "typing"}, bearer=token).status == 200
    item_of(ws.recv_json())
    bye = connect_post(emu, "disconnect", {}, bearer=token)
    assert bye.status == 200 and bye.json() == {}
    left = item_of(ws.recv_json())
    assert left["Type"] == "EVENT" and left["ContentType"] == EV + "participant.left"
    assert left["ParticipantRole"] == "CUSTOMER"
    op, payload = ws.recv()
    assert op == 0x8 and struct.unpack(">H", payload[:2])[0] == 1000  # closed normally
    for route, body in [("message", {"ContentType": "text/plain", "Content": "late"}),
                        ("event", {"ContentType": EV + "typing"}), ("disconnect", {})]:
        resp = connect_post(emu, route, body, bearer=token)
        assert resp.status == 403, resp
        assert resp.headers["x-amzn-errortype"].startswith(ACCESS_DENIED)
        assert "disconnected" in resp.json()["message"]
        assert UUID_RE.match(resp.headers["x-amzn-requestid"])
    late = agent(emu, ConnectionToken=token, ContentType="text/plain", Content="late")
    assert late.status == 409
    again = sockets(url)
    assert again.status == 403
    # the fixed always-valid token is not affected by a disconnect
    assert connect_post(emu, "disconnect", {}).status == 200
    assert connect_post(emu, "event", {"ContentType": EV + "typing"}).status == 200


def test_other_tokens_stay_valid_after_a_disconnect(emu):
    _, first = create_chat(emu, ["CONNECTION_CREDENTIALS"])
    _, second = create_chat(emu, ["CONNECTION_CREDENTIALS"])
    assert connect_post(emu, "disconnect", {}, bearer=first).status == 200
    assert connect_post(emu, "event", {"ContentType": EV + "typing"}, bearer=first).status == 403
    assert connect_post(emu, "event", {"ContentType": EV + "typing"}, bearer=second).status == 200


def test_handshake_errors(emu, sockets):
    url, _ = create_chat(emu)
    unknown = sockets(url.rsplit("/", 1)[0] + "/00000000-0000-4000-8000-000000000000")
    assert unknown.status == 403
    no_upgrade = sockets(url, headers={"Upgrade": None, "Connection": "keep-alive"})
    assert no_upgrade.status == 426
    old = sockets(url, headers={"Sec-WebSocket-Version": "8"})
    assert old.status == 426 and old.headers["sec-websocket-version"] == "13"
    bad_key = sockets(url, headers={"Sec-WebSocket-Key": "c2hvcnQ="})
    assert bad_key.status == 400
    post = emu.call("POST", urllib.parse.urlsplit(url).path, {})
    assert post.status == 405 and post.headers["allow"] == "GET"
    assert sockets(url).status == 101  # the URL itself is still good


def test_ping_pong_and_close_handshake(emu, sockets):
    url, _ = create_chat(emu)
    ws = sockets(url)
    ws.send_frame(0x9, b"are you there")
    assert ws.recv() == (0xA, b"are you there")
    # a text message in two fragments
    ws.send_frame(0x1, b'{"topic":"aws/', fin=False)
    ws.send_frame(0x0, b'heartbeat"}')
    assert ws.recv_json() == {"topic": "aws/heartbeat"}
    ws.send_frame(0x8, struct.pack(">H", 1000))
    op, payload = ws.recv()
    assert op == 0x8 and struct.unpack(">H", payload[:2])[0] == 1000
    with pytest.raises(EOFError):
        ws.recv()


def test_unmasked_client_frame_is_a_protocol_error(emu, sockets):
    url, _ = create_chat(emu)
    ws = sockets(url)
    ws.send_frame(0x1, b'{"topic":"aws/heartbeat"}', masked=False)
    op, payload = ws.recv()
    assert op == 0x8 and struct.unpack(">H", payload[:2])[0] == 1002


def test_reset_closes_websockets_and_forgets_chats(emu, sockets):
    url, token = create_chat(emu)
    ws = sockets(url)
    ws.subscribe()
    emu.reset()
    op, payload = ws.recv()
    assert op == 0x8
    assert sockets(url).status == 403
    assert agent(emu, ConnectionToken=token, ContentType="text/plain", Content="x").status == 404


@pytest.mark.parametrize("spec,status,words", [
    ({"ContentType": "text/plain", "Content": "x"}, 400, ["ConnectionToken", "WebsocketUrl"]),
    ({"ConnectionToken": "t", "WebsocketUrl": "u", "ContentType": "text/plain", "Content": "x"},
     400, ["exactly one"]),
    ({"ConnectionToken": "T", "Content": "x"}, 400, ["ContentType"]),
    ({"ConnectionToken": "T", "ContentType": "text/plain"}, 400, ["Content", "MESSAGE"]),
    ({"ConnectionToken": "T", "ContentType": "text/plain", "Content": "x", "Type": "CHAT"},
     400, ["Type"]),
    ({"ConnectionToken": "T", "ContentType": "text/plain", "Content": "x",
      "ParticipantRole": "BOSS"}, 400, ["ParticipantRole"]),
    ({"ConnectionToken": "T", "ContentType": "text/plain", "Content": "x", "Extra": "1"},
     400, ["Extra: unknown field"]),
    ({"ConnectionToken": "T", "ContentType": "text/plain", "Content": 5}, 400,
     ["Content: must be a string"]),
    ({"ConnectionToken": "no-such-token", "ContentType": "text/plain", "Content": "x"}, 404,
     ["no chat"]),
])
def test_agent_spec_is_checked(emu, spec, status, words):
    _, token = create_chat(emu)
    spec = {k: (token if v == "T" else v) for k, v in spec.items()}
    resp = agent(emu, **spec)
    assert resp.status == status, resp
    for w in words:
        assert w in resp.json()["error"]


def test_websocket_over_tls(emulator_factory, cert, sockets):
    crt, key = cert
    emu = emulator_factory("--tls-cert", crt, "--tls-key", key, cafile=str(crt))
    url, token = create_chat(emu)
    assert url.startswith("wss://%s:%d/" % (emu.host, emu.port))
    ws = sockets(url, ssl_context=emu.ssl_context)
    assert ws.status == 101
    ws.subscribe()
    assert agent(emu, ConnectionToken=token, ContentType="text/plain",
                 Content="over tls").json()["Delivered"] == 1
    assert item_of(ws.recv_json())["Content"] == "over tls"


def test_shutdown_with_an_open_websocket(emulator_factory):
    emu = emulator_factory()
    url, token = create_chat(emu)
    ws = WebSocket(url)
    try:
        ws.subscribe()
        assert emu.stop() == 0  # a clean exit, not the SIGKILL fallback (-9)
        op, payload = ws.recv()
        assert op == 0x8 and struct.unpack(">H", payload[:2])[0] == 1001  # going away
    finally:
        ws.close()
