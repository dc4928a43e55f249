"""One client shared by threads: the GIL is released while C waits on the network, so sends
run in parallel; the OAuth token and the per-thread error messages stay consistent."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sendevent

from py_support import api_requests, valid

THREADS = 8
SENDS = 16
LATENCY_MS = 150


def test_eight_threads_are_several_times_faster_than_sequential(emu, client_for):
    client = client_for("connect")
    request = valid("connect", "send_event")

    emu.fault(provider="connect", latency_ms=LATENCY_MS, count=SENDS)
    t0 = time.monotonic()
    for _ in range(SENDS):
        assert client.send_event(**request).ok
    sequential = time.monotonic() - t0

    emu.fault(provider="connect", latency_ms=LATENCY_MS, count=SENDS)
    t0 = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda _: client.send_event(**request), range(SENDS)))
    parallel = time.monotonic() - t0

    assert all(r.ok for r in results)
    assert len({r.id for r in results}) == SENDS
    assert sequential >= SENDS * LATENCY_MS / 1000 * 0.9
    assert sequential / parallel >= 4, (sequential, parallel)
    assert len(api_requests(emu)) == 2 * SENDS


def test_other_python_threads_run_while_a_send_waits(emu, client_for):
    client = client_for("connect", timeout=1)
    emu.fault(provider="connect", latency_ms=600)
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        assert client.send_event(**valid("connect", "send_event")).ok
    finally:
        stop.set()
        t.join()
    assert len(ticks) > 50  # the ticker kept running during the 600 ms send


def test_shared_sinch_client_fetches_one_token(emu, client_for):
    client = client_for("sinch")
    request = valid("sinch", "send_event")
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda _: client.send_event(request), range(200)))
    assert all(r.ok for r in results)
    tokens = [r for r in emu.requests() if r["operation"] == "oauth_token"]
    assert len(tokens) == 1
    assert len(api_requests(emu)) == 200


def test_error_messages_stay_with_their_thread(emu, client_for):
    client = client_for("sinch")
    missing = ["app_id", "recipient", "event"]
    errors = []

    def worker(i):
        field = missing[i % 3]
        req = valid("sinch", "send_event")
        del req[field]
        for _ in range(200):
            try:
                client.send_event(req)
            except sendevent.ValidationError as err:
                if err.message != "%s: required" % field:
                    errors.append((field, err.message))
            else:
                errors.append((field, "accepted"))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert emu.requests(all=True) == []


def test_mixed_operations_and_clients_across_threads(emu, client_for):
    clients = {p: client_for(p) for p in ("sinch", "zapi", "connect")}
    work = [(p, op) for p, op in [("sinch", "send_event"), ("sinch", "send_message"),
                                  ("zapi", "send_event"), ("zapi", "respond_event"),
                                  ("connect", "send_event"), ("connect", "send_message")]] * 20

    def run(item):
        provider, op = item
        return getattr(clients[provider], op)(valid(provider, op))

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(run, work))
    assert all(r.ok for r in results)
    assert [(r.provider, r.operation) for r in results] == work


def test_send_many_from_threads(emu, client_for):
    client = client_for("zapi")
    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(
            lambda _: client.send_many("send_event", [valid("zapi", "send_event")] * 25,
                                       concurrency=8), range(4)))
    assert all(r.ok for batch in batches for r in batch)
    assert len(api_requests(emu)) == 100


def test_close_while_other_threads_send(emu, client_for):
    """close() only drops the client's reference: calls in flight finish, later ones raise."""
    client = client_for("connect")
    emu.fault(provider="connect", latency_ms=300)
    box = {}
    t = threading.Thread(target=lambda: box.setdefault(
        "r", client.send_event(**valid("connect", "send_event"))))
    t.start()
    time.sleep(0.1)
    client.close()
    t.join()
    assert box["r"].ok
    with pytest.raises(ValueError):
        client.send_event(**valid("connect", "send_event"))
