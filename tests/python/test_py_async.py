"""sendevent.AsyncClient against the emulator: every operation awaited, many concurrent awaits,
send_many order, send_iter completion order, the same errors as Client, cancellation, the loop
it belongs to, aclose with requests in flight, and uvloop."""

import asyncio
import time

import pytest
import sendevent

from py_support import VALID, api_requests, options, valid


def run(coro_fn, *args, loop_factory=None):
    """Runs coro_fn(*args) on a new event loop (uvloop's when loop_factory says so)."""
    loop = loop_factory() if loop_factory else asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro_fn(*args))
    finally:
        loop.close()


def aclient(emu, provider, **extra):
    return sendevent.AsyncClient(provider, **options(emu, provider, **extra))


@pytest.mark.parametrize("provider,operation", sorted(VALID))
def test_every_operation_awaited(emu, provider, operation):
    async def main():
        async with aclient(emu, provider) as c:
            return await getattr(c, operation)(valid(provider, operation))
    r = run(main)
    with sendevent.Client(provider, **options(emu, provider)) as sync:
        expected = sync.send(operation, valid(provider, operation))
    assert isinstance(r, sendevent.Response)
    assert r.ok and r.sent == "yes" and r.operation == operation and r.provider == provider
    assert r.http_status == expected.http_status
    assert len(api_requests(emu)) == 2


def test_methods_match_client():
    ops = {op for ops in sendevent.OPERATIONS.values() for op in ops}
    for op in ops:
        assert asyncio.iscoroutinefunction(getattr(sendevent.AsyncClient, op))
        assert hasattr(sendevent.Client, op)


def test_thousands_of_concurrent_awaits_from_many_tasks(emu):
    tasks_n, per_task = 50, 40

    async def worker(c, t):
        out = []
        for k in range(per_task):
            r = await c.send_event(phone="1203630195%08d-group" % (t * per_task + k),
                                   event=valid("zapi", "send_event")["event"])
            out.append(r)
        return out

    async def main():
        async with aclient(emu, "zapi") as c:
            groups = await asyncio.gather(*(worker(c, t) for t in range(tasks_n)))
            burst = await asyncio.gather(*(c.send_event(valid("zapi", "send_event"))
                                           for _ in range(2000)))
            return groups, burst
    groups, burst = run(main)
    assert all(r.ok for g in groups for r in g) and len(groups) == tasks_n
    assert len(burst) == 2000 and all(r.ok and r.sent == "yes" for r in burst)
    assert len(api_requests(emu)) == tasks_n * per_task + 2000


def test_send_many_in_input_order(emu):
    reqs = [dict(valid("zapi", "send_event"), phone="1203630195%08d-group" % i) for i in range(300)]
    reqs[7] = {"phone": "bad/phone", "event": {"name": "x", "dateTime": "2024-04-29T09:30:00Z"}}

    async def main():
        async with aclient(emu, "zapi") as c:
            return await c.send_many("send_event", reqs, concurrency=16)
    results = run(main)
    with sendevent.Client("zapi", **options(emu, "zapi")) as sync:
        sync_results = sync.send_many("send_event", reqs[:10])
    assert len(results) == 300
    assert type(results[7]) is type(sync_results[7]) is sendevent.ValidationError
    assert str(results[7]) == str(sync_results[7])
    sent = [b["body"]["phone"] for b in api_requests(emu)[:299]]
    assert sorted(sent) == sorted(r["phone"] for i, r in enumerate(reqs) if i != 7)
    for i, r in enumerate(results):
        if i != 7:
            assert r.ok and r.sent == "yes"


def test_send_many_empty_and_bad_arguments(emu):
    async def main():
        async with aclient(emu, "zapi") as c:
            assert await c.send_many("send_event", []) == []
            with pytest.raises(TypeError):
                await c.send_many("send_event", "not a list")
            with pytest.raises(ValueError):
                await c.send_many("send_event", [valid("zapi", "send_event")], concurrency=0)
    run(main)


def test_send_iter_yields_in_completion_order(emu):
    # the first request is slow: it completes last although it was given first
    emu.fault(provider="zapi", operation="send_event", latency_ms=400)
    reqs = [valid("zapi", "send_event") for _ in range(20)]

    async def main():
        seen, times = [], []
        async with aclient(emu, "zapi") as c:
            t0 = time.monotonic()
            async for index, result in c.send_iter("send_event", reqs, concurrency=20):
                assert result.ok
                seen.append(index)
                times.append(time.monotonic() - t0)
        return seen, times
    seen, times = run(main)
    assert sorted(seen) == list(range(20))
    # 19 come at once, the delayed one last: each is yielded as it completes
    assert times[-2] < 0.3 and times[-1] >= 0.35


def test_send_iter_break_cancels_the_rest(emu):
    emu.fault(provider="zapi", operation="send_event", action="hang", count=5)
    reqs = [valid("zapi", "send_event") for _ in range(5)]

    async def main():
        async with aclient(emu, "zapi") as c:
            t0 = time.monotonic()
            task = asyncio.ensure_future(c.send_many("send_event", reqs, concurrency=5))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert time.monotonic() - t0 < 2
            # the client still works after the cancelled batch
            emu.clear_faults()
            return await c.send_event(valid("zapi", "send_event"))
    assert run(main).ok


def test_validation_error_same_as_client(emu):
    bad = {"phone": "bad/phone", "event": {"name": "x", "dateTime": "2024-04-29T09:30:00Z"}}
    with sendevent.Client("zapi", **options(emu, "zapi")) as sync:
        with pytest.raises(sendevent.ValidationError) as sync_info:
            sync.send_event(bad)

    async def main():
        async with aclient(emu, "zapi") as c:
            with pytest.raises(sendevent.ValidationError) as info:
                await c.send_event(bad)
            with pytest.raises(TypeError) as type_info:
                await c.send_event(phone={1, 2})
            return info.value, type_info.value
    err, type_err = run(main)
    assert type(err) is type(sync_info.value)
    assert str(err) == str(sync_info.value) and err.sent == "no"
    assert "phone" in str(type_err)
    assert emu.requests(all=True) == []


def test_http_error_same_as_client(emu):
    emu.fault(provider="zapi", status=403, count=2)
    with sendevent.Client("zapi", **options(emu, "zapi")) as sync:
        with pytest.raises(sendevent.ForbiddenError) as sync_info:
            sync.send_event(valid("zapi", "send_event"))

    async def main():
        async with aclient(emu, "zapi") as c:
            with pytest.raises(sendevent.ForbiddenError) as info:
                await c.send_event(valid("zapi", "send_event"))
            return info.value
    err = run(main)
    assert err.http_status == 403 and err.sent == "yes"
    assert str(err) == str(sync_info.value) and repr(err) == repr(sync_info.value)
    assert emu.zapi_token not in str(err) and emu.zapi_token not in repr(err.response)


def test_cancelling_a_single_await_cancels_its_request(emu):
    emu.fault(provider="zapi", operation="send_event", action="hang")

    async def main():
        async with aclient(emu, "zapi") as c:
            task = asyncio.ensure_future(c.send_event(valid("zapi", "send_event")))
            await asyncio.sleep(0.3)
            t0 = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as info:
                await task
            elapsed = time.monotonic() - t0
            emu.clear_faults()
            after = await c.send_event(valid("zapi", "send_event"))
            return info.value, elapsed, after
    exc, elapsed, after = run(main)
    assert elapsed < 1.0
    err = exc.sendevent_error
    assert isinstance(err, sendevent.CancelledError) and err.sent == "maybe"
    assert after.ok


def test_cancelled_await_among_others_is_cancelled_after_them(emu):
    emu.fault(provider="zapi", operation="send_event", action="hang", count=1)

    async def main():
        async with aclient(emu, "zapi") as c:
            hung = asyncio.ensure_future(c.send_event(valid("zapi", "send_event")))
            await asyncio.sleep(0.2)
            others = [asyncio.ensure_future(c.send_event(valid("zapi", "send_event")))
                      for _ in range(5)]
            hung.cancel()
            done = await asyncio.gather(*others)
            with pytest.raises(asyncio.CancelledError):
                await hung
            # the batch the hung request was on ends once the others are done
            for _ in range(100):
                if len(c._streams) <= 1:
                    break
                await asyncio.sleep(0.02)
            return done, len(c._streams)
    done, streams = run(main)
    assert all(r.ok for r in done)
    assert streams <= 1


def test_cancelling_one_await_of_a_shared_batch_cancels_exactly_its_request(emu):
    emu.fault(provider="zapi", operation="send_event", action="hang", count=1)

    async def main():
        async with aclient(emu, "zapi", concurrency=2) as c:
            hung = asyncio.ensure_future(c.send_event(valid("zapi", "send_event")))
            await asyncio.sleep(0.2)  # in flight, hanging
            others = [asyncio.ensure_future(c.send_event(valid("zapi", "send_event")))
                      for _ in range(6)]
            queued = asyncio.ensure_future(c.send_event(valid("zapi", "send_event")))
            await asyncio.sleep(0)  # added behind the others: not started yet
            shared = c._shared
            queued.cancel()
            with pytest.raises(asyncio.CancelledError) as q_info:
                await queued
            t0 = time.monotonic()
            hung.cancel()
            with pytest.raises(asyncio.CancelledError) as h_info:
                await hung
            elapsed = time.monotonic() - t0
            done = await asyncio.gather(*others)
            return q_info.value, h_info.value, elapsed, done, shared is c._shared
    queued, hung, elapsed, done, same_batch = run(main)
    assert elapsed < 1.0  # at once, not after the others
    assert isinstance(hung.sendevent_error, sendevent.CancelledError)
    assert hung.sendevent_error.sent == "maybe"
    assert isinstance(queued.sendevent_error, sendevent.CancelledError)
    assert queued.sendevent_error.sent == "no"
    assert all(r.ok and r.sent == "yes" for r in done)
    assert same_batch  # the others were not moved to another batch
    assert len(api_requests(emu)) == 6  # the others (the hung one never answered); not queued


def test_second_loop_refused(emu):
    c = aclient(emu, "zapi")
    loop = asyncio.new_event_loop()
    assert loop.run_until_complete(c.send_event(valid("zapi", "send_event"))).ok
    with pytest.raises(RuntimeError, match="another event loop"):
        run(c.send_event, valid("zapi", "send_event"))
    loop.run_until_complete(c.aclose())
    loop.close()


def test_client_dropped_unclosed_with_its_loop_closed(emu):
    # its batch is freed before the C client it sends through, whatever order the collector
    # takes them in
    c = aclient(emu, "zapi")
    assert run(c.send_event, valid("zapi", "send_event")).ok
    c._client.close()
    del c
    import gc
    gc.collect()


def test_aclose_with_requests_in_flight(emu):
    emu.fault(provider="zapi", operation="send_event", action="hang", count=10)

    async def main():
        c = aclient(emu, "zapi")
        tasks = [asyncio.ensure_future(c.send_event(valid("zapi", "send_event")))
                 for _ in range(10)]
        await asyncio.sleep(0.3)
        t0 = time.monotonic()
        await c.aclose()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert c.closed and time.monotonic() - t0 < 2
        with pytest.raises(ValueError, match="closed"):
            await c.send_event(valid("zapi", "send_event"))
        await c.aclose()  # twice is harmless
        return results
    results = run(main)
    assert all(isinstance(r, sendevent.CancelledError) for r in results), results
    assert {r.sent for r in results} <= {"no", "maybe"}


def test_loop_closed_with_requests_in_flight(emu):
    emu.fault(provider="zapi", operation="send_event", action="hang", count=3)
    loop = asyncio.new_event_loop()
    c = aclient(emu, "zapi")
    tasks = [loop.create_task(c.send_event(valid("zapi", "send_event"))) for _ in range(3)]
    loop.run_until_complete(asyncio.sleep(0.2))
    for t in tasks:
        t.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.close()
    del tasks, c  # the batches are freed (cancelled) with the client


def test_logging_same_as_client(emu, caplog):
    async def main():
        async with aclient(emu, "zapi") as c:
            await c.send_event(valid("zapi", "send_event"))
    with caplog.at_level("DEBUG", logger="sendevent"):
        run(main)
    lines = [r.getMessage() for r in caplog.records if r.name == "sendevent"]
    assert any("send-event -> 200" in line for line in lines)
    assert not any(emu.zapi_token in line for line in lines)


def test_uvloop(emu):
    uvloop = pytest.importorskip("uvloop")

    async def main():
        async with aclient(emu, "connect") as c:
            one = await c.send_event(valid("connect", "send_event"))
            many = await c.send_many("send_event", [valid("connect", "send_event")] * 200)
            return one, many
    one, many = run(main, loop_factory=uvloop.new_event_loop)
    assert one.ok and len(many) == 200 and all(r.ok for r in many)


def test_async_example_runs(emu):
    import os
    import pathlib
    import subprocess
    import sys
    script = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python" / "zapi_async.py"
    proc = subprocess.run([sys.executable, str(script), emu.url], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 8 and sum(line.startswith("request ") for line in lines) == 5
    assert len(api_requests(emu)) == 8
    emu.fault(provider="zapi", status=403, count=10)
    proc = subprocess.run([sys.executable, str(script), emu.url], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ))
    assert proc.returncode == 1 and "failed" in proc.stderr


def counting_steps(monkeypatch):
    """Counts the steps the AsyncClient's batches take (each readiness or due time is one)."""
    from sendevent import _async
    ext = _async._ext
    real, steps = ext.stream_step, [0]

    def step(batch):
        steps[0] += 1
        return real(batch)
    monkeypatch.setattr(ext, "stream_step", step)
    return steps


def test_retry_woken_by_the_timer_alone(emu, monkeypatch):
    # the 429's Retry-After is the only thing left to wait for: no socket, no thread wakes the
    # loop, the step's timeout (one timer handle) does
    emu.fault(provider="zapi", operation="send_event", status=429, retry_after="1", count=1)
    steps = counting_steps(monkeypatch)

    async def main():
        async with aclient(emu, "zapi") as c:
            t0 = time.monotonic()
            r = await c.send_event(valid("zapi", "send_event"))
            return r, time.monotonic() - t0
    r, elapsed = run(main)
    assert r.ok and r.attempts == 2 and r.sent == "yes"
    assert 0.9 <= elapsed < 2.5
    assert steps[0] < 20  # woken when due, not polling
    assert len(api_requests(emu, all=True)) == 2


def test_loop_sleeps_while_a_request_hangs(emu, monkeypatch):
    emu.fault(provider="zapi", operation="send_event", action="hang", count=1)
    steps = counting_steps(monkeypatch)

    async def main():
        async with aclient(emu, "zapi", timeout=0.6, max_attempts=1) as c:
            with pytest.raises(sendevent.TimeoutError) as info:
                await c.send_event(valid("zapi", "send_event"))
            return info.value
    err = run(main)
    assert err.sent == "maybe"
    assert steps[0] < 20  # curl's timer wakes it at the timeout, nothing spins meanwhile


def test_max_rate_spaces_async_sends(emu):
    async def main():
        async with aclient(emu, "zapi", max_rate=20) as c:
            t0 = time.monotonic()
            many = await c.send_many("send_event", [valid("zapi", "send_event")] * 9)
            t1 = time.monotonic()
            singles = await asyncio.gather(*[c.send_event(valid("zapi", "send_event"))
                                             for _ in range(5)])
            return many, t1 - t0, singles, time.monotonic() - t1
    many, many_s, singles, singles_s = run(main)
    assert all(r.ok for r in many) and all(r.ok for r in singles)
    assert many_s >= 0.35  # 9 sends at 20/s: 8 intervals of 50 ms
    assert singles_s >= 0.15  # the limiter's due time wakes the shared batch too
    assert len(api_requests(emu)) == 14
