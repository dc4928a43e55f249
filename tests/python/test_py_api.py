"""The Python surface: every operation of every provider, dict and keyword forms, responses,
validate / prepare, options, the client's lifecycle, and that the installed wheel is imported."""

import datetime
import json
import os
import pathlib

import pytest
import sendevent

from py_support import (GROUP, TYPING, VALID, api_bodies, api_requests, make_client,
                        valid)

REPO = pathlib.Path(__file__).resolve().parents[2]
OPS = sorted(VALID)


def test_imports_the_installed_package_not_the_source_tree():
    pkg = pathlib.Path(sendevent.__file__).resolve().parent
    assert pkg != REPO / "python" / "sendevent"
    assert (pkg / "py.typed").exists()
    assert (pkg / "__init__.pyi").exists()
    assert (pkg / "_swig.py").exists()  # the SWIG-generated module is in the wheel
    exts = list(pkg.glob("_sendevent*.so"))
    assert len(exts) == 1  # one extension module: libcore is compiled into it
    assert sendevent.__version__ == sendevent.version()
    assert sendevent.__version__.count(".") == 2


def test_operations_table_matches_the_methods():
    for provider, ops in sendevent.OPERATIONS.items():
        for op in ops:
            assert callable(getattr(sendevent.Client, op))
            assert (provider, op) in VALID


@pytest.mark.parametrize("provider,operation", OPS)
def test_every_operation_keyword_form(emu, client_for, provider, operation):
    client = client_for(provider)
    r = getattr(client, operation)(**valid(provider, operation))
    assert isinstance(r, sendevent.Response)
    assert r.ok and r.status == "ok"
    assert r.http_status == 200
    assert r.attempts == 1
    assert 0 < r.elapsed < 10
    assert r.provider == provider and r.operation == operation
    assert isinstance(r.body, dict)
    assert r.provider_code is None and r.error_message is None
    recorded = api_requests(emu)
    assert len(recorded) == 1
    assert recorded[0]["provider"] == provider
    assert recorded[0]["operation"] == operation
    # the body on the wire is the request minus path/header parameters
    sent = valid(provider, operation)
    for key in ("ConnectionToken", "ParticipantToken"):
        sent.pop(key, None)
    if provider == "sinch" and operation == "send_message":
        sent["ttl"] = "10s"  # an integer ttl is sent as the documented "<n>s"
    for key, value in sent.items():
        assert recorded[0]["body"][key] == value, key
    if operation == "create_connection":
        assert "ConnectionCredentials" in r.body
    elif operation == "disconnect":
        assert r.id is None
    else:
        assert r.id


@pytest.mark.parametrize("provider,operation", OPS)
def test_every_operation_dict_form_and_send(emu, client_for, provider, operation):
    client = client_for(provider)
    request = valid(provider, operation)
    r1 = getattr(client, operation)(request)
    r2 = client.send(operation, request)
    assert r1.ok and r2.ok
    bodies = api_bodies(emu)
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    assert request == valid(provider, operation)  # the caller's dict is not modified


def test_dict_and_keywords_merge_keywords_win(emu, sinch):
    base = valid("sinch", "send_event")
    sinch.send_event(base, app_id="OTHER", event_metadata="m")
    body = api_bodies(emu)[0]
    assert body["app_id"] == "OTHER" and body["event_metadata"] == "m"
    assert base["app_id"] == "APP1"


def test_json_text_request_is_sent_as_is(emu, zapi):
    text = json.dumps(valid("zapi", "send_event"))
    assert zapi.send_event(text).ok
    assert zapi.send_event(text.encode()).ok
    assert len(emu.requests()) == 2
    with pytest.raises(TypeError, match="keyword arguments"):
        zapi.send_event(text, phone=GROUP)


def test_sinch_response_fields(emu, sinch):
    r = sinch.send_event(**valid("sinch", "send_event"))
    assert r.id == r.body["event_id"]
    assert r.accepted_time == r.body["accepted_time"]
    assert r.warnings == []
    assert "event_id" in r.text and r.content.startswith(b"{")
    assert r.header("content-type").startswith("application/json")
    assert r.header("X-No-Such-Header") is None
    m = sinch.send_message(app_id="APP1", recipient={"contact_id": "C"},
                           message={"text_message": {"text": "hi"}}, ttl=10)
    assert m.id == m.body["message_id"]
    assert "Response" in repr(m) and m.id in repr(m)


def test_zapi_response_fields(emu, zapi):
    r = zapi.send_event(phone=GROUP, event={"name": "Standup",
                                            "dateTime": "2024-04-29T09:30:53.309Z"})
    assert r.id == r.body["messageId"] == r.body["id"]
    assert r.body["zaapId"]
    assert r.accepted_time is None
    r2 = zapi.edit_event(phone=GROUP, eventMessageId=r.id,
                         event={"name": "Standup 2", "dateTime": "2024-04-29T10:30:53.309Z"})
    r3 = zapi.respond_event(phone=GROUP, eventMessageId=r.id, eventResponse="NOT_GOING")
    assert r2.ok and r3.ok
    assert [x["operation"] for x in emu.requests()] == ["send_event", "edit_event",
                                                        "respond_event"]


def test_connect_response_fields(emu, connect):
    r = connect.send_event(ConnectionToken="emulator-connection-token", ContentType=TYPING)
    assert r.id == r.body["Id"]
    assert r.accepted_time == r.body["AbsoluteTime"]
    assert r.request_id  # x-amzn-RequestId
    assert r.request_id == r.header("x-amzn-requestid")
    rec = emu.requests()[0]
    assert rec["headers"]["x-amz-bearer"] == "emulator-connection-token"
    assert "ConnectionToken" not in rec["body"]
    assert rec["body"]["ClientToken"]  # generated idempotency token


def test_warnings_are_reported(emu, sinch, caplog):
    caplog.set_level("INFO", logger="sendevent")
    r = sinch.send_message(app_id="A", recipient={"identified_by": {"channel_identities": [
        {"channel": "FOO", "identity": "1"}]}}, message={"text_message": {"text": "x"}})
    assert r.ok
    assert len(r.warnings) == 1 and "unknown channel" in r.warnings[0]
    assert any("unknown channel" in rec.getMessage() for rec in caplog.records)


def test_connect_deprecated_content_type_warns(emu, connect):
    r = connect.send_event(ConnectionToken="emulator-connection-token",
                           ContentType="application/vnd.amazonaws.connect.event."
                                       "connection.acknowledged")
    assert r.ok and r.warnings and "deprecated" in r.warnings[0].lower()


def test_unicode_round_trip(emu, connect):
    text = "héllo wörld ✓ 日本語 🎉"
    r = connect.send_message(ConnectionToken="emulator-connection-token",
                             ContentType="text/plain", Content=text)
    assert r.ok
    rec = emu.requests()[0]
    assert rec["body"]["Content"] == text
    assert text in rec["body_raw"]  # ensure_ascii=False: UTF-8 on the wire, not \u escapes


def test_validate_sends_nothing(emu, sinch):
    assert sinch.validate("send_event", valid("sinch", "send_event")) is None
    assert sinch.validate("send_event", **valid("sinch", "send_event")) is None
    with pytest.raises(sendevent.ValidationError) as info:
        sinch.validate("send_event", {"app_id": "A"})
    assert "recipient: required" in info.value.message
    assert emu.requests(all=True) == []


def test_prepare_shows_the_request_without_secrets(emu, sinch, zapi, connect):
    text = sinch.prepare("send_event", valid("sinch", "send_event"))
    assert text.startswith("POST /v1/projects/PROJECT1/events:send HTTP/1.1\r\n")
    assert "Authorization: Bearer [REDACTED]" in text
    head, _, body = text.partition("\r\n\r\n")
    assert json.loads(body) == valid("sinch", "send_event")
    ztext = zapi.prepare("send_event", **valid("zapi", "send_event"))
    assert "/instances/[REDACTED]/token/[REDACTED]/send-event" in ztext
    assert "Client-Token: [REDACTED]" in ztext
    ctext = connect.prepare("send_event", valid("connect", "send_event"))
    assert "X-Amz-Bearer: [REDACTED]" in ctext
    for t in (text, ztext, ctext):
        for secret in ("emulator-secret", "emulator-instance", "emulator-token",
                       "emulator-client-token", "emulator-connection-token"):
            assert secret not in t
    with pytest.raises(sendevent.ValidationError):
        sinch.prepare("send_event", {})
    assert emu.requests(all=True) == []


def test_send_many_basic(emu, zapi):
    reqs = [valid("zapi", "send_event") for _ in range(5)]
    results = zapi.send_many("send_event", reqs)
    assert len(results) == 5 and all(isinstance(r, sendevent.Response) and r.ok for r in results)
    assert len({r.id for r in results}) == 5
    assert len(emu.requests()) == 5
    assert zapi.send_many("send_event", []) == []
    assert zapi.send_many("send_event", iter(reqs[:2]), concurrency=1)[1].ok


def test_unsupported_operation_is_a_validation_error(emu, zapi, sinch):
    with pytest.raises(sendevent.ValidationError, match="operation"):
        zapi.disconnect(phone=GROUP)
    with pytest.raises(sendevent.ValidationError, match="operation"):
        sinch.disconnect(ConnectionToken="x")
    with pytest.raises(sendevent.ValidationError, match="operation"):
        sinch.send("no_such_operation", {})
    assert emu.requests(all=True) == []


# ---------------------------------------------------------------- client, options, lifecycle

def test_repr_shows_provider_and_region():
    c = sendevent.Client("sinch", project_id="P", key_id="K", key_secret="S", region="eu")
    assert repr(c) == "<sendevent.Client provider='sinch' region='eu'>"
    assert c.provider == "sinch" and c.region == "eu"
    c.close()
    assert repr(c) == "<sendevent.Client provider='sinch' region='eu' closed>"
    z = sendevent.Client("zapi", instance_id="I", token="T", client_token="CT")
    assert repr(z) == "<sendevent.Client provider='zapi'>"
    k = sendevent.Client("connect", region="us-east-1")
    assert repr(k) == "<sendevent.Client provider='connect' region='us-east-1'>"


def test_option_conversion():
    c = sendevent.Client("connect", region="us-east-1", timeout=2.5, connect_timeout=1,
                         max_attempts=2, retry_server_errors=True, allow_insecure_http=False,
                         retry_base_delay=datetime.timedelta(milliseconds=100),
                         user_agent="me/1", fips=None)
    assert c.option("timeout") == "2.5"
    assert c.option("connect_timeout") == "1"
    assert c.option("max_attempts") == "2"
    assert c.option("retry_server_errors") == "true"
    assert c.option("allow_insecure_http") == "false"
    assert c.option("retry_base_delay") == "0.1"
    assert c.option("user_agent") == "me/1"
    assert c.option("fips") == "false"  # None leaves the default
    with pytest.raises(ValueError, match="no_such_option"):
        c.option("no_such_option")


def test_ca_file_accepts_a_path(tmp_path):
    pem = tmp_path / "ca.pem"
    pem.write_text("x")
    c = sendevent.Client("connect", region="us-east-1", ca_file=pem)
    assert c.option("ca_file") == str(pem)


def test_secrets_read_back_redacted():
    c = sendevent.Client("zapi", instance_id="inst-123", token="tok-456", client_token="ct-789")
    for key in ("instance_id", "token", "client_token"):
        assert c.option(key) == "[REDACTED]"


@pytest.mark.parametrize("provider,opts,fragment", [
    ("nope", {}, "provider"),
    ("sinch", {"region": "mars"}, "region"),
    ("sinch", {"no_such": "x"}, "no_such: unknown option"),
    ("zapi", {"region": "eu"}, "region: unknown option"),
    ("connect", {"timeout": -1}, "timeout"),
    ("connect", {"max_attempts": 11}, "max_attempts"),
    ("connect", {"max_attempts": 1.5}, "max_attempts"),
    ("connect", {"base_url": "ftp://x"}, "base_url"),
    ("sinch", {"auth": "digest"}, "auth"),
    ("connect", {"retry_server_errors": "maybe"}, "retry_server_errors"),
    ("zapi", {"token": ""}, "token"),
])
def test_bad_options_raise_validation_error(provider, opts, fragment):
    with pytest.raises(sendevent.ValidationError) as info:
        sendevent.Client(provider, **opts)
    assert fragment in info.value.message
    assert info.value.status == "invalid" and info.value.response is None


@pytest.mark.parametrize("value", [[1], {"a": 1}, object(), b"bytes"])
def test_option_of_wrong_python_type_is_a_type_error(value):
    with pytest.raises(TypeError, match="timeout"):
        sendevent.Client("connect", region="us-east-1", timeout=value)


def test_provider_must_be_str():
    with pytest.raises(TypeError, match="provider"):
        sendevent.Client(None)


def test_option_with_nul_is_a_value_error():
    with pytest.raises(ValueError, match="user_agent"):
        sendevent.Client("connect", region="us-east-1", user_agent="a\0b")


def test_context_manager_and_close(emu):
    with make_client(emu, "connect") as c:
        assert not c.closed
        assert c.send_event(**valid("connect", "send_event")).ok
    assert c.closed
    for call in (lambda: c.send_event(**valid("connect", "send_event")),
                 lambda: c.validate("send_event", {}), lambda: c.prepare("send_event", {}),
                 lambda: c.send_many("send_event", [{}]), lambda: c.option("timeout")):
        with pytest.raises(ValueError, match="closed"):
            call()
    c.close()  # twice is fine
    assert len(api_requests(emu)) == 1


def test_responses_outlive_their_client(emu):
    c = make_client(emu, "sinch")
    r = c.send_event(**valid("sinch", "send_event"))
    c.close()
    del c
    assert r.id and r.body["event_id"] == r.id


def test_send_many_argument_checks(zapi):
    with pytest.raises(ValueError, match="concurrency"):
        zapi.send_many("send_event", [valid("zapi", "send_event")], concurrency=0)
    with pytest.raises(ValueError, match="concurrency"):
        zapi.send_many("send_event", [valid("zapi", "send_event")], concurrency=1025)
    with pytest.raises(TypeError, match="concurrency"):
        zapi.send_many("send_event", [valid("zapi", "send_event")], concurrency="8")
    with pytest.raises(TypeError, match="requests"):
        zapi.send_many("send_event", valid("zapi", "send_event"))


def test_docstrings_present():
    for name in ("Client", "Response", "Error", "ValidationError", "TimeoutError"):
        assert getattr(sendevent, name).__doc__
    for op in ("send", "send_event", "send_message", "edit_event", "respond_event",
               "create_connection", "disconnect", "validate", "prepare", "send_many", "close"):
        assert getattr(sendevent.Client, op).__doc__, op
    # the SWIG layer carries the C header comments
    from sendevent import _swig
    assert "provider" in (_swig.se_client_new.__doc__ or "")


def test_module_runs_from_another_directory(tmp_path):
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", "import sendevent; print(sendevent.__file__)"],
                         cwd=tmp_path, capture_output=True, text=True, check=True)
    location = pathlib.Path(out.stdout.strip()).resolve().parent
    assert location != REPO / "python" / "sendevent"


def test_headers_and_request_line(emu, zapi, connect):
    r = zapi.send_event(phone="120363019502650977-group",
                        event={"name": "Standup", "dateTime": "2024-04-29T09:30:53.309Z"})
    names = [name.lower() for name, _ in r.headers]
    assert "content-type" in names
    for name, value in r.headers:
        assert r.header(name.upper()) == value
    # secrets of the path never show, the route does
    assert r.request_line == (emu.url + "/instances/[REDACTED]/token/[REDACTED]/send-event").join(["POST ", ""])
    r = connect.send_event(ConnectionToken=emu.connect_connection_token,
                           ContentType="application/vnd.amazonaws.connect.event.typing")
    assert dict((n.lower(), v) for n, v in r.headers)["x-amzn-requestid"] == r.request_id


def test_import_loads_neither_libcurl_nor_heavy_modules():
    """`import sendevent` stays cheap: libcurl is loaded by the first client, and json,
    logging and re only when used (docs/performance.md has the timing)."""
    import subprocess
    import sys
    code = (
        "import sys, sendevent\n"
        "maps = open('/proc/self/maps').read()\n"
        "print('libcurl' in maps, [m for m in ('json', 'logging', 're', 'datetime') if m in sys.modules])\n"
        "sendevent.Client('zapi', instance_id='i', token='t')\n"
        "print('libcurl' in open('/proc/self/maps').read())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["False []", "True"]


def test_logging_imported_after_sendevent_still_logs(emu, zapi, caplog):
    import logging
    with caplog.at_level(logging.DEBUG, logger="sendevent"):
        zapi.send_event(phone="120363019502650977-group",
                        event={"name": "n", "dateTime": "2024-04-29T09:30:53.309Z"})
    assert any("/instances/[REDACTED]/token/[REDACTED]/send-event -> 200" in r.getMessage()
               for r in caplog.records)


def test_zapi_send_message(emu, zapi):
    r = zapi.send_message(phone="5511999999999", message="*Hello*", delayTyping=2,
                          messageId="3EB0C767D71D5C6E7E4E")
    assert r.ok and r.id == r.body["messageId"]
    (req,) = api_requests(emu)
    assert req["operation"] == "send_message" and req["path"].endswith("/send-text")
    assert req["body"] == {"phone": "5511999999999", "message": "*Hello*", "delayTyping": 2,
                           "messageId": "3EB0C767D71D5C6E7E4E"}
    with pytest.raises(sendevent.ValidationError, match="delayMessage"):
        zapi.send_message(phone="5511999999999", message="hi", delayMessage=20)
    assert len(api_requests(emu)) == 1


# ---- fail early: a client missing its required options is refused when it is made ----------

@pytest.mark.parametrize("provider,options,named", [
    ("sinch", {}, "project_id"),
    ("sinch", {"project_id": "p1", "base_url": "http://127.0.0.1:9"}, "key_id"),
    ("zapi", {}, "instance_id"),
    ("zapi", {"instance_id": "i1"}, "token"),
    ("connect", {}, "region"),
    ("connect", {"region": "eu-west-1", "fips": True}, "fips"),
])
def test_client_missing_or_contradictory_options_refused_when_made(provider, options, named):
    for cls in (sendevent.Client, sendevent.AsyncClient):
        with pytest.raises(ValueError, match=named) as info:
            cls(provider, **options)
        assert isinstance(info.value, sendevent.ValidationError)


def test_client_with_its_required_options_is_made():
    sendevent.Client("zapi", instance_id="i1", token="t1").close()
    sendevent.Client("connect", region="us-east-1").close()
    sendevent.Client("sinch", project_id="p1", region="eu", key_id="k", key_secret="s").close()
    sendevent.Client("sinch", project_id="p1", region="eu", access_token="tok").close()


def test_option_typo_raises_naming_the_key():
    with sendevent.Client("zapi", instance_id="i1", token="t1") as c:
        with pytest.raises(ValueError, match="timeuot"):
            c.option("timeuot")
        assert c.option("timeout") is not None
