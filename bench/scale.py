#!/usr/bin/env python3
"""make bench-scale: provider rate limits honoured across processes, measured under Celery.

The emulator enforces Sinch's 800/s per project and Connect at a configured rate (answering 429
as the providers do). Two groups of Celery prefork workers (examples/python/celery_app.py), as if
on two machines, share only Redis (the broker, and the rate budget). Side by side in one run:

  shared       sendevent's max_rate drawn from Redis (rate_limit_url), the example's retry rules
  celery       Celery's own rate_limit, split evenly between the worker groups, retry on 429
  unlimited    no limit at all, retry on 429

Then one process with max_rate (no 429 expected), and boto3's adaptive retry mode on the same
Connect limit. Every figure comes from the emulator's record (its own clock): throughput of
accepted requests, 429 answers, events delivered twice; and from the task results: outcomes
recorded. Prints a table, writes bench/results/scale.json; exits 1 when a task's outcome is
lost or an event was delivered twice (--strict: also when a throughput target is missed).

    bench/scale.py --build build [--count 20000] [--smoke] [--strict]
"""
import argparse
import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "python"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(EXAMPLES))

SINCH_LIMIT = 800
GROUPS = (("a", 4), ("b", 2))  # (name, prefork processes): six processes on two "machines"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="build")
    p.add_argument("--count", type=int, default=20000, help="Sinch sends per scenario")
    p.add_argument("--connect-count", type=int, default=4000)
    p.add_argument("--connect-limit", type=int, default=200, help="requests/s per Connect API")
    p.add_argument("--burst", type=int, default=16,
                   help="max_burst of the shared budget (the emulator allows Sinch 80)")
    p.add_argument("--scenarios", default="shared,celery,unlimited,connect,one,boto3",
                   help="comma-separated subset")
    p.add_argument("--smoke", action="store_true", help="a few hundred sends, shared only")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / "scale.json"))
    return p.parse_args()


# ---- the servers ------------------------------------------------------------------------------

def worker_env(emu, redis_url, provider, limit, shared, burst):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDEVENT_")}
    broker = redis_url.rsplit("/", 1)[0] + "/1"
    env.update(SE_BROKER=broker, PYTHONPATH=str(EXAMPLES))
    if provider == "sinch":
        env.update(SENDEVENT_SINCH_BASE_URL=emu.sinch_base_url,
                   SENDEVENT_SINCH_AUTH_URL=emu.sinch_token_url,
                   SENDEVENT_SINCH_PROJECT_ID="bench-project",
                   SENDEVENT_SINCH_KEY_ID=emu.sinch_key_id,
                   SENDEVENT_SINCH_KEY_SECRET=emu.sinch_key_secret)
    else:
        env.update(SENDEVENT_CONNECT_ENDPOINT_URL=emu.connect_endpoint)
    if shared:
        p = "SENDEVENT_%s_" % provider.upper()
        env.update({p + "MAX_RATE": str(limit), p + "MAX_BURST": str(burst),
                    p + "RATE_LIMIT_URL": redis_url, p + "RATE_LIMIT_KEY": "%s:bench" % provider})
    return env


def start_workers(env):
    procs = []
    for name, n in GROUPS:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "celery_app", "worker", "--pool", "prefork",
             "--concurrency", str(n), "--loglevel", "ERROR", "-n", name + "@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=str(EXAMPLES), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True))
    return procs


def stop_workers(procs):
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(5)


def wait_ready(app, n, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(app.control.ping(timeout=0.5) or []) >= n:
            return
    raise RuntimeError("the Celery workers did not answer")


# ---- the scenarios -----------------------------------------------------------------------------

def requests_for(provider, n, emu):
    if provider == "sinch":
        return [("send_event", {"app_id": "bench-app", "recipient": {"contact_id": "c-%d" % i},
                                "event": {"composing_event": {}}}) for i in range(n)]
    return [("send_event", {"ConnectionToken": emu.connect_connection_token,
                            "ContentType": "application/vnd.amazonaws.connect.event.typing"})
            for _ in range(n)]


def delivered_key(provider, q):
    return q["body"]["recipient"]["contact_id"] if provider == "sinch" else q["body"]["ClientToken"]


def wire_figures(emu, provider, limit, n):
    """What the emulator saw: accepted per second of its clock, 429s, events twice."""
    recs = [q for q in emu.requests(all=True) if q["provider"] == provider
            and q["operation"] != "oauth_token"]
    ok = [q for q in recs if q["status"] == 200 and not q.get("replayed")]
    keys = [delivered_key(provider, q) for q in ok]
    span = max(q["received"] for q in ok) - min(q["received"] for q in recs) if ok else 0
    throttled = sum(1 for q in recs if q["status"] == 429)
    return {"requests": len(recs), "accepted": len(ok),
            "events_per_s": round(len(ok) / span, 1) if span > 0 else 0,
            "ratio_to_limit": round(len(ok) / span / limit, 3) if span > 0 else 0,
            "throttled": throttled,
            "throttled_share": round(throttled / len(recs), 4) if recs else 0,
            "delivered_twice": len(keys) - len(set(keys)),
            "never_delivered": n - len(set(keys))}


def celery_scenario(name, emu, redis_url, provider, limit, n, burst):
    import celery_app
    emu.reset()
    celery_app.app.control.purge()  # nothing left over from an earlier scenario
    shared = name == "shared"
    procs = start_workers(worker_env(emu, redis_url, provider, limit, shared, burst))
    try:
        wait_ready(celery_app.app, len(GROUPS))
        if name == "celery":  # Celery's own limit, per worker node: split evenly
            per_node = "%g/s" % (limit / len(GROUPS))
            for task in ("celery_app.send_once", "celery_app.send_idempotent"):
                celery_app.app.control.rate_limit(task, per_node, reply=True, timeout=2)
        t0 = time.monotonic()
        results = [celery_app.queue_send(provider, op, req)
                   for op, req in requests_for(provider, n, emu)]
        # ours must finish; the others are given a bounded time, then what is left is dropped
        deadline = t0 + (max(120, 4 * n / limit) if shared else max(60, 2 * n / limit))
        while time.monotonic() < deadline and not all(r.ready() for r in results):
            time.sleep(0.25)
        celery_app.app.control.purge()
        outcomes = [r.result for r in results if r.ready() and isinstance(r.result, dict)]
        for r in results:
            r.forget()  # let go of each result while Redis is still there
        del results, r
        gc.collect()
    finally:
        stop_workers(procs)
    fig = wire_figures(emu, provider, limit, n)
    fig.update(scenario=name, provider=provider, limit=limit, tasks=n,
               outcomes_recorded=len(outcomes),
               # ours: a task without its outcome is lost; the others: unfinished in the time
               **{"outcomes_lost" if shared else "unfinished": n - len(outcomes)},
               maybe_not_resent=sum(1 for o in outcomes if o["sent"] == "maybe"))
    return fig


def one_process(emu, provider, limit, n):
    import sendevent
    emu.reset()
    if provider == "sinch":
        opts = dict(base_url=emu.sinch_base_url, auth_url=emu.sinch_token_url,
                    project_id="bench-project", key_id=emu.sinch_key_id,
                    key_secret=emu.sinch_key_secret)
    else:
        opts = dict(endpoint_url=emu.connect_endpoint)
    with sendevent.Client(provider, max_rate=limit, **opts) as c:
        c.send_many("send_event", [req for _, req in requests_for(provider, n, emu)])
    fig = wire_figures(emu, provider, limit, n)
    fig.update(scenario="one process, max_rate", provider=provider, limit=limit, tasks=n)
    return fig


def boto3_adaptive(emu, limit, n):
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        return None
    emu.reset()
    client = boto3.client("connectparticipant", region_name="us-east-1",
                          endpoint_url=emu.connect_endpoint, aws_access_key_id="x",
                          aws_secret_access_key="x",
                          config=Config(retries={"mode": "adaptive", "max_attempts": 10}))
    failed = 0
    for _ in range(n):
        try:
            client.send_event(ConnectionToken=emu.connect_connection_token,
                              ContentType="application/vnd.amazonaws.connect.event.typing")
        except Exception:  # noqa: BLE001 - a send that failed after its retries
            failed += 1
    fig = wire_figures(emu, "connect", limit, n)
    fig.update(scenario="one process, boto3 adaptive", provider="connect", limit=limit,
               tasks=n, failed=failed)
    return fig


# ---- the run -----------------------------------------------------------------------------------

def targets(rows):
    """(row, what, met) for each target of the issue."""
    out = []
    for r in rows:
        if r["scenario"] == "shared":
            out.append((r, "throughput >= 0.95x the limit", r["ratio_to_limit"] >= 0.95))
            out.append((r, "429 answers <= 1%", r["throttled_share"] <= 0.01))
        if r["scenario"] == "one process, max_rate":
            out.append((r, "throughput >= 0.97x the limit", r["ratio_to_limit"] >= 0.97))
            out.append((r, "no 429", r["throttled"] == 0))
    return out


def main():
    args = parse_args()
    from conftest import Redis, start_emulator
    os.environ.setdefault("SE_EMULATOR", str(Path(args.build).resolve() / "emulator" /
                                             "sendevent-emulator"))
    n = 400 if args.smoke else args.count
    nc = 200 if args.smoke else args.connect_count
    redis = Redis()
    emu = start_emulator("--max-records", str(4 * max(n, nc) + 1000),
                         "--sinch-rate", str(SINCH_LIMIT),
                         "--connect-rate", str(args.connect_limit))
    os.environ["SE_BROKER"] = redis.url.rsplit("/", 1)[0] + "/1"
    rows = []
    try:
        chosen = set(("shared", "one") if args.smoke else args.scenarios.split(","))
        for name in ("shared", "celery", "unlimited"):
            if name in chosen:
                rows.append(celery_scenario(name, emu, redis.url, "sinch", SINCH_LIMIT, n,
                                            args.burst))
        if "connect" in chosen:
            rows.append(celery_scenario("shared", emu, redis.url, "connect",
                                        args.connect_limit, nc, args.burst))
        if "one" in chosen:
            rows.append(one_process(emu, "sinch", SINCH_LIMIT, n))
            rows.append(one_process(emu, "connect", args.connect_limit, nc))
        if "boto3" in chosen:
            b = boto3_adaptive(emu, args.connect_limit, min(nc, 1000))  # boto3 is slow here
            rows.append(b) if b else print("boto3: skipped (python3-boto3 not installed)")
    finally:
        if "celery_app" in sys.modules:
            sys.modules["celery_app"].app.close()
        emu.stop()
        redis.stop()

    cols = ("scenario", "provider", "limit", "accepted", "events_per_s", "ratio_to_limit",
            "throttled", "throttled_share", "delivered_twice", "outcomes_lost", "unfinished")
    print(" | ".join(cols))
    for r in rows:
        print(" | ".join(str(r.get(c, "")) for c in cols))
    checks = targets(rows)
    for r, what, met in checks:
        print("target %-32s %-8s %-30s %s" % (r["scenario"], r["provider"], what,
                                              "met" if met else "NOT met"))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M"), "rows": rows,
                                          "smoke": args.smoke}, indent=1) + "\n")
    honest = all(r.get("outcomes_lost", 0) == 0 for r in rows) and all(
        r["delivered_twice"] == 0 for r in rows if r["provider"] == "connect"
        or r["scenario"] == "shared")
    if not honest:
        print("bench-scale: an outcome was lost or an event delivered twice")
        return 1
    if args.strict and not all(met for _, _, met in checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
