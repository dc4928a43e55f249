"""`sendevent PROVIDER OPERATION REQUEST`: every provider and operation against the emulator,
each input form, the result fields and the exit statuses."""

import json

import pytest

from cli_helpers import (ALL_OPERATIONS, ID_FIELD, assert_no_secret, request,
                         request_json)

RESULT_FIELDS = {"provider", "operation", "ok", "status", "id", "accepted_time", "http_status",
                 "attempts", "elapsed", "provider_code", "message", "request_id", "warnings",
                 "body", "sent", "client_token"}


@pytest.mark.parametrize("provider,operation", ALL_OPERATIONS)
def test_every_provider_and_operation(run_cli, emu, creds, secrets, provider, operation):
    body = request(emu, provider, operation)
    r = run_cli(provider, operation, json.dumps(body), *creds[provider])
    assert r.rc == 0, r
    res = r.json
    assert set(res) == RESULT_FIELDS
    assert res["ok"] is True and res["status"] == "ok"
    assert res["provider"] == provider and res["operation"] == operation
    assert res["http_status"] == 200 and res["attempts"] == 1
    assert res["provider_code"] is None and res["message"] is None
    assert isinstance(res["elapsed"], float) and 0 <= res["elapsed"] < 10
    if operation == "create_connection":
        assert res["id"] is None
        assert res["body"]["ConnectionCredentials"]["ConnectionToken"]
    elif operation == "disconnect":
        assert res["id"] is None and res["body"] == {}
    else:
        field = ID_FIELD.get((provider, operation)) or ID_FIELD[provider]
        assert res["id"] and res["id"] == res["body"][field]
    if provider == "sinch" or (provider == "connect" and operation in ("send_event",
                                                                       "send_message")):
        assert res["accepted_time"] and res["accepted_time"].startswith("20")
    if provider == "connect":
        assert res["request_id"]
    recs = [q for q in emu.requests() if q["operation"] != "oauth_token"]
    assert len(recs) == 1
    assert recs[0]["provider"] == provider and recs[0]["operation"] == operation
    for key in ("ConnectionToken", "ParticipantToken"):  # they travel as X-Amz-Bearer
        body.pop(key, None)
    assert recs[0]["body"] == body or (provider == "connect" and
                                       {k: v for k, v in recs[0]["body"].items()
                                        if k != "ClientToken"} == body)
    assert r.err == ""
    assert_no_secret(r.out.replace(res["body"].get("ConnectionCredentials", {}).get(
        "ConnectionToken", "-"), ""), secrets)


def test_text_output(run_cli, emu, creds):
    r = run_cli("sinch", "send_message", request_json(emu, "sinch", "send_message"),
                *creds["sinch"], "--output", "text")
    assert r.rc == 0, r
    line = r.out.strip()
    assert line.startswith("sinch send_message accepted: id=")
    assert "accepted_time=20" in line and "attempts=1" in line and "http=200" in line


def test_create_connection_text_shows_the_answer(run_cli, emu, creds):
    r = run_cli("connect", "create_connection", request_json(emu, "connect", "create_connection"),
                *creds["connect"], "--output=text")
    assert r.rc == 0, r
    first, answer = r.out.strip().splitlines()
    assert first.startswith("connect create_connection accepted:")
    assert "ConnectionToken" in json.loads(answer)["ConnectionCredentials"]


# ---- input forms ---------------------------------------------------------------------------

def test_request_from_file(run_cli, emu, creds, tmp_path):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(request(emu, "zapi", "send_event"), indent=2) + "\n")
    r = run_cli("zapi", "send_event", "@" + str(path), *creds["zapi"])
    assert r.rc == 0, r
    assert r.json["ok"] and len(emu.requests()) == 1


def test_request_from_relative_file(run_cli, emu, creds, tmp_path):
    (tmp_path / "event.json").write_text(request_json(emu, "zapi", "send_event"))
    r = run_cli("zapi", "send_event", "@event.json", *creds["zapi"], cwd=tmp_path)
    assert r.rc == 0, r


def test_request_from_stdin(run_cli, emu, creds):
    r = run_cli("connect", "send_message", "-", *creds["connect"],
                input=request_json(emu, "connect", "send_message"))
    assert r.rc == 0, r
    rec = emu.requests()
    assert len(rec) == 1 and rec[0]["body"]["Content"] == "Hello from the command line"


def test_missing_request_file_is_a_usage_error(run_cli, emu, creds, tmp_path):
    r = run_cli("zapi", "send_event", "@" + str(tmp_path / "nope.json"), *creds["zapi"])
    assert r.rc == 2
    assert "nope.json" in r.err and "No such file" in r.err
    assert emu.requests(all=True) == []


def test_options_after_and_before_positionals(run_cli, emu, creds):
    r = run_cli(*creds["zapi"], "zapi", "--output", "json", "send_event",
                request_json(emu, "zapi", "send_event"))
    assert r.rc == 0, r


def test_double_dash_ends_options(run_cli, emu, creds):
    r = run_cli(*creds["connect"], "--", "connect", "send_event",
                request_json(emu, "connect", "send_event"))
    assert r.rc == 0, r


# ---- exit statuses -------------------------------------------------------------------------

def test_validation_error_exits_2_and_sends_nothing(run_cli, emu, creds, secrets):
    body = request(emu, "sinch", "send_message")
    body["message"] = {"choice_message": {"choices": [
        {"text_message": {"text": str(i)}} for i in range(11)]}}
    r = run_cli("sinch", "send_message", json.dumps(body), *creds["sinch"])
    assert r.rc == 2, r
    assert "choices" in r.err and "10" in r.err and "nothing sent" in r.err
    res = r.json
    assert res["ok"] is False and res["status"] == "invalid" and res["attempts"] == 0
    assert "choices" in res["message"]
    assert emu.requests(all=True) == []
    assert_no_secret(r.out + r.err, secrets)


def test_malformed_json_exits_2(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", "{not json", *creds["zapi"], "--output", "text")
    assert r.rc == 2, r
    assert r.out == ""
    assert "invalid request" in r.err and "JSON" in r.err
    assert emu.requests(all=True) == []


def test_provider_error_exits_1_with_code_and_message(run_cli, emu, creds):
    emu.fault(provider="sinch", operation="send_event", status=400, body={"error": {
        "code": 400, "message": "Invalid app_id", "status": "INVALID_ARGUMENT"}})
    r = run_cli("sinch", "send_event", request_json(emu, "sinch", "send_event"), *creds["sinch"])
    assert r.rc == 1, r
    res = r.json
    assert res["ok"] is False and res["status"] == "rejected"
    assert res["http_status"] == 400 and res["provider_code"] == "INVALID_ARGUMENT"
    assert res["message"] == "Invalid app_id" and res["body"] is None
    assert "sinch send_event failed: rejected (HTTP 400, code INVALID_ARGUMENT" in r.err
    assert "Invalid app_id" in r.err


def test_connect_error_in_text_mode(run_cli, emu, creds, secrets):
    body = request(emu, "connect", "send_event", ConnectionToken="not-the-token")
    r = run_cli("connect", "send_event", json.dumps(body), *creds["connect"], "--output", "text")
    assert r.rc == 1, r
    assert r.out == ""
    assert "forbidden (HTTP 403, code AccessDeniedException" in r.err
    assert "request_id" in r.err
    assert_no_secret(r.err, secrets)


def test_zapi_value_false_is_a_failure(run_cli, emu, creds):
    emu.fault(provider="zapi", action="value_false")
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"])
    assert r.rc == 1, r
    assert r.json["status"] == "rejected" and r.json["http_status"] == 200


def test_wrong_zapi_credentials_never_print_them(run_cli, emu, secrets):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"),
                "--set", "base_url=" + emu.url, "--set", "instance_id=wrong-instance-42",
                "--set", "token=wrong-token-42", "--set", "client_token=wrong-ct-42")
    assert r.rc == 1, r
    assert r.json["http_status"] == 404
    for s in ("wrong-instance-42", "wrong-token-42", "wrong-ct-42"):
        assert s not in r.out + r.err
    assert_no_secret(r.out + r.err, secrets)


def test_network_error_exits_1(run_cli, emu):
    r = run_cli("connect", "send_event", request_json(emu, "connect", "send_event"),
                "--set", "base_url=http://127.0.0.1:1", "--set", "max_attempts=1")
    assert r.rc == 1, r
    assert r.json["status"] == "network" and r.json["http_status"] == 0


def test_retries_are_counted(run_cli, emu, creds):
    emu.fault(provider="connect", status=500, count=1)
    r = run_cli("connect", "send_event", request_json(emu, "connect", "send_event"),
                *creds["connect"], "--set", "retry_base_delay=0")
    assert r.rc == 0, r
    assert r.json["attempts"] == 2


def test_warnings_are_reported(run_cli, emu, creds):
    body = request(emu, "connect", "send_event",
                   ContentType="application/vnd.amazonaws.connect.event.connection.acknowledged")
    r = run_cli("connect", "send_event", json.dumps(body), *creds["connect"])
    assert r.rc == 0, r
    assert r.json["warnings"], r
    assert "warning:" in r.err
