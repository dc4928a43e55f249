"""The soak: 1,000,000 sends through the Python API with RSS sampled (bench/py/soak.py), and
the soak mode of bench/run.py."""

import datetime
import json
import os
import subprocess

from harness.clients import python_status
from harness.common import HERE, log
from harness.json_doc import environment, write_json
from harness.targets import T_SOAK_MIB


def run_soak(env, count, timeout, sample_every):
    ok, reason = python_status(env.our_python, "import sendevent")
    if not ok:
        return {"status": "error", "reason": "sendevent not importable by %s: %s"
                % (env.our_python, reason)}
    cmd = [env.our_python, os.path.join(HERE, "py", "soak.py"), env.responder.urls["http"],
           str(count),
           str(sample_every), str(timeout)]
    log("soak: %d sends through the Python API (at most %d s)" % (count, timeout))
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 60)
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": "soak timed out after %d s" % timeout}
    result = None
    for line in r.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
    if r.returncode != 0 or not result:
        tail = (r.stderr.strip().splitlines() or [""])[-1]
        return {"status": "error", "reason": "exit %d: %s" % (r.returncode, tail),
                "raw": result}
    result["status"] = "ok"
    return result


def main_soak(args, env, started):
    soak = run_soak(env, args.soak_count, args.soak_timeout, max(1000, args.soak_count // 200))
    soak["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    soak["env"] = environment(args)
    doc = soak
    if soak["status"] == "ok":
        met = soak["growth_mib"] < T_SOAK_MIB
        soak["target"] = {"limit_mib": T_SOAK_MIB, "met": met}
        print("soak: %d sends in %.0f s (%.0f sends/s); RSS %.1f MiB after warm-up, max %.1f MiB "
              "after it, final %.1f MiB: growth %.2f MiB (target < %.0f MiB: %s)" % (
                  soak["count"], soak["wall_s"], soak["count"] / soak["wall_s"],
                  soak["baseline_rss_kb"] / 1024, soak["max_rss_after_warmup_kb"] / 1024,
                  soak["final_rss_kb"] / 1024, soak["growth_mib"], T_SOAK_MIB,
                  "met" if met else "NOT MET"))
    else:
        print("soak: ERROR: %s" % soak["reason"])
    write_json(doc, args.out)
    if soak["status"] != "ok":
        return 1
    return 1 if args.strict and not soak["target"]["met"] else 0
