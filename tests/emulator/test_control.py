"""The control API: the request log and its fields, ?all=1, reset, config, the log cap, and
Connect's ClientToken idempotency."""

import json

import pytest

from emulator_samples import (CONNECT_EVENT, CONNECT_MESSAGE, SINCH_EVENT, SINCH_MESSAGE,
                              ZAPI_EDIT, ZAPI_EVENT, ZAPI_RESPONSE, connect_post, sinch_post,
                              zapi_post)


# ---------------------------------------------------------------- the log

def test_record_fields(emu):
    raw = '{ "app_id": "app-1",\n  "recipient": {"contact_id": "c"}, "event": {"composing_event": {}} }'
    resp = emu.call("POST", "/v1/projects/p-1/events:send?trace=1&x=%20y", raw, {
        "Authorization": emu.sinch_basic(), "Content-Type": "application/json",
        "X-Request-Tag": "Abc"})
    assert resp.status == 200
    [rec] = emu.requests()
    assert set(rec) >= {"seq", "provider", "operation", "method", "path", "query", "headers",
                        "body", "body_raw", "status", "accepted", "connection_requests"}
    assert rec["provider"] == "sinch" and rec["operation"] == "send_event"
    assert rec["method"] == "POST"
    assert rec["path"] == "/v1/projects/p-1/events:send"
    assert rec["query"] == "trace=1&x=%20y"
    assert rec["headers"]["x-request-tag"] == "Abc"
    assert rec["headers"]["authorization"] == emu.sinch_basic()
    assert rec["headers"]["content-type"] == "application/json"
    assert all(k == k.lower() for k in rec["headers"])
    assert rec["body"] == json.loads(raw)
    assert rec["body_raw"] == raw  # exact bytes, whitespace included
    assert rec["status"] == 200 and rec["accepted"] is True
    assert rec["connection_requests"] == 1  # emu.call opens a new connection each time


def test_every_operation_is_named(emu):
    token = emu.sinch_token()
    sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + token)
    sinch_post(emu, "messages", SINCH_MESSAGE)
    zapi_post(emu, "send-event", ZAPI_EVENT)
    zapi_post(emu, "send-edit-event", ZAPI_EDIT)
    zapi_post(emu, "send-event-response", ZAPI_RESPONSE)
    connect_post(emu, "connection", {"ConnectParticipant": True},
                 bearer=emu.connect_participant_token)
    connect_post(emu, "event", CONNECT_EVENT)
    connect_post(emu, "message", CONNECT_MESSAGE)
    connect_post(emu, "disconnect", {})
    log = emu.requests()
    assert [(r["provider"], r["operation"]) for r in log] == [
        ("sinch", "oauth_token"), ("sinch", "send_event"), ("sinch", "send_message"),
        ("zapi", "send_event"), ("zapi", "edit_event"), ("zapi", "respond_event"),
        ("connect", "create_connection"), ("connect", "send_event"),
        ("connect", "send_message"), ("connect", "disconnect")]
    seqs = [r["seq"] for r in log]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_all_includes_rejections_in_order(emu):
    sinch_post(emu, "events", SINCH_EVENT)
    sinch_post(emu, "events", {"app_id": "a"})
    zapi_post(emu, "send-event", ZAPI_EVENT, client_token="")
    connect_post(emu, "event", CONNECT_EVENT)
    accepted = emu.requests()
    everything = emu.requests(all=True)
    assert [r["status"] for r in accepted] == [200, 200]
    assert [(r["status"], r["accepted"]) for r in everything] == [
        (200, True), (400, False), (400, False), (200, True)]
    assert [r["seq"] for r in everything] == sorted(r["seq"] for r in everything)


@pytest.mark.parametrize("query", ["all=1", "all=true", "all", "x=1&all=yes"])
def test_all_spellings(emu, query):
    sinch_post(emu, "events", {"app_id": "a"})
    resp = emu.call("GET", "/_emulator/requests?" + query)
    assert len(resp.json()["requests"]) == 1


def test_all_zero_means_accepted_only(emu):
    sinch_post(emu, "events", {"app_id": "a"})
    assert emu.call("GET", "/_emulator/requests?all=0").json()["requests"] == []


def test_non_json_body_is_recorded_raw(emu):
    emu.call("POST", "/participant/event", "not json at all",
             {"X-Amz-Bearer": emu.connect_connection_token, "Content-Type": "application/json"})
    [rec] = emu.requests(all=True)
    assert rec["body"] is None and rec["body_raw"] == "not json at all"
    assert rec["status"] == 400


def test_non_utf8_body_is_still_valid_json_in_the_log(emu):
    emu.call("POST", "/participant/event", b'{"ContentType":"\xff"}',
             {"X-Amz-Bearer": emu.connect_connection_token, "Content-Type": "application/json"})
    [rec] = emu.requests(all=True)
    assert rec["body_raw"] == '{"ContentType":"\ufffd"}'


def test_control_requests_are_not_logged(emu):
    emu.faults()
    emu.config()
    emu.requests()
    assert emu.requests(all=True) == []


def test_reset_clears_the_log(emu):
    sinch_post(emu, "events", SINCH_EVENT)
    sinch_post(emu, "events", {})
    emu.reset()
    assert emu.requests(all=True) == []


def test_max_records_drops_the_oldest(emulator_factory):
    emu = emulator_factory("--max-records", "3")
    for i in range(5):
        sinch_post(emu, "events", dict(SINCH_EVENT, event_metadata=str(i)))
    log = emu.requests()
    assert [r["body"]["event_metadata"] for r in log] == ["2", "3", "4"]
    assert [r["seq"] for r in log] == [3, 4, 5]


# ---------------------------------------------------------------- control endpoints

def test_config(emu):
    cfg = emu.config()
    assert cfg["url"] == emu.url
    assert cfg["max_records"] == 100000
    assert cfg["idle_timeout"] == 0
    assert cfg["sinch"] == {"base_url": emu.url, "token_url": emu.url + "/oauth2/token",
                            "key_id": "emulator-key", "key_secret": "emulator-secret",
                            "token_lifetime": 3600}
    assert cfg["zapi"] == {"base_url": emu.url, "instance_id": "emulator-instance",
                           "token": "emulator-token", "client_token": "emulator-client-token"}
    assert cfg["connect"] == {"endpoint": emu.url,
                              "participant_token": "emulator-participant-token",
                              "connection_token": "emulator-connection-token"}


def test_fixture_attributes(emu):
    assert emu.url.startswith("http://127.0.0.1:")
    assert (emu.sinch_key_id, emu.sinch_key_secret) == ("emulator-key", "emulator-secret")
    assert (emu.zapi_instance_id, emu.zapi_token, emu.zapi_client_token) == (
        "emulator-instance", "emulator-token", "emulator-client-token")
    assert emu.connect_participant_token == "emulator-participant-token"
    assert emu.connect_connection_token == "emulator-connection-token"


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/_emulator/nothing", 404),
    ("GET", "/_emulator", 404),
    ("POST", "/_emulator/requests", 405),
    ("GET", "/_emulator/reset", 405),
    ("PUT", "/_emulator/faults", 405),
    ("DELETE", "/_emulator/config", 405),
])
def test_control_errors(emu, method, path, status):
    resp = emu.call(method, path)
    assert resp.status == status and "error" in resp.json()


def test_control_api_never_needs_auth_even_with_faults(emu):
    emu.fault(provider="sinch", action="hang", count=5)
    emu.fault(provider="zapi", status=500)
    assert emu.call("GET", "/_emulator/requests").status == 200
    assert emu.call("GET", "/_emulator/faults").status == 200


# ---------------------------------------------------------------- Connect idempotency

def test_repeated_client_token_returns_the_first_answer(emu):
    body = dict(CONNECT_EVENT, ClientToken="token-1")
    first = connect_post(emu, "event", body)
    again = connect_post(emu, "event", body)
    assert first.status == again.status == 200
    assert first.body == again.body  # byte for byte, same Id
    assert first.headers["x-amzn-requestid"] != again.headers["x-amzn-requestid"]
    assert len(emu.requests()) == 1
    log = emu.requests(all=True)
    assert len(log) == 2 and log[1]["replayed"] is True and log[1]["accepted"] is False


def test_client_token_is_per_route(emu):
    a = connect_post(emu, "event", dict(CONNECT_EVENT, ClientToken="same"))
    b = connect_post(emu, "message", dict(CONNECT_MESSAGE, ClientToken="same"))
    assert a.json()["Id"] != b.json()["Id"]
    assert len(emu.requests()) == 2


def test_different_or_absent_client_tokens_are_distinct(emu):
    ids = {connect_post(emu, "event", dict(CONNECT_EVENT, ClientToken="t%d" % i)).json()["Id"]
           for i in range(5)}
    ids |= {connect_post(emu, "event", CONNECT_EVENT).json()["Id"] for _ in range(5)}
    assert len(ids) == 10 and len(emu.requests()) == 10


def test_disconnect_client_token(emu):
    connect_post(emu, "disconnect", {"ClientToken": "d-1"})
    again = connect_post(emu, "disconnect", {"ClientToken": "d-1"})
    assert again.status == 200 and again.json() == {}
    assert len(emu.requests()) == 1


def test_retry_after_fault_with_same_client_token_records_once(emu):
    emu.fault(provider="connect", status=500)
    body = dict(CONNECT_MESSAGE, ClientToken="retry-1")
    assert connect_post(emu, "message", body).status == 500
    ok1 = connect_post(emu, "message", body)
    ok2 = connect_post(emu, "message", body)
    assert ok1.status == ok2.status == 200 and ok1.body == ok2.body
    assert len(emu.requests()) == 1


def test_reset_forgets_client_tokens(emu):
    body = dict(CONNECT_EVENT, ClientToken="r-1")
    first = connect_post(emu, "event", body).json()["Id"]
    emu.reset()
    assert connect_post(emu, "event", body).json()["Id"] != first
