"""max_rate and max_burst from Python: one budget for every thread, send_many and AsyncClient
call of a client; bad values name the option."""

import asyncio
import threading
import time

import pytest
import sendevent

from py_support import GROUP, api_requests, options


def zapi_event(name):
    return {"phone": GROUP, "event": {"name": name, "dateTime": "2024-04-29T09:30:53.309Z"}}


def test_send_many_is_spaced(emu, client_for):
    c = client_for("zapi", max_rate=20)
    t0 = time.monotonic()
    results = c.send_many("send_event", [zapi_event("r%d" % i) for i in range(11)],
                          concurrency=8)
    took = time.monotonic() - t0
    assert all(r.ok for r in results) and len(api_requests(emu)) == 11
    assert took >= 10 / 20 * 0.95  # ten intervals of 1/20 s, not a burst of eight


def test_threads_share_one_budget(emu, client_for):
    c = client_for("zapi", max_rate=40)
    ok = []

    def sender(t):
        for i in range(5):
            ok.append(c.send_event(zapi_event("t%d-%d" % (t, i))).ok)

    threads = [threading.Thread(target=sender, args=(t,)) for t in range(4)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    took = time.monotonic() - t0
    assert ok.count(True) == 20 and len(api_requests(emu)) == 20
    assert took >= 19 / 40 * 0.95  # 40/s for the client, not per thread


def test_async_client_is_spaced(emu):
    async def main():
        async with sendevent.AsyncClient("zapi", **options(emu, "zapi", max_rate=20,
                                                           max_burst=3)) as c:
            t0 = time.monotonic()
            rs = await asyncio.gather(*(c.send_event(zapi_event("a%d" % i)) for i in range(9)))
            return rs, time.monotonic() - t0
    loop = asyncio.new_event_loop()
    try:
        rs, took = loop.run_until_complete(main())
    finally:
        loop.close()
    assert all(r.ok for r in rs)
    assert took >= 6 / 20 * 0.95  # three at once, then six 1/20 s apart


@pytest.mark.parametrize("key,value,says", [("max_rate", "-1", "max_rate: must be between 0"),
                                            ("max_rate", "fast", "max_rate: must be a number"),
                                            ("max_burst", "0", "max_burst: must be between 1")])
def test_bad_values_name_the_option(emu, key, value, says):
    with pytest.raises(sendevent.ValidationError) as e:
        sendevent.Client("zapi", **options(emu, "zapi", **{key: value}))
    assert says in str(e.value)
    assert api_requests(emu, all=True) == []


def test_forked_workers_share_the_redis_budget(emu, redis_server):
    """A client made before fork (as a Celery prefork worker's is), used in two children: the
    children draw from the one budget in Redis."""
    import multiprocessing
    c = sendevent.Client("zapi", **options(emu, "zapi", max_rate=30,
                                           rate_limit_url=redis_server.url,
                                           rate_limit_key="py-budget"))
    c.send_event(zapi_event("parent"))  # the parent's connections and Redis exist before fork

    def worker(q, w):
        q.put([c.send_event(zapi_event("w%d-%d" % (w, i))).ok for i in range(8)])

    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    t0 = time.monotonic()
    procs = [ctx.Process(target=worker, args=(q, w)) for w in range(2)]
    for p in procs:
        p.start()
    results = [q.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(10)
    took = time.monotonic() - t0
    assert all(all(r) and len(r) == 8 for r in results)
    assert len(api_requests(emu)) == 17
    assert took >= 15 / 30 * 0.95  # 30/s for both workers together
    c.close()
