"""--batch: one JSON request per line in, one result per line out, in input order."""

import json
import time

import pytest

from cli_helpers import assert_no_secret, request, request_json

BATCH_FIELDS = {"index", "line", "provider", "operation", "ok", "status", "id", "accepted_time",
                "http_status", "attempts", "elapsed", "provider_code", "message", "request_id",
                "warnings", "body", "sent", "client_token"}


def zapi_lines(emu, n):
    return [json.dumps(request(emu, "zapi", "send_event",
                               event={"name": "event %d" % i, "dateTime": "2024-04-29T09:30:00Z"}))
            for i in range(n)]


@pytest.mark.parametrize("provider,operation", [("sinch", "send_message"),
                                                ("zapi", "send_event"),
                                                ("connect", "send_message")])
def test_batch_from_file(run_cli, emu, creds, tmp_path, provider, operation):
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(request_json(emu, provider, operation) + "\n" for _ in range(25)))
    r = run_cli(provider, operation, "--batch", str(path), *creds[provider])
    assert r.rc == 0, r
    lines = r.lines
    assert [x["index"] for x in lines] == list(range(25))
    assert [x["line"] for x in lines] == list(range(1, 26))
    assert all(set(x) == BATCH_FIELDS and x["ok"] and x["id"] for x in lines)
    assert len({x["id"] for x in lines}) == 25
    assert len([q for q in emu.requests() if q["operation"] == operation]) == 25
    assert r.err == ""  # not a terminal: no progress line


def test_batch_from_stdin(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", "--batch", "-", *creds["zapi"],
                input="\n".join(zapi_lines(emu, 10)) + "\n")
    assert r.rc == 0, r
    assert len(r.lines) == 10
    names = sorted(q["body"]["event"]["name"] for q in emu.requests())
    assert names == sorted("event %d" % i for i in range(10))


def test_results_stay_in_input_order(run_cli, emu, creds):
    """A slow first request and failing lines in the middle: results still come in input
    order, each at its own index and line."""
    emu.fault(provider="connect", latency_ms=400, count=1)
    bad = {3, 7, 12}
    lines = []
    for i in range(20):
        body = request(emu, "connect", "send_message", Content="message %d" % i)
        if i in bad:
            body["ConnectionToken"] = "wrong-token-%d" % i
        lines.append(json.dumps(body))
    r = run_cli("connect", "send_message", "--batch", "-", "--concurrency", "4",
                *creds["connect"], input="\n".join(lines) + "\n")
    assert r.rc == 1, r
    out = r.lines
    assert [x["index"] for x in out] == list(range(20))
    for x in out:
        if x["index"] in bad:
            assert x["status"] == "forbidden" and x["http_status"] == 403
            assert x["provider_code"] == "AccessDeniedException" and x["message"]
        else:
            assert x["ok"] and x["id"], x
    assert len(emu.requests()) == 17
    # one request was held back 400 ms while later ones completed; the order did not change
    assert any(x["elapsed"] >= 0.35 for x in out)


def test_per_line_errors(run_cli, emu, creds, secrets):
    good = zapi_lines(emu, 3)
    text = "\n".join([
        good[0],
        "{not json",                                   # line 2
        "",                                            # line 3: blank, skipped
        json.dumps(request(emu, "zapi", "send_event", phone="12/34")),  # line 4: invalid id
        good[1],                                       # line 5
        "   ",                                         # line 6: blank
        json.dumps({"phone": "5511999999999"}),        # line 7: event missing
        good[2] + "\r",                                # line 8: CRLF is fine
    ]) + "\n"
    r = run_cli("zapi", "send_event", "--batch", "-", *creds["zapi"], input=text)
    assert r.rc == 1, r
    out = r.lines
    assert [(x["index"], x["line"], x["status"]) for x in out] == [
        (0, 1, "ok"), (1, 2, "invalid"), (2, 4, "invalid"), (3, 5, "ok"), (4, 7, "invalid"),
        (5, 8, "ok")]
    assert "JSON" in out[1]["message"]
    assert "phone" in out[2]["message"]
    assert "event" in out[4]["message"]
    assert all(x["attempts"] == 0 for x in out if not x["ok"])
    assert len(emu.requests()) == 3
    assert_no_secret(r.out + r.err, secrets)


def test_all_lines_invalid_exits_2_and_sends_nothing(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", "--batch", "-", *creds["zapi"], input="{}\n[]\n")
    assert r.rc == 2, r
    assert [x["status"] for x in r.lines] == ["invalid", "invalid"]
    assert emu.requests(all=True) == []


def test_send_failures_in_a_batch(run_cli, emu, creds):
    emu.fault(provider="zapi", status=400, body={"error": "smartphone is not responding"},
              count=2)
    r = run_cli("zapi", "send_event", "--batch", "-", "--concurrency", "1", *creds["zapi"],
                input="\n".join(zapi_lines(emu, 5)) + "\n")
    assert r.rc == 1, r
    out = r.lines
    assert [x["ok"] for x in out] == [False, False, True, True, True]
    assert out[0]["message"] == "smartphone is not responding"
    assert out[0]["status"] == "rejected" and out[0]["http_status"] == 400


def test_empty_batch(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", "--batch", "-", *creds["zapi"], input="\n\n")
    assert r.rc == 0 and r.out == "", r


def test_missing_batch_file(run_cli, emu, creds, tmp_path):
    r = run_cli("zapi", "send_event", "--batch", str(tmp_path / "none.jsonl"), *creds["zapi"])
    assert r.rc == 2 and "none.jsonl" in r.err, r


def test_batch_text_output(run_cli, emu, creds):
    text = "\n".join(zapi_lines(emu, 2) + ["{}"]) + "\n"
    r = run_cli("zapi", "send_event", "--batch", "-", "--output", "text", *creds["zapi"],
                input=text)
    assert r.rc == 1, r
    out = r.out.splitlines()
    assert out[0].startswith("[0] accepted: id=") and out[0].endswith("(line 1)")
    assert out[1].startswith("[1] accepted: id=")
    assert out[2].startswith("[2] failed: invalid") and out[2].endswith("(line 3)")


def test_batch_connect_tokens_from_option(run_cli, emu):
    line = '{"ContentType":"application/vnd.amazonaws.connect.event.typing"}\n'
    r = run_cli("connect", "send_event", "--batch", "-", "--set", "base_url=" + emu.url,
                input=line * 5,
                env={"SENDEVENT_CONNECT_CONNECTION_TOKEN": emu.connect_connection_token})
    assert r.rc == 0, r
    assert len(emu.requests()) == 5


def test_concurrency_bounds_requests_in_flight(run_cli, emu, creds):
    """Every request takes 300 ms: one at a time is slow, eight at a time is not."""
    emu.fault(provider="connect", latency_ms=300, fraction=1.0)
    lines = request_json(emu, "connect", "send_event") + "\n"
    t = time.monotonic()
    r = run_cli("connect", "send_event", "--batch", "-", "--concurrency", "8",
                *creds["connect"], input=lines * 8)
    parallel = time.monotonic() - t
    assert r.rc == 0, r
    t = time.monotonic()
    r = run_cli("connect", "send_event", "--batch", "-", "--concurrency=1",
                *creds["connect"], input=lines * 4)
    serial = time.monotonic() - t
    assert r.rc == 0, r
    assert serial >= 4 * 0.3
    assert parallel < serial * 0.75, (parallel, serial)


def test_batch_validate(run_cli, emu, creds):
    text = "\n".join(zapi_lines(emu, 2) + ['{"phone":"x y"}']) + "\n"
    r = run_cli("zapi", "send_event", "--batch", "-", "--validate", *creds["zapi"], input=text)
    assert r.rc == 2, r
    out = r.lines
    assert [(x["index"], x["ok"]) for x in out] == [(0, True), (1, True), (2, False)]
    assert out[2]["status"] == "invalid" and out[2]["message"]
    assert emu.requests(all=True) == []
    r = run_cli("zapi", "send_event", "--batch", "-", "--validate", "--output", "text",
                *creds["zapi"], input="\n".join(zapi_lines(emu, 2)))
    assert r.rc == 0, r
    assert r.out.splitlines() == ["[0] valid (line 1)", "[1] valid (line 2)"]


def test_batch_dry_run(run_cli, emu, creds, secrets):
    text = "\n".join(zapi_lines(emu, 2) + ["{}"]) + "\n"
    r = run_cli("zapi", "send_event", "--batch", "-", "--dry-run", *creds["zapi"], input=text)
    assert r.rc == 2, r
    out = r.lines
    assert out[0]["method"] == "POST" and out[0]["path"].endswith("/send-event")
    assert out[1]["body"]["event"]["name"] == "event 1"
    assert out[2]["ok"] is False and out[2]["status"] == "invalid"
    assert emu.requests(all=True) == []
    assert_no_secret(r.out + r.err, secrets)
    r = run_cli("zapi", "send_event", "--batch", "-", "--dry-run", "--output", "text",
                *creds["zapi"], input=text)
    assert "### [0] line 1" in r.out and "POST /instances/[REDACTED]/token/[REDACTED]/" in r.out
    assert_no_secret(r.out + r.err, secrets)


def test_large_batch(run_cli, emu, creds):
    lines = zapi_lines(emu, 1500)
    r = run_cli("zapi", "send_event", "--batch", "-", "--concurrency", "32", *creds["zapi"],
                input="\n".join(lines) + "\n")
    assert r.rc == 0, r
    out = r.lines
    assert [x["index"] for x in out] == list(range(1500))
    assert len(emu.requests()) == 1500
