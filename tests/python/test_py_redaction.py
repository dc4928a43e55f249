"""No secret ever shows: not in repr(), not in errors, not in log records, not in prepare()."""

import logging

import pytest
import sendevent

from py_support import GROUP, SECRET_FLAGS, SECRETS, TYPING, valid


@pytest.fixture
def private(emulator_factory):
    return emulator_factory(*SECRET_FLAGS)


@pytest.fixture
def clients(private):
    made = {
        "sinch": sendevent.Client("sinch", project_id="P", key_id=private.sinch_key_id,
                                  key_secret=SECRETS["sinch_key_secret"], region="eu",
                                  base_url=private.url, auth_url=private.sinch_token_url),
        "zapi": sendevent.Client("zapi", instance_id=SECRETS["zapi_instance"],
                                 token=SECRETS["zapi_token"],
                                 client_token=SECRETS["zapi_client_token"],
                                 base_url=private.url),
        "connect": sendevent.Client("connect", region="us-east-1", endpoint_url=private.url,
                                    max_attempts=1),
    }
    yield made
    for c in made.values():
        c.close()


def bearer_tokens(emu):
    """OAuth access tokens the emulator issued (they are secrets too)."""
    out = []
    for rec in emu.requests(all=True):
        auth = rec["headers"].get("authorization", "")
        if auth.startswith("Bearer "):
            out.append(auth[7:])
    return out


def assert_clean(text, extra=()):
    for secret in list(SECRETS.values()) + list(extra):
        assert secret not in text, secret


def test_repr_has_no_secret(clients):
    for c in clients.values():
        assert_clean(repr(c))
        assert_clean(str(c))
    assert repr(clients["sinch"]) == "<sendevent.Client provider='sinch' region='eu'>"
    for key in ("key_secret",):
        assert clients["sinch"].option(key) == "[REDACTED]"


def exercise(private, clients):
    """Successes and failures on every provider; returns the exceptions raised."""
    errors = []
    sinch, zapi, connect = clients["sinch"], clients["zapi"], clients["connect"]
    sinch.send_event(**valid("sinch", "send_event"))
    sinch.send_message(**valid("sinch", "send_message"))
    zapi.send_event(**valid("zapi", "send_event"))
    zapi.respond_event(**valid("zapi", "respond_event"))
    connect.send_event(ConnectionToken=SECRETS["connect_connection"], ContentType=TYPING)
    connect.create_connection(ParticipantToken=SECRETS["connect_participant"],
                              Type=["CONNECTION_CREDENTIALS"])
    connect.disconnect(ConnectionToken=SECRETS["connect_connection"])
    calls = [
        lambda: sinch.send_event(app_id="A"),
        lambda: zapi.send_event(phone="bad/" + SECRETS["zapi_token"], event={}),
        lambda: connect.send_event(ConnectionToken=SECRETS["connect_connection"]),
        lambda: connect.send_event(ConnectionToken=SECRETS["connect_connection"] + "x",
                                   ContentType=TYPING),
        lambda: connect.send_event(ConnectionToken=SECRETS["connect_connection"],
                                   ContentType=TYPING, Content=SECRETS["connect_connection"]),
        lambda: connect.send_message(ConnectionToken=SECRETS["connect_connection"],
                                     ContentType="text/plain", Content="x" * 20000),
    ]
    private.fault(provider="zapi", status=500, count=1)
    calls.append(lambda: zapi.send_event(**valid("zapi", "send_event")))
    private.fault(provider="connect", status=403, count=1)
    calls.append(lambda: connect.send_event(ConnectionToken=SECRETS["connect_connection"],
                                            ContentType=TYPING))
    for call in calls:
        try:
            call()
        except sendevent.Error as err:
            errors.append(err)
    wrong = [
        sendevent.Client("sinch", project_id="P", key_id=private.sinch_key_id,
                         key_secret=SECRETS["sinch_key_secret"] + "-wrong",
                         base_url=private.url, auth_url=private.sinch_token_url),
        sendevent.Client("zapi", instance_id=SECRETS["zapi_instance"],
                         token=SECRETS["zapi_token"] + "-wrong",
                         client_token=SECRETS["zapi_client_token"], base_url=private.url),
        sendevent.Client("zapi", instance_id=SECRETS["zapi_instance"],
                         token=SECRETS["zapi_token"],
                         client_token=SECRETS["zapi_client_token"] + "-wrong",
                         base_url=private.url),
    ]
    for c in wrong:
        try:
            c.send_event(**valid(c.provider, "send_event"))
        except sendevent.Error as err:
            errors.append(err)
    errors += [r for r in clients["zapi"].send_many(
        "send_event", [valid("zapi", "send_event"), {"phone": GROUP}]) if
        isinstance(r, sendevent.Error)]
    return errors


def test_errors_and_logs_have_no_secret(private, clients, caplog):
    caplog.set_level(logging.DEBUG, logger="sendevent")
    errors = exercise(private, clients)
    assert len(errors) >= 10
    tokens = bearer_tokens(private)
    assert tokens  # the Sinch client used OAuth
    for err in errors:
        assert_clean(str(err), tokens)
        assert_clean(repr(err), tokens)
        assert_clean(err.message, tokens)
        assert_clean(str(err.provider_code), tokens)
        if err.response is not None:
            assert_clean(repr(err.response), tokens)
            assert_clean(str(err.response.error_message), tokens)
    records = caplog.records
    assert len(records) >= 15
    for rec in records:
        assert rec.name == "sendevent"
        assert_clean(rec.getMessage(), tokens)
    text = "\n".join(r.getMessage() for r in records)
    assert "POST " in text and "-> 200" in text and "attempts" in text and " ms" in text
    assert "[REDACTED]" in text  # Z-API's path ids are shown redacted


def test_prepare_has_no_secret(clients):
    texts = [
        clients["sinch"].prepare("send_event", valid("sinch", "send_event")),
        clients["zapi"].prepare("send_event", valid("zapi", "send_event")),
        clients["connect"].prepare("send_event", ConnectionToken=SECRETS["connect_connection"],
                                   ContentType=TYPING),
        clients["connect"].prepare("create_connection",
                                   ParticipantToken=SECRETS["connect_participant"],
                                   Type=["WEBSOCKET"]),
    ]
    for t in texts:
        assert_clean(t)
        assert "[REDACTED]" in t


def test_log_levels(private, clients, caplog):
    """Successes are DEBUG records, failures INFO; nothing at WARNING or above by default."""
    caplog.set_level(logging.DEBUG, logger="sendevent")
    clients["connect"].send_event(ConnectionToken=SECRETS["connect_connection"],
                                  ContentType=TYPING)
    with pytest.raises(sendevent.ValidationError):
        clients["connect"].send_event(ContentType=TYPING)
    levels = [r.levelno for r in caplog.records]
    assert levels == [logging.DEBUG, logging.INFO]
    line = caplog.records[0].getMessage()
    assert line.startswith("POST http://127.0.0.1:") and "/participant/event -> 200 ok" in line
    assert "attempts 1" in line


def test_no_log_work_when_disabled(private, clients, caplog):
    caplog.set_level(logging.WARNING, logger="sendevent")
    clients["connect"].send_event(ConnectionToken=SECRETS["connect_connection"],
                                  ContentType=TYPING)
    assert caplog.records == []
