"""Every exception class, raised from a real failure on the emulator, with its attributes."""

import builtins
import pickle

import pytest
import sendevent

from py_support import api_requests, make_client, valid

CLASSES = {
    "invalid": sendevent.ValidationError, "auth": sendevent.AuthError,
    "forbidden": sendevent.ForbiddenError, "not_found": sendevent.NotFoundError,
    "conflict": sendevent.ConflictError, "throttled": sendevent.ThrottledError,
    "rejected": sendevent.RejectedError, "server": sendevent.ServerError,
    "network": sendevent.NetworkError, "timeout": sendevent.TimeoutError,
    "tls": sendevent.TLSError, "protocol": sendevent.ProtocolError,
    "cancelled": sendevent.CancelledError,
}

ATTRIBUTES = ("status", "code", "http_status", "provider_code", "message", "request_id",
              "sent", "client_token", "response")


def test_hierarchy():
    for cls in CLASSES.values():
        assert issubclass(cls, sendevent.Error) and issubclass(cls, Exception)
    assert issubclass(sendevent.TimeoutError, builtins.TimeoutError)
    assert issubclass(sendevent.TimeoutError, OSError)
    assert sendevent.TimeoutError is not builtins.TimeoutError
    assert issubclass(sendevent.ValidationError, ValueError)
    assert len(set(CLASSES.values())) == 13


def check(info, cls, status, http_status, provider_code=None, in_message=None, attempts=None):
    err = info.value
    assert type(err) is cls
    for attr in ATTRIBUTES:
        assert hasattr(err, attr), attr
    assert err.status == status
    assert isinstance(err.code, int) and err.code < 0
    if http_status is not None:
        assert err.http_status == http_status
    if provider_code is not None:
        assert err.provider_code == provider_code
    assert isinstance(err.message, str) and err.message
    if in_message:
        assert in_message in err.message
    assert err.message in str(err) and status in str(err)
    assert err.response is not None
    assert err.response.status == status and not err.response.ok
    assert err.response.http_status == err.http_status
    assert err.response.provider_code == err.provider_code
    assert err.response.request_id == err.request_id
    assert err.response.sent == err.sent and err.sent in ("no", "maybe", "yes")
    assert err.response.client_token == err.client_token
    assert err.response.id is None
    if attempts is not None:
        assert err.response.attempts == attempts
    assert type(err).__name__ in repr(err)
    return err


def connect_send(emu, **opts):
    c = make_client(emu, "connect", max_attempts=1, **opts)
    try:
        return c.send_event(**valid("connect", "send_event"))
    finally:
        c.close()


def test_validation_error(emu, sinch):
    with pytest.raises(sendevent.ValidationError) as info:
        sinch.send_event(app_id="A", recipient={"contact_id": "C"})
    err = check(info, sendevent.ValidationError, "invalid", 0, in_message="event: required",
                attempts=0)
    assert err.provider_code is None and err.request_id is None
    assert err.code == -1
    assert api_requests(emu, all=True) == []


@pytest.mark.parametrize("status,cls,name,code", [
    (401, sendevent.AuthError, "auth", None),
    (403, sendevent.ForbiddenError, "forbidden", "AccessDeniedException"),
    (404, sendevent.NotFoundError, "not_found", "ResourceNotFoundException"),
    (409, sendevent.ConflictError, "conflict", "ConflictException"),
    (429, sendevent.ThrottledError, "throttled", "ThrottlingException"),
    (400, sendevent.RejectedError, "rejected", "ValidationException"),
    (500, sendevent.ServerError, "server", "InternalServerException"),
    (503, sendevent.ServerError, "server", "ServiceUnavailableException"),
])
def test_http_statuses_connect(emu, status, cls, name, code):
    emu.fault(provider="connect", status=status)
    with pytest.raises(cls) as info:
        connect_send(emu)
    err = check(info, cls, name, status, attempts=1)
    assert err.provider_code  # from x-amzn-ErrorType or the body
    assert err.request_id  # Connect answers with x-amzn-RequestId
    if code and err.provider_code != str(status):
        assert err.provider_code == code


@pytest.mark.parametrize("status,cls,name", [
    (400, sendevent.RejectedError, "rejected"), (401, sendevent.AuthError, "auth"),
    (403, sendevent.ForbiddenError, "forbidden"), (404, sendevent.NotFoundError, "not_found"),
    (429, sendevent.ThrottledError, "throttled"), (500, sendevent.ServerError, "server"),
])
def test_http_statuses_sinch(emu, client_for, status, cls, name):
    sinch = client_for("sinch", max_attempts=1)
    # a 401 to a fetched token is fetched again once and retried: both answers are 401
    emu.fault(provider="sinch", operation="send_event", status=status,
              count=2 if status == 401 else 1)
    with pytest.raises(cls) as info:
        sinch.send_event(**valid("sinch", "send_event"))
    err = check(info, cls, name, status)
    assert err.provider_code  # google.rpc status, e.g. INVALID_ARGUMENT
    assert err.sent == "yes"  # answered, whatever the answer said


def test_sinch_bad_credentials_is_auth_error(emu, client_for):
    sinch = client_for("sinch", key_secret="wrong-secret")
    with pytest.raises(sendevent.AuthError) as info:
        sinch.send_event(**valid("sinch", "send_event"))
    # the token endpoint refused the key: no API answer, so http_status may be 0
    err = check(info, sendevent.AuthError, "auth", None, in_message="401")
    assert "wrong-secret" not in str(err) and "wrong-secret" not in err.message


def test_zapi_value_false_is_rejected(emu, zapi):
    emu.fault(provider="zapi", action="value_false")
    with pytest.raises(sendevent.RejectedError) as info:
        zapi.send_event(**valid("zapi", "send_event"))
    err = check(info, sendevent.RejectedError, "rejected", 200)
    assert err.response.body == {"value": False}


def test_zapi_error_body_message(emu, zapi):
    emu.fault(provider="zapi", status=400, body={"error": "smartphone is not responding"})
    with pytest.raises(sendevent.RejectedError) as info:
        zapi.send_event(**valid("zapi", "send_event"))
    check(info, sendevent.RejectedError, "rejected", 400,
          in_message="smartphone is not responding")


def test_zapi_wrong_token_is_not_found_or_auth_and_redacted(emu, client_for):
    zapi = client_for("zapi", token="some-wrong-token-value")
    with pytest.raises(sendevent.Error) as info:
        zapi.send_event(**valid("zapi", "send_event"))
    assert info.value.http_status >= 400
    text = str(info.value) + repr(info.value) + info.value.message
    assert "some-wrong-token-value" not in text
    assert "some-wrong-token-value" not in info.value.response.text


def test_network_error(emu):
    emu.fault(provider="connect", action="close")
    with pytest.raises(sendevent.NetworkError) as info:
        connect_send(emu)
    check(info, sendevent.NetworkError, "network", 0)


def test_network_error_nothing_listening():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    c = sendevent.Client("connect", endpoint_url="http://127.0.0.1:%d" % port, max_attempts=1)
    with pytest.raises(sendevent.NetworkError) as info:
        c.send_event(**valid("connect", "send_event"))
    # no connection: nothing was written, so no attempt reached a server
    assert info.value.response.attempts == 0 and info.value.http_status == 0
    assert info.value.sent == "no"


def test_timeout_error(emu):
    emu.fault(provider="connect", latency_ms=3000)
    with pytest.raises(sendevent.TimeoutError) as info:
        connect_send(emu, timeout=0.3)
    err = check(info, sendevent.TimeoutError, "timeout", 0)
    assert err.response.elapsed < 2.5
    # also catchable as the builtin
    emu.reset()
    emu.fault(provider="connect", action="hang")
    with pytest.raises(builtins.TimeoutError):
        connect_send(emu, timeout=0.3)


def test_protocol_error(emu):
    emu.fault(provider="connect", action="oversized")
    with pytest.raises(sendevent.ProtocolError) as info:
        connect_send(emu, max_response_bytes=4096)
    err = check(info, sendevent.ProtocolError, "protocol", None)
    assert err.http_status in (0, 200) and "max_response_bytes" in err.message


def test_tls_error_and_ca_file(emulator_factory, cert):
    crt, key = cert
    emu = emulator_factory("--tls-cert", crt, "--tls-key", key, cafile=str(crt))
    assert emu.url.startswith("https://")
    untrusted = sendevent.Client("connect", endpoint_url=emu.url, max_attempts=1)
    with pytest.raises(sendevent.TLSError) as info:
        untrusted.send_event(**valid("connect", "send_event"))
    check(info, sendevent.TLSError, "tls", 0)
    trusted = sendevent.Client("connect", endpoint_url=emu.url, ca_file=crt)
    assert trusted.send_event(**valid("connect", "send_event")).ok
    assert len(emu.requests()) == 1


def test_retry_after_then_success(emu, connect):
    emu.fault(provider="connect", status=429, retry_after="0")
    r = connect.send_event(**valid("connect", "send_event"))
    assert r.ok and r.attempts == 2


def test_sinch_expired_token_is_refreshed(emu, sinch):
    assert sinch.send_event(**valid("sinch", "send_event")).ok
    emu.fault(provider="sinch", action="expire_token")
    r = sinch.send_event(**valid("sinch", "send_event"))
    assert r.ok and r.attempts == 2


def test_sinch_server_error_not_retried_by_default(emu, sinch):
    emu.fault(provider="sinch", operation="send_event", status=500)
    with pytest.raises(sendevent.ServerError) as info:
        sinch.send_event(**valid("sinch", "send_event"))
    assert info.value.response.attempts == 1


def test_errors_pickle_without_their_response(emu):
    emu.fault(provider="connect", status=409)
    with pytest.raises(sendevent.ConflictError) as info:
        connect_send(emu)
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is sendevent.ConflictError
    assert copy.message == info.value.message and copy.http_status == 409
    assert copy.provider_code == info.value.provider_code and copy.response is None
    assert copy.sent == info.value.sent == "yes" and copy.client_token == info.value.client_token
    assert str(copy) == str(info.value)


def test_error_can_be_built_by_hand():
    err = sendevent.ThrottledError("slow down")
    assert err.message == "slow down" and err.http_status == 0 and err.response is None
    assert err.status == "throttled" and err.sent == "no" and err.client_token is None
    assert str(err) == "throttled: slow down"
