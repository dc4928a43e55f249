"""Running one path (a process per run, timed by the client, connections counted by the
responder) and every path in interleaved rounds, with the medians of the runs."""

import json
import os
import statistics
import subprocess
import time

from harness.common import log
from harness.paths import PATH_INFO, PROVIDERS, in_run, key_of

RUN_TIMEOUT = 600       # seconds, any single client run


def median_of(values):
    """The median of the values that were measured (None: a run too short to time), or None."""
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def run_once(env, scheme, name, provider, n, warmup):
    cmd = env.command(scheme, name, provider, n, warmup)
    t0 = time.monotonic()
    mark = env.responder.log_mark()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                           env=dict(os.environ, AWS_EC2_METADATA_DISABLED="true"))
    except subprocess.TimeoutExpired:
        return {"error": "timed out after %d s" % RUN_TIMEOUT}
    result = None
    for line in r.stdout.splitlines():
        if line.startswith("{"):
            try:
                result = json.loads(line)
            except ValueError:
                pass
    if result and "skipped" in result:
        return result
    if r.returncode != 0 or not result:
        tail = (r.stderr.strip().splitlines() or [""])[-1]
        msg = "exit %d" % r.returncode
        if result:
            msg += ", %d of %d ok" % (result.get("ok", 0), result.get("n", 0))
        return {"error": msg + (": " + tail if tail else ""), "raw": result}
    n_ = result["n"]
    cpu = result["user_s"] + result["sys_s"]
    # the whole run's (warm-up included), as the responder saw them
    conns, resumed = env.responder.connections_since(mark)
    result.update({
        "cpu_us_per_event": cpu / n_ * 1e6,
        "user_us_per_event": result["user_s"] / n_ * 1e6,
        "sys_us_per_event": result["sys_s"] / n_ * 1e6,
        "wall_us_per_event": result["wall_s"] / n_ * 1e6,
        "events_per_s": n_ / result["wall_s"] if result["wall_s"] > 0 else None,
        "page_faults_per_event": result.get("minflt", 0) / n_,
        "context_switches_per_event": result.get("nvcsw", 0) / n_,
        "new_connections": conns,
        "resumed_sessions": resumed,
        "process_s": time.monotonic() - t0,
    })
    return result


METRICS = ("cpu_us_per_event", "user_us_per_event", "sys_us_per_event", "wall_us_per_event",
           "events_per_s", "maxrss_kb", "page_faults_per_event", "context_switches_per_event",
           "new_connections", "resumed_sessions")


def run_rounds(env, mode, schemes, rounds, results):
    jobs = [(scheme, name, provider) for scheme in schemes for name in PATH_INFO
            for provider in PROVIDERS if in_run(mode, scheme, name, provider)]
    for scheme, name, provider in jobs:
        results.setdefault(key_of(scheme, name, provider),
                           {"scheme": scheme, "path": name, "provider": provider, "runs": []})
    for rnd in range(rounds):
        shift = (rnd * len(jobs)) // max(rounds, 1)
        order = jobs[shift:] + jobs[:shift]  # interleaved: each round starts elsewhere
        log("round %d/%d" % (rnd + 1, rounds))
        for scheme, name, provider in order:
            rec = results[key_of(scheme, name, provider)]
            if name in env.skip:
                rec["status"], rec["reason"] = "skipped", env.skip[name]
                continue
            if rec.get("status") in ("skipped", "error"):
                continue
            env.responder.check()
            n, warmup = env.counts(mode, name)
            r = run_once(env, scheme, name, provider, n, warmup)
            label = "%-5s %-15s %-8s" % (scheme, name, provider)
            if "skipped" in r:
                rec["status"], rec["reason"] = "skipped", r["skipped"]
                log("  %s skipped: %s" % (label, r["skipped"]))
                continue
            if "error" in r:
                rec["status"], rec["reason"] = "error", r["error"]
                log("  %s ERROR: %s" % (label, r["error"]))
                continue
            rec["runs"].append(r)
            eps = r["events_per_s"]  # None: the run was too short to time (cli_batch's difference)
            log("  %s %8.1f us cpu/event %9s events/s" % (
                label, r["cpu_us_per_event"], "%.0f" % eps if eps is not None else "n/a"))
    for rec in results.values():
        if rec.get("status") in ("skipped", "error"):
            continue
        rec["status"] = "ok"
        rec["median"] = {m: median_of(r[m] for r in rec["runs"]) for m in METRICS}
        rec["n_per_run"] = rec["runs"][0]["n"]
