"""Faults that end the connection without an answer (close, reset, close_after, reset_after), the
fault condition on fresh or reused keep-alive connections, connection_requests in the log, and
--idle-timeout.

FIN or RST is told apart as a client sees it: http.client raises RemoteDisconnected when the
server closed in order (FIN) and a plain ConnectionResetError when it reset the connection (RST).
RemoteDisconnected is itself a ConnectionResetError, so the RST checks exclude it explicitly."""

import http.client
import json
import socket
import subprocess
import time

import pytest

from emulator_samples import CONNECT_EVENT, CONNECT_MESSAGE, SINCH_EVENT, ZAPI_EVENT

PROVIDERS = ["sinch", "zapi", "connect"]

# action -> (how the connection ends, whether the request is processed)
ACTIONS = {
    "close": ("fin", False),
    "reset": ("rst", False),
    "close_after": ("fin", True),
    "reset_after": ("rst", True),
}


def target(emu, provider):
    """(path, headers, body) of the provider's send_event route, ready for http.client."""
    if provider == "sinch":
        return ("/v1/projects/project-1/events:send",
                {"Authorization": emu.sinch_basic(), "Content-Type": "application/json"},
                SINCH_EVENT)
    if provider == "zapi":
        return (emu.zapi_path("send-event"),
                {"Client-Token": emu.zapi_client_token, "Content-Type": "application/json"},
                ZAPI_EVENT)
    return ("/participant/event",
            {"X-Amz-Bearer": emu.connect_connection_token, "Content-Type": "application/json"},
            CONNECT_EVENT)


def send_on(emu, conn, provider, body=None, path=None):
    """One send on conn (http.client keeps the connection alive between calls): (status, body).
    After a failure http.client closes conn, and its next request opens a new connection."""
    default_path, headers, default_body = target(emu, provider)
    conn.request("POST", path or default_path, body=json.dumps(body or default_body),
                 headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read()


def expect_ended(how, fn):
    """fn() must fail the way a client sees a connection ended by FIN or by RST."""
    if how == "fin":
        with pytest.raises(http.client.RemoteDisconnected):
            fn()
    else:
        with pytest.raises(ConnectionResetError) as info:
            fn()
        assert not isinstance(info.value, http.client.RemoteDisconnected), "FIN, not RST"


def raw_request(emu, provider):
    """The bytes of one HTTP/1.1 send_event request (keep-alive)."""
    path, headers, body = target(emu, provider)
    data = json.dumps(body).encode()
    head = ["POST %s HTTP/1.1" % path, "Host: %s:%d" % (emu.host, emu.port),
            "Content-Length: %d" % len(data)]
    head += ["%s: %s" % item for item in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


def read_to_end(sock):
    """Reads until the server ends the connection: (bytes received, "fin" or "rst")."""
    got = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return got, "fin"
            got += chunk
    except ConnectionResetError:
        return got, "rst"


# ---------------------------------------------------------------- the four actions

@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_action_on_a_fresh_connection(emu, action, provider):
    how, processed = ACTIONS[action]
    emu.fault(provider=provider, action=action)
    conn = emu.connection()
    expect_ended(how, lambda: send_on(emu, conn, provider))
    conn.close()
    [rec] = emu.requests(all=True)
    assert rec["fault"] == action and rec["connection_requests"] == 1
    if processed:  # handled normally: accepted, with the status it would have answered
        assert rec["accepted"] is True and rec["status"] == 200
        assert emu.requests() == [rec]
    else:
        assert rec["accepted"] is False and rec["status"] is None
        assert emu.requests() == []


@pytest.mark.parametrize("action", list(ACTIONS))
def test_action_on_a_reused_connection(emu, action):
    how, processed = ACTIONS[action]
    emu.fault(provider="sinch", action=action, connection="reused")
    conn = emu.connection()
    assert send_on(emu, conn, "sinch")[0] == 200  # the first request of a connection escapes
    assert emu.faults()[0]["remaining"] == 1
    expect_ended(how, lambda: send_on(emu, conn, "sinch"))
    conn.close()
    log = emu.requests(all=True)
    assert [(r["connection_requests"], r.get("fault"), r["accepted"]) for r in log] == [
        (1, None, True), (2, action, processed)]
    assert emu.faults() == []


@pytest.mark.parametrize("connection", ["fresh", "reused"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_no_answer_bytes_reach_the_client(emu, action, connection):
    how, _ = ACTIONS[action]
    emu.fault(provider="connect", action=action, connection=connection)
    if connection == "reused":
        conn = emu.connection(timeout=5)
        assert send_on(emu, conn, "connect")[0] == 200
        sock = conn.sock
    else:
        conn = None
        sock = socket.create_connection((emu.host, emu.port), timeout=5)
    try:
        sock.sendall(raw_request(emu, "connect"))
        assert read_to_end(sock) == (b"", how)
    finally:
        (conn or sock).close()
    assert emu.requests(all=True)[-1]["fault"] == action


def test_close_after_logs_the_real_outcome_of_a_rejected_request(emu):
    emu.fault(provider="sinch", action="close_after")
    conn = emu.connection()
    conn.request("POST", "/v1/projects/p/events:send", body=json.dumps(SINCH_EVENT),
                 headers={"Authorization": "Basic d3Jvbmc6d3Jvbmc=",
                          "Content-Type": "application/json"})
    with pytest.raises(http.client.RemoteDisconnected):
        conn.getresponse()
    conn.close()
    assert emu.requests() == []
    [rec] = emu.requests(all=True)
    assert (rec["status"], rec["accepted"], rec["fault"]) == (401, False, "close_after")


def test_close_after_with_latency_waits_then_closes(emu):
    emu.fault(provider="zapi", action="close_after", latency_ms=300)
    conn = emu.connection()
    t0 = time.monotonic()
    expect_ended("fin", lambda: send_on(emu, conn, "zapi"))
    assert time.monotonic() - t0 >= 0.29
    conn.close()
    assert [r["fault"] for r in emu.requests()] == ["close_after"]


# ---------------------------------------------------------------- hidden re-sends

def distinct_bodies(provider):
    """Two different valid send_event bodies of the provider, and the path of its route."""
    if provider == "sinch":
        return SINCH_EVENT, dict(SINCH_EVENT, event_metadata="resent"), None
    if provider == "zapi":
        return ZAPI_EVENT, dict(ZAPI_EVENT, phone="5511999999999"), None
    return CONNECT_EVENT, CONNECT_MESSAGE, "/participant/message"


@pytest.mark.parametrize("action", ["close_after", "reset_after"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_resend_after_a_dropped_answer_is_a_second_accepted_record(emu, provider, action):
    first, resent, resent_path = distinct_bodies(provider)
    emu.fault(provider=provider, action=action, connection="reused")
    conn = emu.connection()
    assert send_on(emu, conn, provider, first)[0] == 200
    expect_ended(ACTIONS[action][0], lambda: send_on(emu, conn, provider, resent, resent_path))
    # what a client library does on a dead keep-alive connection: send it again (new connection)
    assert send_on(emu, conn, provider, resent, resent_path)[0] == 200
    conn.close()
    log = emu.requests()
    assert [(r["connection_requests"], r.get("fault")) for r in log] == [
        (1, None), (2, action), (1, None)]
    assert log[1]["body"] == log[2]["body"] == resent
    assert emu.requests(all=True) == log


@pytest.mark.parametrize("action", ["close_after", "reset_after"])
def test_a_connect_resend_with_the_same_client_token_is_a_replay(emu, action):
    body = dict(CONNECT_MESSAGE, ClientToken="hidden-resend-1")
    emu.fault(provider="connect", action=action, connection="reused")
    conn = emu.connection()
    assert send_on(emu, conn, "connect")[0] == 200
    path = "/participant/message"
    expect_ended(ACTIONS[action][0], lambda: send_on(emu, conn, "connect", body, path))
    status, answer = send_on(emu, conn, "connect", body, path)
    assert status == 200
    # the dropped answer was remembered: a third send gets the same answer again
    assert send_on(emu, conn, "connect", body, path) == (200, answer)
    conn.close()
    log = emu.requests(all=True)
    assert [(r["accepted"], r.get("replayed", False), r.get("fault")) for r in log] == [
        (True, False, None), (True, False, action), (False, True, None), (False, True, None)]
    assert len(emu.requests()) == 2  # the token's request is accepted once


# ---------------------------------------------------------------- the connection condition

def test_fresh_fires_only_on_the_first_request_of_a_connection(emu):
    emu.fault(provider="connect", status=503, connection="fresh", count=2)
    conn = emu.connection()
    statuses = [send_on(emu, conn, "connect")[0] for _ in range(3)]
    conn.close()
    assert statuses == [503, 200, 200]
    assert emu.faults()[0]["remaining"] == 1
    conn = emu.connection()
    assert send_on(emu, conn, "connect")[0] == 503
    conn.close()


def test_reused_leaves_the_count_of_first_requests_alone(emu):
    emu.fault(provider="zapi", status=500, connection="reused")
    for _ in range(3):  # each on its own connection
        conn = emu.connection()
        assert send_on(emu, conn, "zapi")[0] == 200
        conn.close()
    [fault] = emu.faults()
    assert fault["remaining"] == 1 and fault["connection"] == "reused"
    conn = emu.connection()
    assert [send_on(emu, conn, "zapi")[0] for _ in range(3)] == [200, 500, 200]
    conn.close()


def test_reused_leaves_the_fraction_accumulator_alone(emu):
    emu.fault(provider="sinch", status=500, connection="reused", fraction=0.5)
    for _ in range(3):  # had these counted, the accumulator would be at 1.5
        conn = emu.connection()
        assert send_on(emu, conn, "sinch")[0] == 200
        conn.close()
    conn = emu.connection()
    statuses = [send_on(emu, conn, "sinch")[0] for _ in range(5)]
    conn.close()
    assert statuses == [200, 200, 500, 200, 500]


def test_a_fault_without_connection_hits_both(emu):
    emu.fault(provider="sinch", status=500, count=2)
    conn = emu.connection()
    assert [send_on(emu, conn, "sinch")[0] for _ in range(3)] == [500, 500, 200]
    conn.close()


# ---------------------------------------------------------------- connection_requests

def test_connection_requests_counts_every_request_of_a_connection(emu):
    conn = emu.connection()
    for _ in range(3):
        assert send_on(emu, conn, "connect")[0] == 200
    conn.request("GET", "/_emulator/config")  # control requests count too
    conn.getresponse().read()
    assert send_on(emu, conn, "connect")[0] == 200
    conn.close()
    conn = emu.connection()
    assert send_on(emu, conn, "connect")[0] == 200
    conn.close()
    log = emu.requests()
    assert [r["connection_requests"] for r in log] == [1, 2, 3, 5, 1]


def test_rejected_requests_have_connection_requests(emu):
    conn = emu.connection()
    send_on(emu, conn, "sinch")
    status, _ = send_on(emu, conn, "sinch", {"app_id": "a"})
    conn.close()
    assert status == 400
    assert [r["connection_requests"] for r in emu.requests(all=True)] == [1, 2]


# ---------------------------------------------------------------- --idle-timeout

def test_idle_timeout_closes_an_idle_keep_alive_connection_with_fin(emulator_factory):
    emu = emulator_factory("--idle-timeout", "1")
    assert emu.config()["idle_timeout"] == 1
    conn = emu.connection()
    assert send_on(emu, conn, "connect")[0] == 200
    conn.sock.settimeout(3)
    t0 = time.monotonic()
    assert conn.sock.recv(1) == b""  # FIN (an RST would raise ConnectionResetError)
    assert 0.8 <= time.monotonic() - t0 <= 2.5
    # a request on the stale connection fails, and the emulator never saw it
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
        send_on(emu, conn, "connect")
    conn.close()
    assert len(emu.requests(all=True)) == 1


def test_without_idle_timeout_an_idle_connection_stays_open(emu):
    assert emu.config()["idle_timeout"] == 0
    conn = emu.connection()
    assert send_on(emu, conn, "connect")[0] == 200
    conn.sock.settimeout(1.5)
    with pytest.raises(socket.timeout):
        conn.sock.recv(1)
    conn.sock.settimeout(10)
    assert send_on(emu, conn, "connect")[0] == 200
    conn.close()
    assert [r["connection_requests"] for r in emu.requests()] == [1, 2]


def test_idle_timeout_does_not_cut_a_delayed_answer(emulator_factory):
    emu = emulator_factory("--idle-timeout", "1")
    emu.fault(provider="sinch", latency_ms=1600)
    conn = emu.connection()
    t0 = time.monotonic()
    assert send_on(emu, conn, "sinch")[0] == 200
    assert time.monotonic() - t0 >= 1.55
    conn.close()


@pytest.mark.parametrize("value", ["-1", "x", "86401"])
def test_bad_idle_timeout(emulator_path, value):
    proc = subprocess.run([emulator_path, "--idle-timeout", value], capture_output=True,
                          timeout=10)
    assert proc.returncode == 2 and proc.stdout == b""
    assert b"idle-timeout" in proc.stderr


@pytest.mark.parametrize("spec", [{"connection": "old"}, {"connection": 1},
                                  {"connection": "REUSED"}])
def test_invalid_connection_condition(emu, spec):
    resp = emu.call("POST", "/_emulator/faults", dict(provider="sinch", status=500, **spec))
    assert resp.status == 400 and "connection" in resp.json()["error"]
    assert emu.faults() == []
