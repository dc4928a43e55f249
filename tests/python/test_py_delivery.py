"""Delivery states (Response.sent / Error.sent), Connect's client_token, CancelledError and
deadlines, each against the emulator."""

import datetime
import pickle
import socket
import threading
import time

import pytest
import sendevent

from py_support import VALID, api_requests, valid

CLIENT_TOKEN_OPS = {("connect", "send_event"), ("connect", "send_message"),
                    ("connect", "disconnect")}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("provider,operation", sorted(VALID))
def test_success_is_sent_yes(emu, client_for, provider, operation):
    r = client_for(provider).send(operation, valid(provider, operation))
    assert r.ok and r.sent == "yes"
    recorded = api_requests(emu)
    assert len(recorded) == 1
    if (provider, operation) in CLIENT_TOKEN_OPS:
        # the generated ClientToken, the one that went out
        assert r.client_token and recorded[0]["body"]["ClientToken"] == r.client_token
    else:
        assert r.client_token is None
    assert "sent='yes'" in repr(r)


def test_validation_failure_is_sent_no(emu, zapi):
    with pytest.raises(sendevent.ValidationError) as info:
        zapi.send_event(phone="bad/phone", event={"name": "x", "dateTime": "2024-04-29T09:30:00Z"})
    assert info.value.sent == "no" and info.value.response.sent == "no"
    assert info.value.client_token is None
    assert emu.requests(all=True) == []


def test_connection_refused_is_sent_no():
    c = sendevent.Client("zapi", instance_id="I", token="T",
                         base_url="http://127.0.0.1:%d" % free_port(), max_attempts=1)
    with pytest.raises(sendevent.NetworkError) as info:
        c.send_event(valid("zapi", "send_event"))
    assert info.value.sent == "no" and info.value.response.attempts == 0


def test_hang_with_a_deadline_is_sent_maybe(emu, zapi):
    emu.fault(provider="zapi", action="hang")
    t0 = time.monotonic()
    with pytest.raises(sendevent.TimeoutError) as info:
        zapi.send_event(valid("zapi", "send_event"), deadline=0.3)
    assert 0.25 < time.monotonic() - t0 < 3
    assert info.value.sent == "maybe"  # written, never answered: it may have been delivered
    assert info.value.response.attempts == 1
    assert [q.get("fault") for q in api_requests(emu, all=True)] == ["hang"]


def test_hang_with_a_timeout_is_sent_maybe(emu, client_for):
    emu.fault(provider="connect", action="hang")
    c = client_for("connect", timeout=0.3, max_attempts=1)
    with pytest.raises(sendevent.TimeoutError) as info:
        c.send_event(valid("connect", "send_event"))
    assert info.value.sent == "maybe"
    # the token it carried: the same request can be sent again without a duplicate
    assert info.value.client_token
    assert info.value.client_token == api_requests(emu, all=True)[0]["body"]["ClientToken"]


def test_server_error_answered_is_sent_yes(emu, zapi):
    emu.fault(provider="zapi", status=500)
    with pytest.raises(sendevent.ServerError) as info:
        zapi.send_event(valid("zapi", "send_event"))
    assert info.value.sent == "yes" and info.value.http_status == 500


def test_client_option_deadline(emu, client_for):
    emu.fault(provider="zapi", action="hang")
    z = client_for("zapi", deadline=0.3)
    assert z.option("deadline") in ("0.3", "0.30", "0.300")
    t0 = time.monotonic()
    with pytest.raises(sendevent.TimeoutError) as info:
        z.send_event(valid("zapi", "send_event"))
    assert time.monotonic() - t0 < 3 and info.value.sent == "maybe"


def test_deadline_is_not_a_field(emu, zapi, connect):
    zapi.send_event(valid("zapi", "send_event"), deadline=5)
    zapi.send("send_event", deadline=datetime.timedelta(seconds=5), **valid("zapi", "send_event"))
    connect.send_event(deadline=5.5, **valid("connect", "send_event"))
    bodies = [q["body"] for q in api_requests(emu)]
    assert len(bodies) == 3 and all("deadline" not in b for b in bodies)


@pytest.mark.parametrize("bad,exc", [(0, ValueError), (-1, ValueError),
                                     (float("nan"), ValueError), ("1", TypeError),
                                     (True, TypeError)])
def test_bad_deadline_sends_nothing(emu, zapi, bad, exc):
    with pytest.raises(exc, match="deadline"):
        zapi.send_event(valid("zapi", "send_event"), deadline=bad)
    with pytest.raises(exc, match="deadline"):
        zapi.send_many("send_event", [valid("zapi", "send_event")], deadline=bad)
    assert emu.requests(all=True) == []


def test_send_many_deadline(emu, zapi):
    emu.fault(provider="zapi", action="hang")
    t0 = time.monotonic()
    results = zapi.send_many("send_event", [valid("zapi", "send_event")] * 4, deadline=0.4)
    assert time.monotonic() - t0 < 3
    assert sorted(type(r).__name__ for r in results) == ["Response"] * 3 + ["TimeoutError"]
    assert sorted(r.sent for r in results) == ["maybe", "yes", "yes", "yes"]


def test_client_token_round_trip(emu, connect):
    first = connect.send_event(valid("connect", "send_event"))
    token = first.client_token
    assert token
    # the same token again: Connect answers with the first result and does not record it twice
    again = connect.send_event(valid("connect", "send_event"), ClientToken=token)
    assert again.client_token == token and again.id == first.id and again.sent == "yes"
    assert len(api_requests(emu)) == 1
    own = connect.send_event(valid("connect", "send_event"), ClientToken="my-token-0001")
    assert own.client_token == "my-token-0001" and own.id != first.id
    assert len(api_requests(emu)) == 2


def test_cancelled_error_in_the_hierarchy():
    assert issubclass(sendevent.CancelledError, sendevent.Error)
    assert sendevent.CancelledError.status == "cancelled"
    assert "CancelledError" in sendevent.__all__
    err = sendevent._make_error(-15, "cancelled before it completed", None)
    assert type(err) is sendevent.CancelledError and err.status == "cancelled"
    assert err.sent == "no"
    assert type(pickle.loads(pickle.dumps(err))) is sendevent.CancelledError


def test_client_cancel_from_another_thread(emu, zapi):
    emu.fault(provider="zapi", action="hang")
    timer = threading.Timer(0.3, zapi.cancel)
    timer.start()
    t0 = time.monotonic()
    try:
        with pytest.raises(sendevent.CancelledError) as info:
            zapi.send_event(valid("zapi", "send_event"))  # the default timeout is 30 s
    finally:
        timer.cancel()
    assert time.monotonic() - t0 < 2
    assert info.value.status == "cancelled" and info.value.sent == "maybe"
    # later calls are not affected
    emu.reset()
    assert zapi.send_event(valid("zapi", "send_event")).ok


def test_client_cancel_send_many(emu, client_for):
    z = client_for("zapi")
    emu.fault(provider="zapi", latency_ms=200, count=1000)
    timer = threading.Timer(0.3, z.cancel)
    timer.start()
    try:
        results = z.send_many("send_event", [valid("zapi", "send_event")] * 200, concurrency=4)
    finally:
        timer.cancel()
    kinds = {(type(r).__name__, r.sent) for r in results}
    assert ("Response", "yes") in kinds and ("CancelledError", "no") in kinds
    assert kinds <= {("Response", "yes"), ("CancelledError", "no"), ("CancelledError", "maybe")}
    finished = sum(isinstance(r, sendevent.Response) for r in results)
    assert finished <= len(api_requests(emu, all=True)) <= finished + 4
