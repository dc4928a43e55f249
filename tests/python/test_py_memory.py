"""No memory growth per call: 20,000 calls (successes, provider failures, validation failures,
prepare, send_many), measured with tracemalloc (Python objects) and RSS (C allocations too)."""

import gc
import os
import tracemalloc

import pytest
import sendevent

from py_support import make_client, valid

CALLS = 20_000
WARMUP = 2_000


def rss_kib():
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def workload(connect, n, bad, good, state):
    for i in range(n):
        k = (state[0] + i) % 10
        if k < 7:
            try:
                r = connect.send_event(good)
                _ = (r.id, r.accepted_time, r.body, r.request_id, r.attempts, r.warnings)
            except sendevent.ConflictError as err:  # one send in ten is faulted (409)
                _ = (err.message, err.response.body, err.request_id)
        elif k == 7:
            try:
                connect.send_event(bad)
            except sendevent.ValidationError as err:
                _ = (err.message, err.response)
        elif k == 8:
            _ = connect.prepare("send_event", good)
        else:
            _ = connect.send_many("send_event", [good, bad], concurrency=2)
    state[0] += n


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_no_growth_over_20000_calls(emu):
    connect = make_client(emu, "connect", max_attempts=1)
    good = valid("connect", "send_event")
    bad = {"ContentType": "x"}
    # a 409 for one request in ten: failures carry a response and an exception object
    emu.fault(provider="connect", status=409, fraction=0.1)
    state = [0]
    workload(connect, WARMUP, bad, good, state)
    emu.reset()
    emu.fault(provider="connect", status=409, fraction=0.1)
    gc.collect()
    tracemalloc.start()
    py_before = tracemalloc.get_traced_memory()[0]
    rss_before = rss_kib()
    done = 0
    while done < CALLS:
        workload(connect, 2_000, bad, good, state)
        done += 2_000
        if done % 6_000 == 0:
            emu.reset()  # keep the emulator's own log small
            emu.fault(provider="connect", status=409, fraction=0.1)
    gc.collect()
    py_after = tracemalloc.get_traced_memory()[0]
    rss_after = rss_kib()
    tracemalloc.stop()
    connect.close()
    py_growth = py_after - py_before
    rss_growth = rss_after - rss_before
    # one leaked 100-byte object per call would be 2 MB; allow noise well below that
    print("python heap growth %d B, RSS growth %d KiB over %d calls" % (py_growth, rss_growth, CALLS))
    assert py_growth < 100 * 1024, py_growth
    assert rss_growth < 2 * 1024, "RSS grew by %d KiB over %d calls" % (rss_growth, CALLS)
