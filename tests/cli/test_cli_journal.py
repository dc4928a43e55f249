"""--journal FILE (issue 16, item 3): every --batch result recorded as it is known; running the
same command again resumes: accepted lines are skipped, maybe-sent ones listed and skipped
unless --resend-maybe, Connect lines carry a ClientToken derived from the journal so a re-send
is deduplicated; a changed input is refused; a torn last journal line is ignored."""

import json
import os
import signal
import subprocess
import time

import pytest

from cli_helpers import clean_env, request

N = 120


def line_body(emu, provider, i):
    if provider == "zapi":
        return request(emu, "zapi", "send_message", message="line %d" % i)
    if provider == "sinch":
        body = request(emu, "sinch", "send_message")
        body["message"] = {"text_message": {"text": "line %d" % i}}
        return body
    return request(emu, "connect", "send_message", Content="line %d" % i)


def text_of(record):
    body = record["body"]
    if record["provider"] == "zapi":
        return body["message"]
    if record["provider"] == "sinch":
        return body["message"]["text_message"]["text"]
    return body["Content"]


def write_input(emu, provider, path, n=N):
    path.write_text("".join(json.dumps(line_body(emu, provider, i)) + "\n" for i in range(n)))
    return path


def command(cli_path, creds, provider, batch, journal, *extra):
    return [cli_path, provider, "send_message", "--batch", str(batch), "--journal", str(journal),
            "--concurrency", "4", "--no-progress", *creds[provider], *map(str, extra)]


def run(argv, timeout=60):
    p = subprocess.run(argv, capture_output=True, text=True, env=clean_env(), timeout=timeout)
    return p.returncode, [json.loads(x) for x in p.stdout.splitlines() if x.strip()], p.stderr


def records(journal):
    """The journal's whole records after its header, as {line: outcome} (last one wins)."""
    text = journal.read_text()
    lines = text.split("\n")[:-1]  # a torn last line (no newline) is left out
    header = json.loads(lines[0])
    assert header["sendevent_journal"] == 1 and len(header["id"]) == 32
    out = {}
    for x in lines[1:]:
        r = json.loads(x)
        out[r["line"]] = r["outcome"]
    return out


def kill_midway(argv, journal, at_least):
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=clean_env())
    end = time.monotonic() + 30
    while time.monotonic() < end and len(records_or_empty(journal)) < at_least:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def records_or_empty(journal):
    try:
        return records(journal)
    except (FileNotFoundError, IndexError, ValueError):
        return {}


@pytest.mark.parametrize("provider", ["connect", "sinch", "zapi"])
def test_sigkill_then_resume(cli_path, emu, creds, tmp_path, provider):
    batch = write_input(emu, provider, tmp_path / "in.jsonl")
    journal = tmp_path / "run.journal"
    emu.fault(provider=provider, operation="send_message", latency_ms=50, count=100000)
    kill_midway(command(cli_path, creds, provider, batch, journal), journal, 20)
    time.sleep(0.2)  # requests in flight when the process died reach the emulator
    emu.clear_faults()
    before = records(journal)
    accepted_before = {n for n, o in before.items() if o == "accepted"}
    assert 20 <= len(accepted_before) < N
    seen = len(emu.requests())

    rc, out, err = run(command(cli_path, creds, provider, batch, journal))
    assert rc == 0, err
    assert "%d lines accepted by an earlier run skipped" % len(accepted_before) in err
    assert len(out) == N - len(accepted_before)
    assert all(r["ok"] for r in out) and not {r["line"] for r in out} & accepted_before
    after = records(journal)
    assert set(after) == set(range(1, N + 1)) and set(after.values()) == {"accepted"}

    texts = [text_of(r) for r in emu.requests() if r["operation"] == "send_message"]
    if provider == "connect":  # exactly once at the provider, in flight ones included
        assert sorted(texts) == sorted("line %d" % i for i in range(N))
        tokens = [r["body"]["ClientToken"] for r in emu.requests()]
        assert len(set(tokens)) == N and all(len(t) == 36 and t.count("-") == 4
                                             for t in tokens)
    else:  # no line that the journal says was accepted is sent again
        resent = texts[seen:]
        assert not {"line %d" % (n - 1) for n in accepted_before} & set(resent)
        assert set(texts) == {"line %d" % i for i in range(N)}


def test_connect_client_token_is_deterministic_and_kept(cli_path, emu, creds, tmp_path):
    batch = tmp_path / "in.jsonl"
    own = request(emu, "connect", "send_message", Content="own", ClientToken="my-token")
    batch.write_text(json.dumps(line_body(emu, "connect", 0)) + "\n" + json.dumps(own) + "\n")
    journal = tmp_path / "j"
    rc, out, err = run(command(cli_path, creds, "connect", batch, journal))
    assert rc == 0, err
    # by content, not arrival order: the two lines are in flight at once
    tokens = {text_of(r): r["body"]["ClientToken"] for r in emu.requests()}
    assert len(tokens) == 2 and tokens["own"] == "my-token"
    derived = [t for text, t in tokens.items() if text != "own"]
    assert derived[0] != "my-token" and len(derived[0]) == 36
    # the same journal and line give the same token: a re-send is a replay
    text = journal.read_text().split("\n")
    journal.write_text(text[0] + "\n")  # forget the outcomes, keep the id
    rc, out, err = run(command(cli_path, creds, "connect", batch, journal))
    assert rc == 0, err
    assert len(emu.requests()) == 2
    assert sum(1 for r in emu.requests(all=True) if r.get("replayed")) == 2


def test_maybe_lines_are_listed_and_skipped(cli_path, emu, creds, tmp_path):
    batch = write_input(emu, "zapi", tmp_path / "in.jsonl", 40)
    journal = tmp_path / "j"
    emu.fault(provider="zapi", operation="send_message", latency_ms=3000, count=100000)
    proc = subprocess.Popen(command(cli_path, creds, "zapi", batch, journal, "--grace", "0"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env())
    end = time.monotonic() + 10
    while time.monotonic() < end and len(emu.requests(all=True)) < 4:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    emu.clear_faults()
    maybe = sorted(n for n, o in records(journal).items() if o == "maybe")
    assert maybe, records(journal)
    time.sleep(3.2)  # the requests cut off reach the emulator's log
    seen = len(emu.requests())

    rc, out, err = run(command(cli_path, creds, "zapi", batch, journal))
    assert rc == 1, err
    for n in maybe:
        assert "line %d: maybe sent by an earlier run" % n in err
    assert "%d maybe sent by an earlier run skipped" % len(maybe) in err
    assert not {r["line"] for r in out} & set(maybe)
    resent = {text_of(r) for r in emu.requests()[seen:]}
    assert not {"line %d" % (n - 1) for n in maybe} & resent

    rc, out, err = run(command(cli_path, creds, "zapi", batch, journal, "--resend-maybe"))
    assert rc == 0, err
    assert sorted(r["line"] for r in out) == maybe


def test_changed_input_is_refused(cli_path, emu, creds, tmp_path):
    batch = write_input(emu, "zapi", tmp_path / "in.jsonl", 5)
    journal = tmp_path / "j"
    assert run(command(cli_path, creds, "zapi", batch, journal))[0] == 0
    lines = batch.read_text().splitlines()
    lines[2] = json.dumps(line_body(emu, "zapi", 99))
    batch.write_text("\n".join(lines) + "\n")
    emu.reset()
    rc, out, err = run(command(cli_path, creds, "zapi", batch, journal))
    assert rc == 2 and out == []
    assert "line 3 is not the line the journal" in err and "input changed" in err
    assert emu.requests() == []
    batch.write_text("\n".join(lines[:2]) + "\n")  # shorter than what was recorded
    rc, out, err = run(command(cli_path, creds, "zapi", batch, journal))
    assert rc == 2 and "input changed" in err and emu.requests() == []


def test_changed_input_on_a_pipe_stops(cli_path, emu, creds, tmp_path):
    batch = write_input(emu, "zapi", tmp_path / "in.jsonl", 3)
    journal = tmp_path / "j"
    assert run(command(cli_path, creds, "zapi", batch, journal))[0] == 0
    emu.reset()
    argv = command(cli_path, creds, "zapi", "-", journal)
    p = subprocess.run(argv, input=json.dumps(line_body(emu, "zapi", 7)) + "\n", text=True,
                       capture_output=True, env=clean_env(), timeout=30)
    assert p.returncode == 1 and "input changed" in p.stderr
    assert emu.requests() == []


def test_torn_last_line_is_ignored(cli_path, emu, creds, tmp_path):
    batch = write_input(emu, "zapi", tmp_path / "in.jsonl", 3)
    journal = tmp_path / "j"
    assert run(command(cli_path, creds, "zapi", batch, journal))[0] == 0
    text = journal.read_text()
    last = text.rstrip("\n").rsplit("\n", 1)[1]
    torn_line = json.loads(last)["line"]
    journal.write_text(text[:len(text) - len(last) // 2 - 1])  # cut mid-record, as SIGKILL could
    emu.reset()
    rc, out, err = run(command(cli_path, creds, "zapi", batch, journal))
    assert rc == 0, err
    assert [r["line"] for r in out] == [torn_line]
    assert len(emu.requests()) == 1
    assert set(records(journal)) == {1, 2, 3} and journal.read_text().endswith("\n")


def test_journal_of_another_operation_is_refused(cli_path, emu, creds, tmp_path):
    batch = write_input(emu, "zapi", tmp_path / "in.jsonl", 1)
    journal = tmp_path / "j"
    assert run(command(cli_path, creds, "zapi", batch, journal))[0] == 0
    argv = command(cli_path, creds, "zapi", batch, journal)
    argv[2] = "send_event"
    rc, out, err = run(argv)
    assert rc == 2 and "not of `zapi send_event`" in err


def test_journal_is_private_and_usage_errors(cli_path, emu, creds, tmp_path, run_cli):
    batch = write_input(emu, "zapi", tmp_path / "in.jsonl", 1)
    journal = tmp_path / "j"
    assert run(command(cli_path, creds, "zapi", batch, journal))[0] == 0
    assert os.stat(journal).st_mode & 0o077 == 0
    r = run_cli("zapi", "send_message", "{}", "--journal", journal)
    assert r.rc == 2 and "--journal is for sending a --batch" in r.err
    r = run_cli("zapi", "send_message", "--batch", batch, "--resend-maybe")
    assert r.rc == 2 and "--resend-maybe goes with --journal" in r.err
