"""examples/python/celery_app.py under a real Celery prefork worker (Debian's python3-celery, a
redis-server of the test's own as broker and as the shared rate budget), against the emulator
with faults: every task's outcome is recorded, no Z-API event is delivered twice, every Connect
event is delivered exactly once, and the workers together keep the shared max_rate."""

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from py_support import GROUP

celery = pytest.importorskip("celery")
pytest.importorskip("redis")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "python"


def start_worker(emu, redis_server, name, rate):
    env = dict(os.environ,
               SE_BROKER=redis_server.url.rsplit("/", 1)[0] + "/1",
               PYTHONPATH=str(EXAMPLES),
               SENDEVENT_ZAPI_BASE_URL=emu.zapi_base_url,
               SENDEVENT_ZAPI_INSTANCE_ID=emu.zapi_instance_id,
               SENDEVENT_ZAPI_TOKEN=emu.zapi_token,
               SENDEVENT_ZAPI_CLIENT_TOKEN=emu.zapi_client_token,
               SENDEVENT_ZAPI_MAX_RATE=str(rate),
               SENDEVENT_ZAPI_RATE_LIMIT_URL=redis_server.url,
               SENDEVENT_ZAPI_RATE_LIMIT_KEY="zapi:test-instance",
               SENDEVENT_ZAPI_RETRY_BASE_DELAY="0.05",
               SENDEVENT_CONNECT_ENDPOINT_URL=emu.connect_endpoint,
               SENDEVENT_CONNECT_RETRY_BASE_DELAY="0.05")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "celery_app", "worker", "--pool", "prefork",
         "--concurrency", "2", "--loglevel", os.environ.get("SE_CELERY_LOGLEVEL", "WARNING"), "-n", name + "@%h", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        cwd=str(EXAMPLES), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)


def stop_worker(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def test_celery_workers_send_once_within_the_shared_rate(emu, redis_server, monkeypatch):
    monkeypatch.setenv("SE_BROKER", redis_server.url.rsplit("/", 1)[0] + "/1")
    monkeypatch.syspath_prepend(str(EXAMPLES))
    for k in [k for k in os.environ if k.startswith("SENDEVENT_")]:
        monkeypatch.delenv(k)  # the producer makes no clients
    sys.modules.pop("celery_app", None)
    import celery_app

    # 20% of Z-API sends dropped after the emulator processed them ("maybe"), a few 429s;
    # Connect the same: its retries carry the same ClientToken
    emu.fault(provider="zapi", action="close_after", fraction=0.2)
    emu.fault(provider="zapi", status=429, retry_after="0", count=4)
    emu.fault(provider="connect", action="close_after", fraction=0.2)
    emu.fault(provider="connect", status=429, count=4)

    rate = 40
    # two groups of workers, as on two machines: their own process trees, sharing only Redis
    workers = [start_worker(emu, redis_server, "a", rate), start_worker(emu, redis_server, "b", rate)]
    try:
        n_zapi, n_connect = 80, 20
        t0 = time.monotonic()
        zapi = [celery_app.queue_send("zapi", "send_event",
                                      {"phone": GROUP, "event": {
                                          "name": "celery-%d" % i,
                                          "dateTime": "2024-04-29T09:30:53.309Z"}})
                for i in range(n_zapi)]
        connect = [celery_app.queue_send("connect", "send_event",
                                         {"ConnectionToken": emu.connect_connection_token,
                                          "ContentType":
                                          "application/vnd.amazonaws.connect.event.typing"})
                   for _ in range(n_connect)]
        # polled: AsyncResult.get() one by one on the Redis backend can wait long on a task
        # that was retried (a Celery quirk, not ours)
        while time.monotonic() - t0 < 90 and not all(r.ready() for r in zapi + connect):
            time.sleep(0.05)
        took = time.monotonic() - t0
        outcomes = [r.result for r in zapi + connect if r.ready()]
        for r in zapi + connect:
            r.forget()  # let go of each result while Redis is still there
        del zapi, connect, r
        gc.collect()
        celery_app.app.close()
    finally:
        for w in workers:
            stop_worker(w)
    errors = b"".join(w.stderr.read() for w in workers).decode(errors="replace")
    assert len(outcomes) == n_zapi + n_connect, errors  # every task's outcome recorded

    zapi_out, connect_out = outcomes[:n_zapi], outcomes[n_zapi:]
    # Z-API: accepted or maybe-sent, never retried after "maybe"
    assert all(o["ok"] or o["sent"] == "maybe" for o in zapi_out), zapi_out
    records = [q for q in emu.requests(all=True) if q["provider"] == "zapi"]
    processed = [q["body"]["event"]["name"] for q in records if q["status"] == 200]
    assert len(processed) == len(set(processed)), "a Z-API event was delivered twice"
    assert set(processed) == {"celery-%d" % i for i in range(n_zapi)}
    # Connect: every event delivered exactly once, whatever the retries
    assert all(o["ok"] for o in connect_out), connect_out
    accepted = [q for q in emu.requests(all=True)
                if q["provider"] == "connect" and q["status"] == 200 and not q.get("replayed")]
    tokens = [q["body"]["ClientToken"] for q in accepted]
    assert len(tokens) == len(set(tokens)) == n_connect
    assert {o["client_token"] for o in connect_out} == set(tokens)
    # the four worker processes kept one Z-API budget of 40/s between them
    assert took >= (len(records) - 1) / rate * 0.9
