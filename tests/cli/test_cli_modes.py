"""--dry-run, --validate, --verbose, --output defaults and the progress line (terminal only)."""

import json
import os
import pty
import select
import subprocess

import pytest

from cli_helpers import ALL_OPERATIONS, assert_no_secret, clean_env, request, request_json

# ---- --dry-run -----------------------------------------------------------------------------


@pytest.mark.parametrize("provider,operation", ALL_OPERATIONS)
def test_dry_run_sends_nothing_and_redacts(run_cli, emu, creds, secrets, provider, operation):
    body = request(emu, provider, operation)
    r = run_cli(provider, operation, json.dumps(body), *creds[provider], "--dry-run")
    assert r.rc == 0, r
    res = r.json
    assert res["ok"] is True and res["method"] == "POST"
    assert res["provider"] == provider and res["operation"] == operation
    assert res["headers"]["Host"] == emu.url.split("://")[1]
    for key in ("ConnectionToken", "ParticipantToken"):
        body.pop(key, None)
    if provider != "connect":
        assert res["body"] == body
    assert_no_secret(r.out + r.err, secrets)
    assert "[REDACTED]" in r.out
    assert emu.requests(all=True) == []


def test_dry_run_text_is_the_http_request(run_cli, emu, creds, secrets):
    r = run_cli("sinch", "send_event", request_json(emu, "sinch", "send_event"),
                *creds["sinch"], "--set", "auth=basic", "--dry-run", "--output", "text")
    assert r.rc == 0, r
    head, _, body = r.out.partition("\n\n")  # (CRLF on the wire; run_cli reads text)
    lines = head.split("\n")
    assert lines[0] == "POST /v1/projects/demo-project/events:send HTTP/1.1"
    assert "Authorization: Basic [REDACTED]" in lines
    assert "Content-Type: application/json" in lines
    assert json.loads(body)["app_id"] == "demo-app"
    assert_no_secret(r.out + r.err, secrets)
    assert emu.requests(all=True) == []


def test_dry_run_connect_token_from_option_is_redacted(run_cli, emu, secrets):
    r = run_cli("connect", "send_event",
                '{"ContentType":"application/vnd.amazonaws.connect.event.typing"}',
                "--set", "base_url=" + emu.url, "--dry-run",
                env={"SENDEVENT_CONNECT_CONNECTION_TOKEN": emu.connect_connection_token})
    assert r.rc == 0, r
    assert r.json["headers"]["X-Amz-Bearer"] == "[REDACTED]"
    assert "ConnectionToken" not in r.json["body"]
    assert_no_secret(r.out + r.err, secrets)


def test_dry_run_of_invalid_request(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", '{"phone":"5511999999999"}', *creds["zapi"], "--dry-run")
    assert r.rc == 2, r
    assert r.json["ok"] is False and "event" in r.json["message"]
    assert "invalid request" in r.err
    assert emu.requests(all=True) == []


def test_dry_run_wins_over_validate(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--dry-run", "--validate")
    assert r.rc == 0 and r.json["method"] == "POST", r


# ---- --validate ----------------------------------------------------------------------------

@pytest.mark.parametrize("provider,operation", ALL_OPERATIONS)
def test_validate_valid(run_cli, emu, creds, provider, operation):
    r = run_cli(provider, operation, request_json(emu, provider, operation), *creds[provider],
                "--validate")
    assert r.rc == 0, r
    assert r.json == {"provider": provider, "operation": operation, "ok": True, "status": "ok",
                      "message": None}
    assert emu.requests(all=True) == []


def test_validate_invalid(run_cli, emu, creds):
    body = request(emu, "sinch", "send_event")
    body["event"] = {"composing_event": {}, "composing_end_event": {}}
    r = run_cli("sinch", "send_event", json.dumps(body), *creds["sinch"], "--validate",
                "--output", "text")
    assert r.rc == 2, r
    assert r.out == ""
    assert "event" in r.err and "invalid request" in r.err
    assert emu.requests(all=True) == []


def test_validate_text(run_cli, emu, creds):
    r = run_cli("zapi", "respond_event", request_json(emu, "zapi", "respond_event"),
                *creds["zapi"], "--validate", "--output", "text")
    assert r.rc == 0 and r.out == "zapi respond_event: valid\n", r


def test_validate_checks_client_options_too(run_cli, emu):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), "--validate")
    assert r.rc == 2, r
    assert "instance_id" in r.err
    assert emu.requests(all=True) == []


# ---- --verbose -----------------------------------------------------------------------------

def test_verbose_logs_attempts_without_secrets(run_cli, emu, creds, secrets):
    emu.fault(provider="zapi", status=429, retry_after="0", count=1)
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "-v", "--set", "retry_base_delay=0")
    assert r.rc == 0, r
    assert "-> 429" in r.err and "-> 200" in r.err and "retrying" in r.err
    assert "/instances/[REDACTED]/token/[REDACTED]/send-event" in r.err
    assert_no_secret(r.out + r.err, secrets)
    quiet = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"),
                    *creds["zapi"])
    assert quiet.err == ""


def test_verbose_sinch_token_fetch(run_cli, emu, creds, secrets):
    r = run_cli("sinch", "send_event", request_json(emu, "sinch", "send_event"),
                *creds["sinch"], "--verbose")
    assert r.rc == 0, r
    assert_no_secret(r.out + r.err, secrets)


# ---- terminals: default output and the progress line ---------------------------------------

def run_on_pty(args, stdin_text="", pty_for=("stderr",), env=None, timeout=60):
    """Runs the command with a pseudo-terminal as stdout and/or stderr. Returns
    (rc, stdout_text, stderr_text); the terminal's bytes are returned raw (CR included)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        args, stdin=subprocess.PIPE,
        stdout=slave if "stdout" in pty_for else subprocess.PIPE,
        stderr=slave if "stderr" in pty_for else subprocess.PIPE,
        env=clean_env(env))
    os.close(slave)
    proc.stdin.write(stdin_text.encode())
    proc.stdin.close()
    tty_bytes = b""
    pipe = proc.stdout if "stdout" not in pty_for else proc.stderr
    pipe_bytes = b""
    while True:
        ready, _, _ = select.select([master, pipe], [], [], timeout)
        if not ready:
            proc.kill()
            raise AssertionError("timed out")
        if master in ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                chunk = b""
            if not chunk:
                break
            tty_bytes += chunk
        if pipe in ready:
            pipe_bytes += pipe.read1(65536) if hasattr(pipe, "read1") else os.read(
                pipe.fileno(), 65536)
    pipe_bytes += pipe.read()
    rc = proc.wait(timeout=timeout)
    os.close(master)
    tty = tty_bytes.decode(errors="replace").replace("\r\n", "\n")
    piped = pipe_bytes.decode(errors="replace")
    return (rc, tty, piped) if "stdout" in pty_for else (rc, piped, tty)


def test_progress_line_on_a_terminal(cli_path, emu, creds, secrets):
    lines = "".join(request_json(emu, "zapi", "send_event") + "\n" for _ in range(200))
    rc, out, err = run_on_pty([cli_path, "zapi", "send_event", "--batch", "-",
                               "--concurrency", "8", *creds["zapi"]], lines)
    assert rc == 0, err
    # stdout is a pipe: JSON lines, all 200 in order
    results = [json.loads(x) for x in out.splitlines()]
    assert [x["index"] for x in results] == list(range(200))
    # stderr is a terminal: a progress line redrawn with \r, then the summary
    assert "\r" in err
    assert "sendevent: 200/200 (100%)" in err
    assert "0 failed" in err and "/s" in err and "ETA" in err
    assert "sendevent: 200 requests in" in err and "200 sent, 0 failed" in err
    assert_no_secret(out + err, secrets)


def test_progress_counts_failures(cli_path, emu, creds):
    lines = "".join(request_json(emu, "zapi", "send_event") + "\n" for _ in range(10)) + "{}\n"
    rc, out, err = run_on_pty([cli_path, "zapi", "send_event", "--batch", "-",
                               *creds["zapi"]], lines)
    assert rc == 1
    assert "11/11 (100%)" in err and "1 failed" in err
    assert "10 sent, 0 failed, 1 invalid" in err


def test_no_progress_line_off_a_terminal(run_cli, emu, creds):
    lines = "".join(request_json(emu, "zapi", "send_event") + "\n" for _ in range(50))
    r = run_cli("zapi", "send_event", "--batch", "-", *creds["zapi"], input=lines)
    assert r.rc == 0 and r.err == "", r


def test_no_progress_flag(cli_path, emu, creds):
    lines = "".join(request_json(emu, "zapi", "send_event") + "\n" for _ in range(20))
    rc, out, err = run_on_pty([cli_path, "zapi", "send_event", "--batch", "-",
                               "--no-progress", *creds["zapi"]], lines)
    assert rc == 0 and err == "", err
    assert len(out.splitlines()) == 20


def test_text_is_the_default_on_a_terminal(cli_path, emu, creds):
    rc, out, err = run_on_pty([cli_path, "zapi", "send_event", "-", *creds["zapi"]],
                              request_json(emu, "zapi", "send_event"), pty_for=("stdout",))
    assert rc == 0, err
    assert out.startswith("zapi send_event accepted: id=")
    rc, out, err = run_on_pty([cli_path, "zapi", "send_event", "-", "--output", "json",
                               *creds["zapi"]],
                              request_json(emu, "zapi", "send_event"), pty_for=("stdout",))
    assert rc == 0 and json.loads(out)["ok"] is True


def test_batch_on_a_terminal_for_both(cli_path, emu, creds):
    """stdout and stderr on the same terminal: results are text, the progress line does not
    tear through them, the summary comes last."""
    master, slave = pty.openpty()
    lines = "".join(request_json(emu, "zapi", "send_event") + "\n" for _ in range(100))
    proc = subprocess.Popen([cli_path, "zapi", "send_event", "--batch", "-", *creds["zapi"]],
                            stdin=subprocess.PIPE, stdout=slave, stderr=slave,
                            env=clean_env())
    os.close(slave)
    proc.stdin.write(lines.encode())
    proc.stdin.close()
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    assert proc.wait(timeout=60) == 0
    os.close(master)
    # what a terminal shows: each \r returns to the start of the line
    shown = []
    for raw in data.decode().replace("\r\n", "\n").split("\n"):
        shown.append(raw.split("\r")[-1].rstrip())
    results = [x for x in shown if x.startswith("[")]
    assert len(results) == 100
    assert all(x.startswith("[%d] accepted: id=" % i) for i, x in enumerate(results))
    tail = [x for x in shown if x]
    assert tail[-2].startswith("sendevent: 100/100 (100%)")
    assert tail[-1].startswith("sendevent: 100 requests in")
