"""A 10,000-line --batch interrupted in the middle (issue 16): after SIGINT or SIGTERM every line
read has exactly one whole result line, and what the emulator accepted matches the results:
every "ok" line once, nothing else but lines whose result says "maybe", no line twice."""

import collections
import json
import signal
import subprocess
import time

import pytest

from cli_helpers import clean_env, numbered_message, text_of

N = 10000


def result_lines(path):
    """The whole lines of the command's output so far (a line still being written is left)."""
    with open(path, "rb") as f:
        data = f.read()
    return data[:data.rfind(b"\n") + 1].decode().splitlines()


@pytest.mark.parametrize("provider,sig,grace", [
    ("zapi", signal.SIGINT, 0), ("zapi", signal.SIGTERM, 0.3),
    ("sinch", signal.SIGINT, 0.3), ("sinch", signal.SIGTERM, 0),
    ("connect", signal.SIGINT, 0)])
def test_signal_in_the_middle_of_10000_lines(cli_path, emu, creds, tmp_path, provider, sig,
                                             grace):
    batch = tmp_path / "in.jsonl"
    batch.write_text("".join(json.dumps(numbered_message(emu, provider, i)) + "\n"
                             for i in range(N)))
    # 1 in 50 processed and then cut off without an answer: "maybe" lines the provider has
    # (Connect re-sends them with their ClientToken and gets the first answer back)
    emu.fault(provider=provider, operation="send_message", action="close_after", fraction=0.02)
    out_path = tmp_path / "out.jsonl"
    with open(out_path, "wb") as out:
        proc = subprocess.Popen([cli_path, provider, "send_message", "--batch", str(batch),
                                 "--concurrency", "16", "--grace", str(grace), "--no-progress",
                                 *creds[provider]],
                                stdout=out, stderr=subprocess.PIPE, env=clean_env())
    try:
        end = time.monotonic() + 20
        while time.monotonic() < end and len(result_lines(out_path)) < 1500:
            time.sleep(0.01)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    err = err.decode()
    assert proc.returncode == 128 + sig, err

    text = out_path.read_text()
    assert text.endswith("\n"), text[-200:]  # whole lines only
    results = [json.loads(x) for x in text.splitlines()]
    # every line read has exactly one result, in input order; the signal came mid-batch
    assert 1500 <= len(results) < N
    assert [(r["index"], r["line"]) for r in results] == [(i, i + 1) for i in
                                                          range(len(results))]
    name = "SIGINT" if sig == signal.SIGINT else "SIGTERM"
    assert ("interrupted by %s: input read up to line %d; every request read has its result"
            % (name, len(results))) in err

    ok = {"line %d" % (r["line"] - 1) for r in results if r["ok"]}
    maybe = {"line %d" % (r["line"] - 1) for r in results if not r["ok"] and r["sent"] == "maybe"}
    assert all(r["sent"] == "yes" for r in results if r["ok"])
    accepted = [text_of(q) for q in emu.requests() if q["operation"] == "send_message"]
    assert len(accepted) < N  # the log (--max-records 100000) holds every one of them
    assert max(collections.Counter(accepted).values()) == 1  # no line accepted twice
    assert ok <= set(accepted) <= ok | maybe
    assert len(ok) <= len(accepted) <= len(ok) + len(maybe)
    if provider == "connect":
        # a cut-off request was re-sent with its ClientToken and got the first answer back
        replays = [q for q in emu.requests(all=True) if q.get("replayed")]
        assert replays and {text_of(q) for q in replays} <= ok | maybe
    else:
        cut = [q for q in emu.requests(all=True) if q.get("fault") == "close_after"]
        assert cut and {text_of(q) for q in cut} <= maybe  # never sent again
    # nothing is sent after the exit
    count = len(emu.requests(all=True))
    time.sleep(0.3)
    assert len(emu.requests(all=True)) == count
