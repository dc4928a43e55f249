"""Delivery states in the command's results ("sent": no / maybe / yes), Connect's client_token,
and --deadline, against the emulator."""

import json
import time

import pytest

from cli_helpers import ALL_OPERATIONS, request, request_json

TOKEN_OPS = {("connect", "send_event"), ("connect", "send_message"), ("connect", "disconnect")}


@pytest.mark.parametrize("provider,operation", ALL_OPERATIONS)
def test_success_is_sent_yes(run_cli, emu, creds, provider, operation):
    r = run_cli(provider, operation, request_json(emu, provider, operation), *creds[provider])
    assert r.rc == 0, r
    res = r.json
    assert res["sent"] == "yes"
    recs = [q for q in emu.requests() if q["operation"] != "oauth_token"]
    if (provider, operation) in TOKEN_OPS:
        assert res["client_token"] and res["client_token"] == recs[0]["body"]["ClientToken"]
    else:
        assert res["client_token"] is None


def test_invalid_is_sent_no(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", json.dumps({"phone": "bad/phone"}), *creds["zapi"])
    assert r.rc == 2
    assert r.json["sent"] == "no" and r.json["status"] == "invalid"
    assert emu.requests(all=True) == []


def test_connection_refused_is_sent_no(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--set", "base_url=http://127.0.0.1:1", "--set", "max_attempts=1")
    assert r.rc == 1
    assert r.json["status"] == "network" and r.json["sent"] == "no" and r.json["attempts"] == 0
    assert "sent no" in r.err


def test_server_error_is_sent_yes(run_cli, emu, creds):
    emu.fault(provider="zapi", status=500)
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--output", "text")
    assert r.rc == 1
    assert "failed: server (HTTP 500, code" in r.err and ", sent yes)" in r.err


def test_deadline_on_a_hung_server_is_sent_maybe(run_cli, emu, creds):
    emu.fault(provider="connect", action="hang")
    t0 = time.monotonic()
    r = run_cli("connect", "send_event", request_json(emu, "connect", "send_event"),
                *creds["connect"], "--deadline", "0.3", timeout=20)
    assert time.monotonic() - t0 < 5
    assert r.rc == 1, r
    res = r.json
    assert res["status"] == "timeout" and res["sent"] == "maybe"
    # the token it carried, to send it again without a duplicate
    recorded = emu.requests(all=True)
    assert res["client_token"] == recorded[0]["body"]["ClientToken"]
    assert "sent maybe" in r.err and "[client_token %s]" % res["client_token"] in r.err


def test_deadline_flag_beats_set(run_cli, emu, creds):
    emu.fault(provider="zapi", action="hang")
    t0 = time.monotonic()
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--set", "deadline=30", "--deadline=0.3", timeout=20)
    assert time.monotonic() - t0 < 5 and r.json["status"] == "timeout"


@pytest.mark.parametrize("bad", ["abc", "-1", ""])
def test_bad_deadline_is_a_usage_error(run_cli, emu, creds, bad):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--deadline", bad)
    assert r.rc == 2, r
    assert "--deadline" in r.err and r.out == ""
    assert emu.requests(all=True) == []


def test_deadline_from_the_environment(run_cli, emu, creds):
    emu.fault(provider="zapi", action="hang")
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                env={"SENDEVENT_ZAPI_DEADLINE": "0.3"}, timeout=20)
    assert r.json["status"] == "timeout" and r.json["sent"] == "maybe"


def test_batch_lines_carry_sent(run_cli, emu, creds):
    emu.fault(provider="connect", action="hang")
    lines = [request_json(emu, "connect", "send_event") for _ in range(3)]
    lines.append(json.dumps(request(emu, "connect", "send_event", ContentType=7)))  # invalid
    r = run_cli("connect", "send_event", "--batch", "-", *creds["connect"], "--deadline", "0.4",
                input="\n".join(lines) + "\n", timeout=20)
    assert r.rc == 1, r
    res = r.lines
    assert [x["index"] for x in res] == [0, 1, 2, 3]
    assert sorted((x["status"], x["sent"]) for x in res) == [
        ("invalid", "no"), ("ok", "yes"), ("ok", "yes"), ("timeout", "maybe")]
    sent_tokens = {q["body"]["ClientToken"] for q in emu.requests(all=True)}
    assert {x["client_token"] for x in res if x["status"] != "invalid"} == sent_tokens
    assert len(sent_tokens) == 3


def test_text_lines_carry_sent(run_cli, emu, creds):
    emu.fault(provider="zapi", action="hang")
    lines = [request_json(emu, "zapi", "send_event") for _ in range(2)]
    r = run_cli("zapi", "send_event", "--batch", "-", *creds["zapi"], "--deadline", "0.4",
                "--output", "text", input="\n".join(lines) + "\n", timeout=20)
    out = sorted(r.out.splitlines())
    assert len(out) == 2
    assert out[0].startswith("[0] ") and out[1].startswith("[1] ")
    assert any(" sent=yes " in x for x in out)
    assert any("failed: timeout (HTTP 0, code -, attempts 1, sent maybe)" in x for x in out)
    single = run_cli("zapi", "send_event", lines[0], *creds["zapi"], "--output", "text")
    assert " http=200 sent=yes elapsed=" in single.out


def test_help_lists_deadline(run_cli):
    r = run_cli("--help")
    assert "--deadline SECONDS" in r.out and "connection_max_idle" in r.out
