"""Every route answers success in its provider's own shape."""

import re

import pytest

from emulator_samples import (CONNECT_EVENT, CONNECT_MESSAGE, RFC3339_MS_RE, SINCH_EVENT,
                              SINCH_MESSAGE, ULID_RE, UUID_RE, ZAPI_EDIT, ZAPI_EVENT,
                              ZAPI_RESPONSE, assert_connect_error, assert_sinch_error,
                              assert_zapi_error, connect_post, sinch_post, zapi_post)


# ---------------------------------------------------------------- Sinch

def test_sinch_events_send(emu):
    resp = sinch_post(emu, "events", SINCH_EVENT)
    assert resp.status == 200, resp
    assert resp.headers["content-type"] == "application/json"
    body = resp.json()
    assert set(body) == {"accepted_time", "event_id"}
    assert ULID_RE.match(body["event_id"])
    assert RFC3339_MS_RE.match(body["accepted_time"])


def test_sinch_messages_send(emu):
    resp = sinch_post(emu, "messages", SINCH_MESSAGE)
    assert resp.status == 200, resp
    body = resp.json()
    assert set(body) == {"accepted_time", "message_id"}
    assert ULID_RE.match(body["message_id"])
    assert RFC3339_MS_RE.match(body["accepted_time"])


def test_sinch_ids_are_unique(emulator_factory):
    # 100 posts back to back outrun the default 800/s limit's burst on a fast machine
    emu = emulator_factory("--sinch-rate", "0")
    ids = {sinch_post(emu, "events", SINCH_EVENT).json()["event_id"] for _ in range(50)}
    ids |= {sinch_post(emu, "messages", SINCH_MESSAGE).json()["message_id"] for _ in range(50)}
    assert len(ids) == 100


def test_sinch_oauth_token_and_bearer(emu):
    resp = emu.call("POST", "/oauth2/token", "grant_type=client_credentials", {
        "Authorization": emu.sinch_basic(),
        "Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 200, resp
    body = resp.json()
    assert set(body) == {"access_token", "expires_in", "scope", "token_type"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == emu.sinch_token_lifetime == 3600
    assert isinstance(body["scope"], str)
    token = body["access_token"]
    assert sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + token).status == 200
    assert sinch_post(emu, "messages", SINCH_MESSAGE, auth="bearer " + token).status == 200


def test_sinch_tokens_are_unique(emu):
    assert len({emu.sinch_token() for _ in range(10)}) == 10


@pytest.mark.parametrize("project", ["p", "abc_DEF-123", "0" * 64])
def test_sinch_any_project_id_of_safe_characters(emu, project):
    assert sinch_post(emu, "events", SINCH_EVENT, project=project).status == 200


@pytest.mark.parametrize("project", ["a.b", "..", "a%2Fb", "a%20b", "a~b"])
def test_sinch_project_id_with_other_characters_is_rejected(emu, project):
    msg = assert_sinch_error(sinch_post(emu, "events", SINCH_EVENT, project=project), 400,
                             "INVALID_ARGUMENT")
    assert "project_id" in msg


def test_sinch_unknown_path_is_not_found_in_sinch_format(emu):
    resp = emu.call("POST", "/v1/projects/p/contacts", SINCH_EVENT,
                    {"Authorization": emu.sinch_basic()})
    assert_sinch_error(resp, 404, "NOT_FOUND")


# ---------------------------------------------------------------- Z-API

@pytest.mark.parametrize("route,body", [
    ("send-event", ZAPI_EVENT),
    ("send-edit-event", ZAPI_EDIT),
    ("send-event-response", ZAPI_RESPONSE),
])
def test_zapi_routes(emu, route, body):
    resp = zapi_post(emu, route, body)
    assert resp.status == 200, resp
    out = resp.json()
    assert set(out) == {"zaapId", "messageId", "id"}
    assert out["id"] == out["messageId"]
    assert out["zaapId"] and out["messageId"]


def test_zapi_ids_are_unique(emu):
    answers = [zapi_post(emu, "send-event", ZAPI_EVENT).json() for _ in range(50)]
    assert len({a["messageId"] for a in answers}) == 50
    assert len({a["zaapId"] for a in answers}) == 50


def test_zapi_unknown_route_is_not_found_in_zapi_format(emu):
    assert_zapi_error(zapi_post(emu, "send-image", {"phone": "5511999999999"}), 404)


# ---------------------------------------------------------------- Connect

@pytest.mark.parametrize("route,body", [("event", CONNECT_EVENT), ("message", CONNECT_MESSAGE)])
def test_connect_send(emu, route, body):
    resp = connect_post(emu, route, body)
    assert resp.status == 200, resp
    out = resp.json()
    assert set(out) == {"Id", "AbsoluteTime"}
    assert UUID_RE.match(out["Id"])
    assert RFC3339_MS_RE.match(out["AbsoluteTime"])
    assert UUID_RE.match(resp.headers["x-amzn-requestid"])


def test_connect_ids_and_request_ids_are_unique(emu):
    resps = [connect_post(emu, "event", CONNECT_EVENT) for _ in range(30)]
    assert len({r.json()["Id"] for r in resps}) == 30
    assert len({r.headers["x-amzn-requestid"] for r in resps}) == 30


@pytest.mark.parametrize("types,expected", [
    (["WEBSOCKET"], {"Websocket"}),
    (["CONNECTION_CREDENTIALS"], {"ConnectionCredentials"}),
    (["WEBSOCKET", "CONNECTION_CREDENTIALS"], {"Websocket", "ConnectionCredentials"}),
    (["WEBRTC_CONNECTION"], {"WebRTCConnection"}),
])
def test_connect_create_connection_returns_what_type_asked_for(emu, types, expected):
    resp = connect_post(emu, "connection", {"Type": types, "ConnectParticipant": True},
                        bearer=emu.connect_participant_token)
    assert resp.status == 200, resp
    body = resp.json()
    assert set(body) == expected
    if "Websocket" in body:
        assert set(body["Websocket"]) == {"Url", "ConnectionExpiry"}
        # served on the emulator's own port (ws:// over http, wss:// over https)
        assert re.fullmatch(r"ws://%s:%d/_emulator/websocket/[0-9a-f-]{36}"
                            % (re.escape(emu.host), emu.port), body["Websocket"]["Url"])
        assert RFC3339_MS_RE.match(body["Websocket"]["ConnectionExpiry"])
    if "ConnectionCredentials" in body:
        assert set(body["ConnectionCredentials"]) == {"ConnectionToken", "Expiry"}
        assert RFC3339_MS_RE.match(body["ConnectionCredentials"]["Expiry"])
    assert UUID_RE.match(resp.headers["x-amzn-requestid"])


def test_connect_participant_alone(emu):
    resp = connect_post(emu, "connection", {"ConnectParticipant": True},
                        bearer=emu.connect_participant_token)
    assert resp.status == 200 and resp.json() == {}


def test_connect_issued_connection_token_works_on_the_other_routes(emu):
    resp = connect_post(emu, "connection", {"Type": ["CONNECTION_CREDENTIALS"]},
                        bearer=emu.connect_participant_token)
    token = resp.json()["ConnectionCredentials"]["ConnectionToken"]
    assert token != emu.connect_connection_token
    assert connect_post(emu, "event", CONNECT_EVENT, bearer=token).status == 200
    assert connect_post(emu, "message", CONNECT_MESSAGE, bearer=token).status == 200
    assert connect_post(emu, "disconnect", {}, bearer=token).status == 200
    # issued tokens are unique
    resp2 = connect_post(emu, "connection", {"Type": ["CONNECTION_CREDENTIALS"]},
                         bearer=emu.connect_participant_token)
    assert resp2.json()["ConnectionCredentials"]["ConnectionToken"] != token


def test_connect_disconnect(emu):
    resp = connect_post(emu, "disconnect", {"ClientToken": "c-1"})
    assert resp.status == 200 and resp.json() == {}
    assert UUID_RE.match(resp.headers["x-amzn-requestid"])


def test_connect_disconnect_without_body(emu):
    resp = emu.call("POST", "/participant/disconnect", None,
                    {"X-Amz-Bearer": emu.connect_connection_token})
    assert resp.status == 200 and resp.json() == {}


def test_connect_unknown_path_has_request_id_and_error_type(emu):
    resp = connect_post(emu, "transcript", {})
    assert_connect_error(resp, 404, "ResourceNotFoundException")


# ---------------------------------------------------------------- all on one port

def test_unrelated_path_is_plain_404(emu):
    resp = emu.call("GET", "/nothing/here")
    assert resp.status == 404
    assert "error" in resp.json()
    rec = emu.requests(all=True)[-1]
    assert rec["path"] == "/nothing/here" and rec["status"] == 404
    assert rec["provider"] is None and rec["operation"] is None and rec["accepted"] is False


def test_keep_alive_serves_many_requests_on_one_connection(emu):
    import json
    conn = emu.connection()
    try:
        for _ in range(20):
            conn.request("POST", "/participant/event", body=json.dumps(CONNECT_EVENT),
                         headers={"X-Amz-Bearer": emu.connect_connection_token,
                                  "Content-Type": "application/json"})
            resp = conn.getresponse()
            assert resp.status == 200
            resp.read()
    finally:
        conn.close()
    assert len(emu.requests()) == 20
