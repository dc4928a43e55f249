"""How long `import sendevent` takes over a bare `/usr/bin/python3 -c pass`."""

import os
import statistics
import subprocess
import time

from harness.clients import python_status


def measure_import(env, reps):
    ok, reason = python_status(env.our_python, "import sendevent")
    if not ok:
        return {"status": "skipped", "reason": "sendevent not importable by %s: %s"
                % (env.our_python, reason)}
    site = subprocess.run([env.our_python, "-c", "import os, sendevent; print(os.path.dirname("
                           "os.path.dirname(os.path.abspath(sendevent.__file__))))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    base = env.base_python
    # The same interpreter for both: /usr/bin/python3, with the installed package on its path.
    penv = dict(os.environ, PYTHONPATH=site)
    variants = {
        "bare": ([base, "-c", "pass"], penv),
        "import": ([base, "-c", "import sendevent"], penv),
        "venv_bare": ([env.our_python, "-c", "pass"], None),
        "venv_import": ([env.our_python, "-c", "import sendevent"], None),
        # what a short-lived script pays before its first send (a lazily loaded extension
        # would move cost from the import to here): shown, not a target
        "import_client": ([base, "-c", "import sendevent; sendevent.Client('zapi', "
                           "instance_id='i', token='t').close()"], penv),
    }
    times = {k: [] for k in variants}
    for _ in range(2):  # warm the page cache
        for cmd, e in variants.values():
            subprocess.run(cmd, env=e, check=True)
    for _ in range(reps):
        for k, (cmd, e) in variants.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, env=e, check=True)
            times[k].append((time.perf_counter() - t0) * 1000)
    med = {k: statistics.median(v) for k, v in times.items()}
    # what the import spends its time on (self time of the largest modules), for the docs
    r = subprocess.run([base, "-X", "importtime", "-c", "import sendevent"], env=penv,
                       capture_output=True, text=True)
    top = []
    for line in r.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].startswith("import time:") and parts[1].strip().isdigit():
            top.append((int(parts[0].split(":")[1]), int(parts[1]), parts[2].rstrip()))
    top.sort(reverse=True)
    return {"status": "ok", "reps": reps, "median_ms": med,
            "delta_ms": med["import"] - med["bare"],
            "venv_delta_ms": med["venv_import"] - med["venv_bare"],
            "import_and_client_delta_ms": med["import_client"] - med["bare"],
            "site": site,
            "importtime_top_self_us": [{"self_us": s, "cumulative_us": c, "module": m.strip()}
                                       for s, c, m in top[:12]]}
