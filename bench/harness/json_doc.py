"""The JSON document of a run: the host it ran on, the run's configuration, and writing it
(bench/results/latest.json, smoke.json, soak.json by default)."""

import datetime
import json
import os
import platform
import subprocess
import sys
import time

from harness.common import ROOT, log
from harness.paths import (CALLGRIND_N, CALLGRIND_PY_N, CALLGRIND_TLS_PATHS, COLD_BATCHES,
                           COLD_PROVIDERS, COUNTS, IN_FLIGHT)


def environment(args):
    def cmd_out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return None

    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    nginx_v = subprocess.run([args.nginx, "-v"], capture_output=True, text=True).stderr.strip()
    nginx_ssl = "--with-http_ssl_module" in subprocess.run(
        [args.nginx, "-V"], capture_output=True, text=True).stderr
    return {
        "host": platform.node(), "kernel": platform.release(), "cpu": cpu,
        "cpus": os.cpu_count(), "python": sys.version.split()[0],
        "curl": (cmd_out(["curl-config", "--version"]) or ""),
        "cjson": cmd_out(["pkg-config", "--modversion", "libcjson"]),
        "nginx": nginx_v, "nginx_ssl_module": nginx_ssl,
        "openssl": cmd_out(["openssl", "version"]), "valgrind": cmd_out(["valgrind", "--version"]),
        "git_commit": cmd_out(["git", "-C", ROOT, "rev-parse", "HEAD"]),
        "git_dirty": bool(cmd_out(["git", "-C", ROOT, "status", "--porcelain", "--",
                                   "libcore", "bindings", "python", "bench"])),
    }


def write_json(doc, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")
    os.replace(tmp, path)
    log("wrote %s" % path)


def bench_doc(args, started, results, ratios, cold_ratios, imp, soak, targets, cg_note):
    """The document of a bench or smoke run (schema 2), without its "table"."""
    mode = args.mode
    return {
        "schema": 2, "mode": mode,
        "started": datetime.datetime.fromtimestamp(started, datetime.timezone.utc)
        .isoformat(timespec="seconds"),
        "duration_s": round(time.time() - started, 1),
        "config": {"rounds": args.rounds, "counts": COUNTS[mode], "in_flight": IN_FLIGHT,
                   "schemes": args.schemes, "cold_batch": args.cold_batch,
                   "cold_batches": COLD_BATCHES[mode], "cold_providers": COLD_PROVIDERS,
                   "callgrind_n": CALLGRIND_N[mode], "callgrind_python_n": CALLGRIND_PY_N[mode],
                   "callgrind_tls_paths": CALLGRIND_TLS_PATHS,
                   "responder": "nginx, one process, keep-alive, 127.0.0.1, plain http and "
                                "https (TLS 1.2/1.3, P-256 certificate from the run's CA), "
                                "access log: one line per new connection",
                   "callgrind_note": cg_note},
        "env": environment(args),
        "paths": results, "ratios": ratios, "cold_ratios": cold_ratios, "import": imp,
        "soak": soak, "targets": targets,
    }
