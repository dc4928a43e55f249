"""--batch streaming and interruption (issue 16): lines are sent as they arrive, results are
written as soon as they are known, SIGINT/SIGTERM give every line read one whole result line,
a summary and exit status 130/143."""

import json
import os
import select
import signal
import subprocess
import time

from cli_helpers import clean_env, request


def zapi_line(emu, i):
    return json.dumps(request(emu, "zapi", "send_event",
                              event={"name": "event %d" % i, "dateTime": "2024-04-29T09:30:00Z"}))


def start(cli_path, creds, *args):
    return subprocess.Popen([cli_path, "zapi", "send_event", "--batch", "-", *creds["zapi"],
                             *map(str, args)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=clean_env())


def read_line(proc, timeout):
    """One line of the command's stdout, or None when none came within timeout."""
    fd = proc.stdout.fileno()
    data = b""
    end = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 1)
        if not chunk:
            return None
        data += chunk
    return json.loads(data)


def wait_for(predicate, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def finish(proc, timeout=30):
    if proc.stdin and proc.stdin.closed:
        proc.stdin = None  # communicate() would flush it
    out, err = proc.communicate(timeout=timeout)
    lines = [json.loads(x) for x in out.decode().splitlines() if x.strip()]
    return proc.returncode, lines, err.decode()


# ---- streaming -------------------------------------------------------------------------------

def test_slow_producer_lines_are_sent_as_they_are_written(cli_path, emu, creds):
    proc = start(cli_path, creds)
    try:
        for i in range(3):
            if i:
                time.sleep(0.5)
            written = time.monotonic()
            proc.stdin.write((zapi_line(emu, i) + "\n").encode())
            proc.stdin.flush()
            # reaches the emulator before EOF, well within the 100 ms on an idle machine
            assert wait_for(lambda: len(emu.requests()) == i + 1, 2), i
            assert time.monotonic() - written < 1.0
            result = read_line(proc, 2)  # its result is written at once, before EOF
            assert result and result["index"] == i and result["ok"], result
        proc.stdin.close()
        rc, rest, err = finish(proc)
    finally:
        proc.kill()
        proc.wait()
    assert rc == 0 and rest == [] and err == "", err


def test_one_line_with_stdin_left_open_is_sent(cli_path, emu, creds):
    proc = start(cli_path, creds)
    try:
        proc.stdin.write((zapi_line(emu, 0) + "\n").encode())
        proc.stdin.flush()
        result = read_line(proc, 5)
        assert result and result["ok"] and result["line"] == 1, result
        assert len(emu.requests()) == 1
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_results_in_input_order_by_default(run_cli, emu, creds):
    emu.fault(provider="zapi", latency_ms=400, count=1)  # one line answers last
    lines = "".join(zapi_line(emu, i) + "\n\n" for i in range(4))
    r = run_cli("zapi", "send_event", "--batch", "-", "--concurrency", "4", *creds["zapi"],
                input=lines)
    assert r.rc == 0, r
    assert [(x["index"], x["line"]) for x in r.lines] == [(0, 1), (1, 3), (2, 5), (3, 7)]


def test_unordered_writes_each_result_at_once_with_its_line(run_cli, emu, creds):
    emu.fault(provider="zapi", latency_ms=400, count=1)
    lines = "".join(zapi_line(emu, i) + "\n\n" for i in range(4))
    r = run_cli("zapi", "send_event", "--batch", "-", "--concurrency", "4", "--unordered",
                *creds["zapi"], input=lines)
    assert r.rc == 0, r
    out = r.lines
    # The four are in flight at once, so the fault hits whichever arrived first.
    slow = [q for q in emu.requests() if q.get("fault") == "latency"]
    assert len(slow) == 1, slow
    index = int(slow[0]["body"]["event"]["name"].split()[1])
    assert out[-1]["index"] == index and out[-1]["line"] == 2 * index + 1  # it comes last
    assert sorted((x["index"], x["line"]) for x in out) == [(0, 1), (1, 3), (2, 5), (3, 7)]


def test_rate_spaces_the_requests(run_cli, emu, creds):
    lines = "".join(zapi_line(emu, i) + "\n" for i in range(6))
    t0 = time.monotonic()
    r = run_cli("zapi", "send_event", "--batch", "-", "--rate", "10", *creds["zapi"], input=lines)
    assert r.rc == 0 and len(r.lines) == 6, r
    assert time.monotonic() - t0 >= 0.45  # 6 requests, 0.1 s apart
    # on the emulator's clock: spaced, not bunched (a late one may be followed closer)
    received = [q["received"] for q in emu.requests()]
    gaps = [b - a for a, b in zip(received, received[1:])]
    assert len(gaps) == 5 and sum(gaps) >= 0.45 and min(gaps) >= 0.05, gaps


def test_burst_lets_some_go_at_once(run_cli, emu, creds):
    lines = "".join(zapi_line(emu, i) + "\n" for i in range(5))
    t0 = time.monotonic()
    r = run_cli("zapi", "send_event", "--batch", "-", "--rate", "2", "--burst", "4",
                *creds["zapi"], input=lines)
    took = time.monotonic() - t0
    assert r.rc == 0 and len(r.lines) == 5 and all(x["ok"] for x in r.lines), r
    assert 0.45 <= took < 3  # four at once, the fifth after 1/2 s (not 2 s at 1 per 1/2 s)
    # on the emulator's clock: the first four together, the fifth 1/2 s after them
    received = sorted(q["received"] for q in emu.requests())
    assert len(received) == 5 and received[3] - received[0] < 0.2, received
    assert 0.45 <= received[4] - received[0] < 1.5, received


def test_rate_limits_a_single_send_too(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", zapi_line(emu, 0), "--rate", "0.5", *creds["zapi"])
    assert r.rc == 0, r  # the first request of a quiet client goes at once


def test_bad_grace_rate_and_burst_are_usage_errors(run_cli, emu, creds):
    for flag, value, says in (("--grace", "-1", "--grace"), ("--grace", "x", "--grace"),
                              ("--rate", "0", "--rate"), ("--rate", "x", "--rate"),
                              ("--burst", "0", "max_burst: must be between 1 and"),
                              ("--burst", "2.5", "max_burst: must be an integer")):
        r = run_cli("zapi", "send_event", "--batch", "-", flag, value, *creds["zapi"], input="")
        assert r.rc == 2 and says in r.err, (flag, value, r)
        assert len(emu.requests(all=True)) == 0


# ---- interruption ----------------------------------------------------------------------------

def interrupted(cli_path, emu, creds, sigs, grace, n=10, concurrency=4, hang=True):
    """n lines against an emulator that hangs (or delays) every request, stdin left open; the
    signals sent once `concurrency` requests are in flight. Returns rc, results, stderr, seconds
    from the first signal to the exit."""
    if hang:
        emu.fault(provider="zapi", action="hang", count=100)
    else:
        emu.fault(provider="zapi", latency_ms=700, count=100)
    proc = start(cli_path, creds, "--concurrency", concurrency, "--grace", grace)
    try:
        proc.stdin.write("".join(zapi_line(emu, i) + "\n" for i in range(n)).encode())
        proc.stdin.flush()
        assert wait_for(lambda: len(emu.requests(all=True)) >= concurrency, 5) or hang
        time.sleep(0.3)
        t0 = time.monotonic()
        for s in sigs:
            proc.send_signal(s)
            time.sleep(0.2)
        rc, lines, err = finish(proc)
        return rc, lines, err, time.monotonic() - t0
    finally:
        proc.kill()
        proc.wait()


def check_one_result_per_line(lines, n):
    assert sorted(x["index"] for x in lines) == list(range(n))
    assert [x["index"] for x in lines] == list(range(n))  # input order kept


def test_sigint_cancels_with_one_result_per_line_and_exit_130(cli_path, emu, creds):
    rc, lines, err, took = interrupted(cli_path, emu, creds, [signal.SIGINT], grace=0.5)
    assert rc == 130, err
    check_one_result_per_line(lines, 10)
    in_flight = [x for x in lines if x["sent"] == "maybe"]
    unsent = [x for x in lines if x["sent"] == "no"]
    assert len(in_flight) == 4 and len(unsent) == 6
    assert all(x["status"] == "cancelled" and not x["ok"] for x in lines)
    assert "interrupted by SIGINT" in err and "10 cancelled (6 not sent, 4 maybe sent)" in err
    assert took < 5


def test_sigterm_exits_143(cli_path, emu, creds):
    rc, lines, err, _ = interrupted(cli_path, emu, creds, [signal.SIGTERM], grace=0.3)
    assert rc == 143, err
    check_one_result_per_line(lines, 10)
    assert "interrupted by SIGTERM" in err


def test_second_sigint_cancels_at_once(cli_path, emu, creds):
    rc, lines, err, took = interrupted(cli_path, emu, creds, [signal.SIGINT, signal.SIGINT],
                                       grace=60)
    assert rc == 130, err
    check_one_result_per_line(lines, 10)
    assert took < 10  # not the 60 s grace


def test_sigint_ends_lines_waiting_for_the_rate_unsent(cli_path, emu, creds):
    emu.fault(provider="zapi", latency_ms=600, count=100)
    proc = start(cli_path, creds, "--concurrency", 4, "--grace", 5, "--rate", 1)
    try:
        proc.stdin.write("".join(zapi_line(emu, i) + "\n" for i in range(4)).encode())
        proc.stdin.flush()
        assert wait_for(lambda: len(emu.requests(all=True)) >= 1, 5)
        time.sleep(0.2)  # the first in flight, the other three in the engine, waiting for the rate
        proc.send_signal(signal.SIGINT)
        rc, lines, err = finish(proc)
    finally:
        proc.kill()
        proc.wait()
    assert rc == 130, err
    check_one_result_per_line(lines, 4)
    assert lines[0]["ok"] and lines[0]["sent"] == "yes"  # in flight: finished in the grace
    assert all(x["status"] == "cancelled" and x["sent"] == "no" for x in lines[1:]), lines
    time.sleep(1.2)  # nothing left afterwards either
    assert len(emu.requests(all=True)) == 1


def test_requests_in_flight_finish_within_the_grace(cli_path, emu, creds):
    rc, lines, err, _ = interrupted(cli_path, emu, creds, [signal.SIGINT], grace=5, hang=False)
    assert rc == 130, err
    check_one_result_per_line(lines, 10)
    done = [x for x in lines if x["ok"]]
    assert done and all(x["sent"] == "yes" for x in done)  # answered during the grace
    rest = [x for x in lines if not x["ok"]]
    assert rest and all(x["status"] == "cancelled" and x["sent"] == "no" for x in rest)
    # the emulator accepted exactly the requests whose result says so
    assert len(emu.requests()) == len(done)


def test_rate_limit_url_shares_the_rate_between_processes(cli_path, emu, creds, redis_server):
    lines = "".join(zapi_line(emu, i) + "\n" for i in range(6)).encode()
    args = ("--batch", "-", "--rate", "20", "--rate-limit-url", redis_server.url,
            "--rate-limit-key", "cli-budget")
    t0 = time.monotonic()
    procs = [start(cli_path, creds, *args) for _ in range(2)]
    outs = [p.communicate(lines, timeout=30) for p in procs]
    took = time.monotonic() - t0
    assert [p.returncode for p in procs] == [0, 0], outs
    assert len(emu.requests()) == 12
    assert took >= 11 / 20 * 0.95  # 20/s for both commands together, not each


def test_rate_limit_url_unreachable_uses_the_local_rate(run_cli, emu, creds, redis_server):
    redis_server.stop()
    lines = "".join(zapi_line(emu, i) + "\n" for i in range(3))
    r = run_cli("zapi", "send_event", "--batch", "-", "--rate", "50", "--rate-limit-url",
                redis_server.url, "--rate-limit-key", "k", "-v", *creds["zapi"], input=lines)
    assert r.rc == 0 and all(x["ok"] for x in r.lines), r
    assert "Redis cannot be reached" in r.err


def test_rate_limit_url_rules(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", zapi_line(emu, 0), "--rate-limit-url", "http://x",
                *creds["zapi"])
    assert r.rc == 2 and "--rate-limit-url: rate_limit_url: must start with redis://" in r.err, r
    r = run_cli("zapi", "send_event", zapi_line(emu, 0), "--rate", "5", "--rate-limit-url",
                "redis://127.0.0.1:1", *creds["zapi"])
    assert r.rc != 0 and "rate_limit_key: required with rate_limit_url" in r.out + r.err, r
    assert len(emu.requests(all=True)) == 0
