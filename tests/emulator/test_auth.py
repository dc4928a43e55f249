"""Auth as each provider checks it; every failure in the provider's own format, logged as
rejected (visible only with ?all=1)."""

import base64

import pytest

from emulator_samples import (CONNECT_EVENT, CONNECT_MESSAGE, SINCH_EVENT, ZAPI_EVENT,
                              assert_connect_error, assert_sinch_error, assert_zapi_error,
                              connect_post, sinch_post, zapi_post)


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


# ---------------------------------------------------------------- Sinch

@pytest.mark.parametrize("auth", [
    None,
    "",
    "Basic " + base64.b64encode(b"emulator-key:wrong").decode(),
    "Basic " + base64.b64encode(b"wrong:emulator-secret").decode(),
    "Basic " + base64.b64encode(b"emulator-key").decode(),
    "Basic !!!not-base64!!!",
    "Bearer not-a-token-we-issued",
    "Token abc",
])
def test_sinch_wrong_or_missing_credentials(emu, auth):
    headers = {} if auth is None else {"Authorization": auth}
    resp = emu.call("POST", "/v1/projects/p/events:send", SINCH_EVENT, headers)
    msg = assert_sinch_error(resp, 401, "UNAUTHENTICATED")
    assert "expired" not in resp.headers.get("www-authenticate", "")
    assert "expired" not in msg
    assert emu.requests() == []
    [rec] = emu.requests(all=True)
    assert rec["status"] == 401 and rec["accepted"] is False


def test_sinch_expired_token(emulator_factory):
    emu = emulator_factory("--sinch-token-lifetime", "0")
    token = emu.sinch_token()
    resp = sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + token)
    assert_sinch_error(resp, 401, "UNAUTHENTICATED")
    challenge = resp.headers["www-authenticate"]
    assert "expired" in challenge and challenge.startswith("Bearer")
    assert 'error="invalid_token"' in challenge


def test_sinch_token_expires_after_its_lifetime(emulator_factory):
    import time
    emu = emulator_factory("--sinch-token-lifetime", "1")
    token = emu.sinch_token()
    assert sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + token).status == 200
    time.sleep(1.2)
    resp = sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + token)
    assert resp.status == 401 and "expired" in resp.headers["www-authenticate"]


def test_sinch_custom_key(emulator_factory):
    emu = emulator_factory("--sinch-key-id", "my-id", "--sinch-key-secret", "my:secret")
    assert emu.sinch_key_id == "my-id"
    assert sinch_post(emu, "events", SINCH_EVENT, auth=basic("my-id", "my:secret")).status == 200
    resp = sinch_post(emu, "events", SINCH_EVENT, auth=basic("emulator-key", "emulator-secret"))
    assert resp.status == 401


def test_oauth_wrong_credentials(emu):
    resp = emu.call("POST", "/oauth2/token", "grant_type=client_credentials", {
        "Authorization": basic("emulator-key", "nope"),
        "Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 401
    assert resp.json()["error"] == "invalid_client"


def test_oauth_missing_credentials(emu):
    resp = emu.call("POST", "/oauth2/token", "grant_type=client_credentials",
                    {"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 401 and resp.json()["error"] == "invalid_client"


@pytest.mark.parametrize("body,ctype,error", [
    ("grant_type=password", "application/x-www-form-urlencoded", "unsupported_grant_type"),
    ("", "application/x-www-form-urlencoded", "invalid_request"),
    ("scope=x", "application/x-www-form-urlencoded", "invalid_request"),
    ('{"grant_type":"client_credentials"}', "application/json", "invalid_request"),
])
def test_oauth_bad_requests(emu, body, ctype, error):
    resp = emu.call("POST", "/oauth2/token", body,
                    {"Authorization": emu.sinch_basic(), "Content-Type": ctype})
    assert resp.status == 400
    assert resp.json()["error"] == error
    assert resp.json()["error_description"]


def test_oauth_form_with_other_fields(emu):
    resp = emu.call("POST", "/oauth2/token", "scope=a+b&grant_type=client_credentials", {
        "Authorization": emu.sinch_basic(),
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert resp.status == 200
    rec = emu.requests()[-1]
    assert rec["operation"] == "oauth_token" and rec["body"] is None
    assert rec["body_raw"] == "scope=a+b&grant_type=client_credentials"


def test_oauth_get_is_405(emu):
    resp = emu.call("GET", "/oauth2/token", None, {"Authorization": emu.sinch_basic()})
    assert resp.status == 405


def test_reset_forgets_issued_tokens(emu):
    token = emu.sinch_token()
    emu.reset()
    resp = sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + token)
    assert resp.status == 401 and "expired" not in resp.headers["www-authenticate"]


# ---------------------------------------------------------------- Z-API

def test_zapi_unknown_instance(emu):
    assert_zapi_error(zapi_post(emu, "send-event", ZAPI_EVENT, instance="other"), 404)


def test_zapi_wrong_token(emu):
    assert_zapi_error(zapi_post(emu, "send-event", ZAPI_EVENT, token="wrong"), 401)


def test_zapi_missing_client_token(emu):
    resp = emu.call("POST", emu.zapi_path("send-event"), ZAPI_EVENT)
    assert assert_zapi_error(resp, 400) == "your client-token is not configured"


def test_zapi_wrong_client_token(emu):
    msg = assert_zapi_error(zapi_post(emu, "send-event", ZAPI_EVENT, client_token="nope"), 403)
    assert msg.startswith("Client-Token ") and msg.endswith("not allowed")


def test_zapi_client_token_not_required_when_empty(emulator_factory):
    emu = emulator_factory("--zapi-client-token", "")
    assert emu.zapi_client_token == ""
    assert emu.call("POST", emu.zapi_path("send-event"), ZAPI_EVENT).status == 200


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_zapi_non_post_is_405(emu, method):
    resp = emu.call(method, emu.zapi_path("send-event"), None,
                    {"Client-Token": emu.zapi_client_token})
    assert_zapi_error(resp, 405)


@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded",
                                   "application/jsonx"])
def test_zapi_wrong_content_type_is_415(emu, ctype):
    import json
    headers = {"Client-Token": emu.zapi_client_token}
    if ctype:
        headers["Content-Type"] = ctype
    resp = emu.call("POST", emu.zapi_path("send-event"), json.dumps(ZAPI_EVENT), headers)
    assert_zapi_error(resp, 415)


def test_zapi_content_type_with_charset_is_fine(emu):
    resp = zapi_post(emu, "send-event", ZAPI_EVENT,
                     headers={"Content-Type": "application/json; charset=utf-8"})
    assert resp.status == 200


def test_zapi_custom_credentials(emulator_factory):
    emu = emulator_factory("--zapi-instance-id", "I1", "--zapi-token", "T1",
                           "--zapi-client-token", "C1")
    resp = emu.call("POST", "/instances/I1/token/T1/send-event", ZAPI_EVENT,
                    {"Client-Token": "C1"})
    assert resp.status == 200


# ---------------------------------------------------------------- Connect

@pytest.mark.parametrize("route,body", [("event", CONNECT_EVENT), ("message", CONNECT_MESSAGE),
                                        ("disconnect", {})])
def test_connect_missing_bearer(emu, route, body):
    resp = emu.call("POST", "/participant/" + route, body)
    assert_connect_error(resp, 403, "AccessDeniedException")


@pytest.mark.parametrize("route,body", [("event", CONNECT_EVENT), ("message", CONNECT_MESSAGE),
                                        ("disconnect", {})])
def test_connect_wrong_bearer(emu, route, body):
    assert_connect_error(connect_post(emu, route, body, bearer="wrong"), 403,
                         "AccessDeniedException")


def test_connect_participant_token_is_not_a_connection_token(emu):
    resp = connect_post(emu, "event", CONNECT_EVENT, bearer=emu.connect_participant_token)
    assert_connect_error(resp, 403, "AccessDeniedException")


def test_connect_connection_needs_the_participant_token(emu):
    assert_connect_error(connect_post(emu, "connection", {"ConnectParticipant": True}), 403,
                         "AccessDeniedException")
    resp = emu.call("POST", "/participant/connection", {"ConnectParticipant": True})
    assert_connect_error(resp, 403, "AccessDeniedException")


def test_connect_bearer_length_is_validated(emu):
    resp = connect_post(emu, "event", CONNECT_EVENT, bearer="x" * 1001)
    msg = assert_connect_error(resp, 400, "ValidationException")
    assert "1..1000" in msg


def test_connect_empty_bearer_is_a_validation_error(emu):
    resp = emu.call("POST", "/participant/event", CONNECT_EVENT, {"X-Amz-Bearer": ""})
    assert_connect_error(resp, 400, "ValidationException")


def test_connect_custom_tokens(emulator_factory):
    emu = emulator_factory("--connect-participant-token", "PT", "--connect-connection-token",
                           "CT")
    assert connect_post(emu, "event", CONNECT_EVENT, bearer="CT").status == 200
    assert connect_post(emu, "connection", {"ConnectParticipant": True}, bearer="PT").status == 200
    assert connect_post(emu, "event", CONNECT_EVENT,
                        bearer="emulator-connection-token").status == 403


def test_connect_non_post(emu):
    resp = emu.call("GET", "/participant/event", None,
                    {"X-Amz-Bearer": emu.connect_connection_token})
    assert_connect_error(resp, 405, "UnknownOperationException")


def test_rejections_are_logged_only_with_all(emu):
    sinch_post(emu, "events", SINCH_EVENT, auth="Bearer nope")
    zapi_post(emu, "send-event", ZAPI_EVENT, token="bad")
    connect_post(emu, "event", CONNECT_EVENT, bearer="bad")
    assert emu.requests() == []
    log = emu.requests(all=True)
    assert [(r["provider"], r["status"], r["accepted"]) for r in log] == [
        ("sinch", 401, False), ("zapi", 401, False), ("connect", 403, False)]
