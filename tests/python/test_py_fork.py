"""Fork: a client used in the parent keeps working in forked children (multiprocessing with the
fork start method, os.fork) while the parent goes on using it. Everything is bounded: a child
that hangs is killed and fails the test."""

import multiprocessing
import os
import signal
import threading
import time

import pytest
import sendevent

from py_support import api_requests, make_client, options, valid

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

_client = None  # the parent's client, inherited by the pool's workers


def _send_in_worker(i):
    r = _client.send_event(valid("zapi", "send_event"))
    return (os.getpid(), r.status, r.sent, r.id)


def _wait_child(pid, timeout):
    """Exit status of child `pid`; kills it and fails when it takes longer than `timeout`."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError("forked child %d hung" % pid)


def test_multiprocessing_pool_fork(emu):
    global _client
    _client = make_client(emu, "zapi", timeout=5)
    try:
        assert _client.send_event(valid("zapi", "send_event")).ok  # connections open in parent
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(3) as pool:
            out = pool.map_async(_send_in_worker, range(30)).get(timeout=60)
        assert [status for _, status, _, _ in out] == ["ok"] * 30
        assert {sent for _, _, sent, _ in out} == {"yes"}
        assert len({pid for pid, _, _, _ in out} - {os.getpid()}) >= 1
        assert len({i for _, _, _, i in out}) == 30
        assert _client.send_event(valid("zapi", "send_event")).ok  # the parent still works
        assert len(api_requests(emu)) == 32
    finally:
        _client.close()
        _client = None


def test_os_fork_concurrently_with_the_parent(emu):
    client = make_client(emu, "connect", timeout=5)
    assert client.send_event(valid("connect", "send_event")).ok
    # another thread of the parent is in a send (on a slow answer) at the moment of the fork
    emu.fault(provider="connect", latency_ms=300)
    busy = threading.Thread(target=client.send_event, args=(valid("connect", "send_event"),))
    busy.start()
    time.sleep(0.1)
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            ok = all(client.send_event(valid("connect", "send_event")).ok for _ in range(20))
            results = client.send_many("send_event", [valid("connect", "send_event")] * 20)
            ok = ok and all(isinstance(r, sendevent.Response) for r in results)
            code = 0 if ok else 3
        except BaseException:
            code = 2
        finally:
            os._exit(code)
    parent_ok = all(client.send_event(valid("connect", "send_event")).ok for _ in range(20))
    parent_many = client.send_many("send_event", [valid("connect", "send_event")] * 20)
    busy.join(10)
    assert not busy.is_alive()
    assert _wait_child(pid, 30) == 0
    assert parent_ok and all(isinstance(r, sendevent.Response) for r in parent_many)
    # 2 before the fork, 40 from each process
    assert len(api_requests(emu)) == 82
    client.close()


def test_async_client_in_a_forked_child(emu):
    """An AsyncClient the parent has used (bound to its loop, a batch running) works in a forked
    child on the child's own loop; the parent's loop and batch go on unharmed."""
    import asyncio

    async def sends(client, n):
        singles = await asyncio.gather(*(client.send_event(valid("zapi", "send_event"))
                                         for _ in range(n)))
        many = await client.send_many("send_event", [valid("zapi", "send_event")] * n)
        return all(r.ok for r in singles) and all(isinstance(r, sendevent.Response) for r in many)

    loop = asyncio.new_event_loop()
    client = sendevent.AsyncClient("zapi", **options(emu, "zapi", timeout=5))
    try:
        assert loop.run_until_complete(sends(client, 5))
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 1
            try:
                code = 0 if asyncio.run(sends(client, 10)) else 3
            except BaseException:
                code = 2
            finally:
                os._exit(code)
        assert loop.run_until_complete(sends(client, 5))  # the parent, meanwhile
        assert _wait_child(pid, 60) == 0
        assert loop.run_until_complete(sends(client, 5))  # and after
        assert len(api_requests(emu)) == 30 + 20
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()
