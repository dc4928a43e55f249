"""--journal FILE (issue 16, item 3): every --batch line recorded before it is handed to the
library and again with its result; running the same command again resumes: accepted lines are
skipped, maybe-sent ones (and, for Sinch and Z-API, those in flight when a run was killed) listed
and skipped unless --resend-maybe, Connect lines carry a ClientToken derived from the journal so a
re-send is deduplicated; a changed input is refused; a torn last journal line is ignored."""

import collections
import json
import os
import signal
import subprocess
import time

import pytest

from cli_helpers import clean_env, numbered_message, request, text_of

N = 120


line_body = numbered_message


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


def kill_midway(argv, journal, at_least, stdout):
    """Runs argv with stdout to the file `stdout` and SIGKILLs it once the journal holds at least
    `at_least` accepted lines."""
    with open(stdout, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=clean_env())
    end = time.monotonic() + 30
    while time.monotonic() < end and sum(
            o == "accepted" for o in records_or_empty(journal).values()) < at_least:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL


def tear_last_record(journal):
    """Cuts the journal's last record in the middle, as a SIGKILL during its write would."""
    text = journal.read_text()
    last = text.rstrip("\n").rsplit("\n", 1)[1]
    journal.write_text(text[:len(text) - len(last) // 2 - 1])
    return json.loads(last)


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
    kill_midway(command(cli_path, creds, provider, batch, journal), journal, 20,
                tmp_path / "out.jsonl")
    time.sleep(0.2)  # requests in flight when the process died reach the emulator
    emu.clear_faults()

    # no result line is torn: the output ends with a whole line, and each parses
    text = (tmp_path / "out.jsonl").read_text()
    assert text == "" or text.endswith("\n"), text[-200:]
    killed_out = [json.loads(x) for x in text.splitlines()]
    full = records(journal)
    # each result went to the journal before stdout
    assert {r["line"] for r in killed_out if r["ok"]} <= {
        n for n, o in full.items() if o == "accepted"}
    # as if the SIGKILL had come while the result of a line in flight was being recorded: the
    # next run ignores the torn line; the line's "sending" record stands
    recs = [json.loads(x) for x in journal.read_text().splitlines()[1:]]
    sending = [r for r in recs if r["outcome"] == "sending" and full[r["line"]] == "sending"]
    assert sending, full
    with open(journal, "a") as f:
        f.write(json.dumps(dict(sending[0], outcome="accepted"))[:30])
    before = records(journal)
    assert before == full
    accepted_before = {n for n, o in before.items() if o == "accepted"}
    in_flight = {n for n, o in before.items() if o == "sending"}
    assert 20 <= len(accepted_before) < N and 1 <= len(in_flight) <= 4, before
    assert set(before) == accepted_before | in_flight  # nothing failed here
    first_texts = [text_of(r) for r in emu.requests() if r["operation"] == "send_message"]

    rc, out, err = run(command(cli_path, creds, provider, batch, journal))
    assert "%d lines accepted by an earlier run skipped" % len(accepted_before) in err
    assert all(r["ok"] for r in out) and not {r["line"] for r in out} & accepted_before
    after = records(journal)
    texts = [text_of(r) for r in emu.requests() if r["operation"] == "send_message"]
    assert max(collections.Counter(texts).values()) == 1  # no line accepted twice
    if provider == "connect":  # exactly once at the provider, in flight ones included
        assert rc == 0, err
        assert sorted(r["line"] for r in out) == sorted(set(range(1, N + 1)) - accepted_before)
        assert set(after) == set(range(1, N + 1)) and set(after.values()) == {"accepted"}
        assert sorted(texts) == sorted("line %d" % i for i in range(N))
        tokens = [r["body"]["ClientToken"] for r in emu.requests()]
        assert len(set(tokens)) == N and all(len(t) == 36 and t.count("-") == 4
                                             for t in tokens)
        # the in-flight lines the provider had taken were sent again and answered as replays
        replayed = {text_of(r) for r in emu.requests(all=True) if r.get("replayed")}
        assert replayed == {"line %d" % (n - 1) for n in in_flight} & set(first_texts)
    else:  # in flight when killed: maybe sent, so reported and not sent again
        assert rc == 1, err
        for n in in_flight:
            assert ("line %d: maybe sent by an earlier run (journal: in flight when it ended)"
                    % n) in err
        assert "%d maybe sent by an earlier run skipped" % len(in_flight) in err
        assert sorted(r["line"] for r in out) == sorted(
            set(range(1, N + 1)) - accepted_before - in_flight)
        assert {n for n, o in after.items() if o == "accepted"} == set(range(1, N + 1)) - in_flight
        # every line the provider took before the kill is recorded accepted or in flight
        assert {"line %d" % (n - 1) for n in accepted_before | in_flight} >= set(first_texts)
        assert set(texts) >= {"line %d" % (n - 1) for n in set(range(1, N + 1)) - in_flight}


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
    full = journal.read_text()
    # the last record is a result; the line's "sending" record stands: maybe sent
    torn = tear_last_record(journal)
    assert torn["outcome"] == "accepted" and records(journal)[torn["line"]] == "sending"
    emu.reset()
    rc, out, err = run(command(cli_path, creds, "zapi", batch, journal))
    assert rc == 1 and out == [] and emu.requests() == [], err
    assert "line %d: maybe sent by an earlier run (journal: in flight" % torn["line"] in err
    assert journal.read_text().endswith("\n")
    assert set(records(journal).values()) == {"accepted", "sending"}
    # the torn "sending" record of a line never handed to the library: the line is sent
    lines = full.split("\n")[:-1]
    others = [x for x in lines[1:] if json.loads(x)["line"] != torn["line"]]
    sending = [x for x in lines[1:] if json.loads(x) == dict(torn, outcome="sending")]
    assert len(others) == 4 and len(sending) == 1
    journal.write_text("\n".join([lines[0]] + others) + "\n" + sending[0][:20])
    assert torn["line"] not in records(journal)
    rc, out, err = run(command(cli_path, creds, "zapi", batch, journal))
    assert rc == 0, err
    assert [r["line"] for r in out] == [torn["line"]]
    assert len(emu.requests()) == 1
    assert set(records(journal)) == {1, 2, 3} and journal.read_text().endswith("\n")
    assert set(records(journal).values()) == {"accepted"}


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
