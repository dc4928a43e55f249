"""callgrind: instructions per event, as the difference of two run lengths (start-up cancels
out)."""

import os
import shutil
import subprocess

from harness.common import log
from harness.paths import CALLGRIND_N, CALLGRIND_PY_N, CALLGRIND_TLS_PATHS, PATH_INFO

CALLGRIND_TIMEOUT = 900


def callgrind_total(path):
    with open(path) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise ValueError("no totals in %s" % path)


def callgrind_one(env, scheme, name, provider, n, outdir, keep):
    cmd = env.command(scheme, name, provider, n, 0)
    out = os.path.join(outdir, "callgrind.%s.%s.%s.%d" % (scheme, name, provider, n))
    vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out]
    if keep and PATH_INFO[name][1] == "c":
        vg += ["--dump-instr=yes"]  # for callgrind_annotate per instruction
    try:
        r = subprocess.run(vg + cmd, capture_output=True, text=True, timeout=CALLGRIND_TIMEOUT,
                           env=dict(os.environ, AWS_EC2_METADATA_DISABLED="true"))
    except subprocess.TimeoutExpired:
        return None, "callgrind timed out"
    if r.returncode != 0:
        tail = (r.stderr.strip().splitlines() or [""])[-1]
        return None, "callgrind run failed (exit %d): %s" % (r.returncode, tail)
    total = callgrind_total(out)
    if not keep:
        os.unlink(out)
    return total, out


def run_callgrind(env, mode, results, outdir, python_paths):
    if not shutil.which("valgrind"):
        for rec in results.values():
            rec["instructions_per_event"] = None
        return "valgrind not installed"
    keep = mode == "bench"
    for key, rec in results.items():
        scheme, name, provider = rec["scheme"], rec["path"], rec["provider"]
        kind, mode_ = PATH_INFO[name][1], PATH_INFO[name][5]
        if rec.get("status") != "ok" or mode_ == "cold":
            continue  # a cold batch's cost is its connections': CPU time says it
        if kind == "py" and name not in python_paths or kind == "cli":
            continue  # cli: the driver's process is not the command's
        if scheme == "https" and name not in CALLGRIND_TLS_PATHS:
            continue
        if mode == "smoke" and (provider != "zapi" or scheme == "https" and name != "se_send"):
            continue  # the smoke run only proves the harness works (each scheme's command)
        n1, n2 = (CALLGRIND_PY_N if kind == "py" else CALLGRIND_N)[mode]
        log("callgrind: %s (%d and %d events)" % (key, n1, n2))
        t1, f1 = callgrind_one(env, scheme, name, provider, n1, outdir, keep)
        t2, f2 = callgrind_one(env, scheme, name, provider, n2, outdir, keep)
        if t1 is None or t2 is None:
            rec["instructions_error"] = f1 if t1 is None else f2
            rec["status"], rec["reason"] = "error", rec["instructions_error"]
            log("  ERROR: %s" % rec["instructions_error"])
            continue
        rec["instructions_per_event"] = (t2 - t1) / (n2 - n1)
        rec["callgrind"] = {"n": [n1, n2], "totals": [t1, t2]}
        if keep:
            rec["callgrind"]["files"] = [f1, f2]
        log("  %.0f instructions/event" % rec["instructions_per_event"])
    return None
