"""Fault injection: statuses (with Retry-After), custom bodies and headers, latency, close, hang,
oversized, value_false, expire_token, count and fraction; faulted requests are not accepted."""

import http.client
import json
import socket
import threading
import time

import pytest

from emulator_samples import (CONNECT_EVENT, SINCH_EVENT, SINCH_MESSAGE, ZAPI_EVENT,
                              assert_connect_error, assert_sinch_error, assert_zapi_error,
                              connect_post, sinch_post, zapi_post)


def send(emu, provider, timeout=10):
    """One valid send to the provider's send_event route."""
    if provider == "sinch":
        return sinch_post(emu, "events", SINCH_EVENT)
    if provider == "zapi":
        return zapi_post(emu, "send-event", ZAPI_EVENT)
    return connect_post(emu, "event", CONNECT_EVENT)


# ---------------------------------------------------------------- status answers

def test_status_with_retry_after_in_sinch_format(emu):
    emu.fault(provider="sinch", status=429, retry_after="3")
    resp = send(emu, "sinch")
    assert_sinch_error(resp, 429, "RESOURCE_EXHAUSTED")
    assert resp.headers["retry-after"] == "3"
    assert send(emu, "sinch").status == 200  # count defaults to 1


def test_retry_after_as_http_date_and_number(emu):
    emu.fault(provider="sinch", status=503, retry_after="Wed, 21 Oct 2026 07:28:00 GMT")
    resp = send(emu, "sinch")
    assert_sinch_error(resp, 503, "UNAVAILABLE")
    assert resp.headers["retry-after"] == "Wed, 21 Oct 2026 07:28:00 GMT"
    emu.fault(provider="sinch", status=429, retry_after=7)
    assert send(emu, "sinch").headers["retry-after"] == "7"


def test_status_without_retry_after_has_no_header(emu):
    emu.fault(provider="sinch", operation="oauth_token", status=429)
    resp = emu.call("POST", "/oauth2/token", "grant_type=client_credentials",
                    {"Authorization": emu.sinch_basic(),
                     "Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 429 and "retry-after" not in resp.headers
    assert resp.json()["error"] == "too_many_requests"


@pytest.mark.parametrize("status", [500, 502, 400])
def test_status_in_zapi_format(emu, status):
    emu.fault(provider="zapi", status=status)
    assert_zapi_error(send(emu, "zapi"), status)


@pytest.mark.parametrize("status,error_type", [
    (429, "ThrottlingException"), (500, "InternalServerException"),
    (409, "ConflictException"), (503, "ServiceUnavailableException"),
    (403, "AccessDeniedException")])
def test_status_in_connect_format(emu, status, error_type):
    emu.fault(provider="connect", status=status, retry_after="1")
    resp = send(emu, "connect")
    assert_connect_error(resp, status, error_type)
    assert resp.headers["retry-after"] == "1"


def test_count(emu):
    emu.fault(provider="connect", status=500, count=3)
    assert [send(emu, "connect").status for _ in range(5)] == [500, 500, 500, 200, 200]


def test_operation_filter(emu):
    emu.fault(provider="sinch", operation="send_message", status=500)
    assert send(emu, "sinch").status == 200  # send_event is not affected
    assert sinch_post(emu, "messages", SINCH_MESSAGE).status == 500
    assert sinch_post(emu, "messages", SINCH_MESSAGE).status == 200


def test_provider_filter(emu):
    emu.fault(provider="zapi", status=500)
    assert send(emu, "sinch").status == 200
    assert send(emu, "connect").status == 200
    assert send(emu, "zapi").status == 500


def test_faults_apply_in_order(emu):
    emu.fault(provider="sinch", status=500)
    emu.fault(provider="sinch", status=503)
    assert [send(emu, "sinch").status for _ in range(3)] == [500, 503, 200]


def test_custom_object_body_and_headers(emu):
    emu.fault(provider="sinch", status=400, body={"error": {"code": 400, "message": "custom"}},
              headers={"X-Custom": "yes"})
    resp = send(emu, "sinch")
    assert resp.status == 400
    assert resp.json() == {"error": {"code": 400, "message": "custom"}}
    assert resp.headers["x-custom"] == "yes"


def test_custom_string_body_is_sent_verbatim(emu):
    emu.fault(provider="zapi", status=502, body="<html>Bad gateway</html>",
              headers={"Content-Type": "text/html"})
    resp = send(emu, "zapi")
    assert resp.status == 502
    assert resp.body == b"<html>Bad gateway</html>"
    assert resp.headers["content-type"] == "text/html"


def connect_header_values(emu, name):
    """Status and every value of header `name` (repeats included, which Response's dict folds)
    of one Connect send_event."""
    conn = emu.connection()
    conn.request("POST", "/participant/event", body=json.dumps(CONNECT_EVENT),
                 headers={"X-Amz-Bearer": emu.connect_connection_token,
                          "Content-Type": "application/json"})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status, [v for k, v in resp.getheaders() if k.lower() == name.lower()]


def test_fault_headers_can_set_the_connect_request_id(emu):
    emu.fault(provider="connect", status=500, headers={"x-amzn-RequestId": "fixed-id"})
    assert connect_header_values(emu, "x-amzn-RequestId") == (500, ["fixed-id"])


def test_body_alone_answers_200(emu):
    emu.fault(provider="connect", body="not json")
    resp = send(emu, "connect")
    assert resp.status == 200 and resp.body == b"not json"
    assert "x-amzn-requestid" in resp.headers


# ---------------------------------------------------------------- log

def test_faulted_requests_are_not_accepted(emu):
    emu.fault(provider="sinch", status=500)
    emu.fault(provider="zapi", action="value_false")
    send(emu, "sinch")
    send(emu, "zapi")
    assert emu.requests() == []
    log = emu.requests(all=True)
    assert [(r["provider"], r["status"], r["fault"], r["accepted"]) for r in log] == [
        ("sinch", 500, "status", False), ("zapi", 200, "value_false", False)]
    # the body that was sent is still recorded
    assert log[0]["body"] == SINCH_EVENT


# ---------------------------------------------------------------- latency

def test_latency_delays_a_normal_answer(emu):
    emu.fault(provider="zapi", latency_ms=400)
    t0 = time.monotonic()
    resp = send(emu, "zapi")
    elapsed = time.monotonic() - t0
    assert resp.status == 200 and elapsed >= 0.39
    [rec] = emu.requests()  # processed normally, so accepted
    assert rec["fault"] == "latency" and rec["accepted"] is True


def test_latency_with_status(emu):
    emu.fault(provider="connect", latency_ms=300, status=503)
    t0 = time.monotonic()
    resp = send(emu, "connect")
    assert resp.status == 503 and time.monotonic() - t0 >= 0.29


def test_latency_does_not_stall_other_connections(emu):
    emu.fault(provider="sinch", latency_ms=1500)
    result = {}

    def slow():
        t0 = time.monotonic()
        result["status"] = send(emu, "sinch").status
        result["elapsed"] = time.monotonic() - t0

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.1)
    t0 = time.monotonic()
    for _ in range(20):
        assert send(emu, "connect").status == 200
    fast = time.monotonic() - t0
    t.join()
    assert fast < 1.0, fast
    assert result["status"] == 200 and result["elapsed"] >= 1.45


def test_latencies_resume_in_due_order(emu):
    emu.fault(provider="connect", latency_ms=600)
    emu.fault(provider="connect", latency_ms=100)
    done = []

    def go(name):
        send(emu, "connect")
        done.append(name)

    a = threading.Thread(target=go, args=("600ms",))
    a.start()
    time.sleep(0.05)
    b = threading.Thread(target=go, args=("100ms",))
    b.start()
    a.join()
    b.join()
    assert done == ["100ms", "600ms"]


# ---------------------------------------------------------------- close and hang

def test_close_drops_the_connection_without_an_answer(emu):
    emu.fault(provider="sinch", action="close")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError,
                        http.client.BadStatusLine)):
        send(emu, "sinch")
    assert send(emu, "sinch").status == 200
    rec = emu.requests(all=True)[0]
    assert rec["fault"] == "close" and rec["status"] is None and rec["accepted"] is False


def test_hang_never_answers(emu):
    emu.fault(provider="connect", action="hang")
    conn = emu.connection(timeout=0.5)
    try:
        conn.request("POST", "/participant/event", body=json.dumps(CONNECT_EVENT),
                     headers={"X-Amz-Bearer": emu.connect_connection_token,
                              "Content-Type": "application/json"})
        with pytest.raises(socket.timeout):
            conn.getresponse()
    finally:
        conn.close()
    # others are served meanwhile
    assert send(emu, "connect").status == 200
    assert send(emu, "sinch").status == 200
    rec = emu.requests(all=True)[0]
    assert rec["fault"] == "hang" and rec["status"] is None


def test_reset_releases_a_hung_connection(emu):
    emu.fault(provider="zapi", action="hang")
    outcome = {}

    def hung():
        t0 = time.monotonic()
        try:
            send(emu, "zapi")
            outcome["what"] = "answered"
        except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
            outcome["what"] = "closed"
        except socket.timeout:
            outcome["what"] = "timeout"
        outcome["elapsed"] = time.monotonic() - t0

    t = threading.Thread(target=hung)
    t.start()
    time.sleep(0.3)
    assert "what" not in outcome
    emu.reset()
    t.join(5)
    assert outcome["what"] == "closed" and outcome["elapsed"] < 5


def test_many_hung_connections_do_not_block_the_server(emu):
    emu.fault(provider="sinch", action="hang", count=20)
    conns = []
    for _ in range(20):
        c = emu.connection(timeout=5)
        c.request("POST", "/v1/projects/p/events:send", body=json.dumps(SINCH_EVENT),
                  headers={"Authorization": emu.sinch_basic(),
                           "Content-Type": "application/json"})
        conns.append(c)
    time.sleep(0.2)
    assert send(emu, "sinch").status == 200
    emu.reset()
    for c in conns:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError,
                            http.client.BadStatusLine)):
            c.getresponse()
        c.close()


# ---------------------------------------------------------------- oversized, value_false

def test_oversized_default_8_mib(emu):
    emu.fault(provider="sinch", action="oversized")
    resp = send(emu, "sinch")
    assert resp.status == 200
    assert len(resp.body) == 8 * 1024 * 1024
    assert int(resp.headers["content-length"]) == 8 * 1024 * 1024
    assert resp.body.startswith(b'{"pad":"xxx') and resp.body.endswith(b'xx"}')
    assert emu.requests() == []


def test_oversized_custom_size(emu):
    emu.fault(provider="connect", action="oversized", bytes=100000)
    resp = send(emu, "connect")
    assert resp.status == 200 and len(resp.body) == 100000
    json.loads(resp.body)
    assert "x-amzn-requestid" in resp.headers


def test_value_false(emu):
    emu.fault(provider="zapi", action="value_false")
    resp = send(emu, "zapi")
    assert resp.status == 200 and resp.json() == {"value": False}
    assert send(emu, "zapi").json().keys() == {"zaapId", "messageId", "id"}


# ---------------------------------------------------------------- expire_token

def test_expire_token(emu):
    token = emu.sinch_token()
    assert sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + token).status == 200
    emu.fault(provider="sinch", action="expire_token")
    resp = sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + token)
    assert resp.status == 401 and "expired" in resp.headers["www-authenticate"]
    # still expired afterwards; a fresh token works
    assert sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + token).status == 401
    fresh = emu.sinch_token()
    assert sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + fresh).status == 200
    rec = emu.requests(all=True)
    assert [(r["status"], r.get("fault")) for r in rec] == [
        (200, None), (200, None), (401, "expire_token"), (401, None), (200, None), (200, None)]


def test_expire_token_then_basic_proceeds_normally(emu):
    emu.fault(provider="sinch", action="expire_token")
    assert send(emu, "sinch").status == 200
    [rec] = emu.requests()
    assert rec["fault"] == "expire_token"


# ---------------------------------------------------------------- fraction

def test_fraction_hits_exactly_that_share(emu):
    emu.fault(provider="connect", fraction=0.5, status=500)
    statuses = [send(emu, "connect").status for _ in range(10)]
    assert statuses == [200, 500] * 5
    assert len(emu.faults()) == 1 and emu.faults()[0]["remaining"] is None


def test_fraction_tenth(emu):
    emu.fault(provider="zapi", fraction=0.1, status=503)
    statuses = [send(emu, "zapi").status for _ in range(30)]
    assert statuses.count(503) == 3


def test_fraction_with_count(emu):
    emu.fault(provider="sinch", fraction=0.5, count=2, status=500)
    statuses = [send(emu, "sinch").status for _ in range(10)]
    assert statuses.count(500) == 2
    assert emu.faults() == []


def test_fraction_one_and_zero(emu):
    emu.fault(provider="sinch", fraction=1, status=500)
    assert [send(emu, "sinch").status for _ in range(3)] == [500] * 3
    emu.clear_faults()
    emu.fault(provider="sinch", fraction=0, status=500)
    assert [send(emu, "sinch").status for _ in range(3)] == [200] * 3


# ---------------------------------------------------------------- the faults endpoint

def test_list_and_clear_faults(emu):
    f1 = emu.fault(provider="sinch", status=429, count=2, retry_after="1")
    f2 = emu.fault(provider="zapi", operation="respond_event", action="close")
    assert f2["id"] > f1["id"]
    listed = emu.faults()
    assert [(f["id"], f["provider"], f["remaining"]) for f in listed] == [
        (f1["id"], "sinch", 2), (f2["id"], "zapi", 1)]
    assert listed[0]["retry_after"] == "1" and listed[1]["operation"] == "respond_event"
    send(emu, "sinch")
    assert emu.faults()[0]["remaining"] == 1
    emu.clear_faults()
    assert emu.faults() == []
    assert send(emu, "sinch").status == 200


def test_add_several_faults_at_once(emu):
    resp = emu.call("POST", "/_emulator/faults", [{"provider": "sinch", "status": 500},
                                                  {"provider": "zapi", "status": 500}])
    assert resp.status == 200 and len(resp.json()["faults"]) == 2
    assert len(emu.faults()) == 2


def test_reset_clears_faults(emu):
    emu.fault(provider="sinch", status=500)
    emu.reset()
    assert emu.faults() == [] and send(emu, "sinch").status == 200


@pytest.mark.parametrize("spec,message", [
    ({}, "provider"),
    ({"provider": "twilio", "status": 500}, "provider"),
    ({"provider": "sinch", "operation": "send_fax", "status": 500}, "operation"),
    ({"provider": "sinch", "status": 99}, "status"),
    ({"provider": "sinch", "status": "500"}, "status"),
    ({"provider": "sinch", "count": 0, "status": 500}, "count"),
    ({"provider": "sinch", "fraction": 1.5, "status": 500}, "fraction"),
    ({"provider": "sinch", "action": "explode"}, "action"),
    ({"provider": "sinch", "action": "close", "status": 500}, "cannot be combined"),
    ({"provider": "zapi", "action": "expire_token"}, "sinch only"),
    ({"provider": "sinch"}, "at least one of"),
    ({"provider": "sinch", "status": 500, "colour": "red"}, "colour: unknown field"),
    ({"provider": "sinch", "status": 500, "headers": {"X": 1}}, "headers"),
    ({"provider": "sinch", "status": 500, "latency_ms": -1}, "latency_ms"),
    ({"provider": "sinch", "action": "oversized", "bytes": 0}, "bytes"),
    ({"provider": "sinch", "status": 1e300}, "status"),
    ({"provider": "sinch", "status": 500.5}, "status"),
    ({"provider": "sinch", "status": 500, "retry_after": 1e30}, "retry_after"),
    ({"provider": "sinch", "status": 500, "retry_after": [1]}, "retry_after"),
])
def test_invalid_fault_specs(emu, spec, message):
    resp = emu.call("POST", "/_emulator/faults", spec)
    assert resp.status == 400
    assert message in resp.json()["error"]
    assert emu.faults() == []


def test_fault_spec_must_be_json(emu):
    resp = emu.call("POST", "/_emulator/faults", "provider=sinch")
    assert resp.status == 400


def test_fault_headers_replace_the_emulators_own(emu):
    # a throttling error that AWS sends as 400: the injected type is the only one
    emu.fault(provider="connect", status=400, headers={"x-amzn-ErrorType": "ThrottlingException"})
    assert connect_header_values(emu, "x-amzn-ErrorType") == (400, ["ThrottlingException"])
