"""The command line path of the benchmark: `sendevent PROVIDER send_event --batch FILE
--concurrency 64 > results` measured from outside, the way a user runs it.

    python cli_batch.py SENDEVENT PROVIDER BASE_URL N [WARMUP [CA_FILE]]

Runs the command twice, each on a file of copies of the provider's bench request (the same text
as bench/c/common.h's), one per line, its result lines going to a file: once with WARMUP lines
and once with WARMUP + N. The figures are the differences between the two runs (wall time from
start to exit, the command's CPU from wait4, its threads together; page faults), as callgrind's
are: what starting the process, making its client and opening its connections cost cancels out
(the C batch path leaves them to its warm-up batch), and what remains is N events through the
streaming path — reading the lines, handing them to the library's engine, formatting each result
and writing it. Over https (BASE_URL https://...) the command trusts CA_FILE with
--set ca_file=.... Prints one JSON line like the C programs:
    {"n":..,"ok":..,"wall_s":..,"user_s":..,"sys_s":..,"maxrss_kb":..,"minflt":..,"nvcsw":..}
(maxrss_kb: the longer run's). Exit 0 only when both runs exited 0 with every result line
saying "ok": true.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

# The bench credentials and requests: the same as bench/c/common.h.
SINCH_PROJECT = "bench-project"
SINCH_TOKEN = "bench-access-token-0123456789abcdef"
ZAPI_INSTANCE = "3C5A0B1D2E3F4A5B6C7D8E9F0A1B2C3D"
ZAPI_TOKEN = "F0E1D2C3B4A5968778695A4B3C2D1E0F"
ZAPI_CLIENT_TOKEN = "Fa1b2c3d4e5f60718293a4b5c6d7e8f9S"
CONNECT_TOKEN = "QVFJREFIaGJlbmNoLWNvbm5lY3Rpb24tdG9rZW4tMDEyMzQ1Njc4OWFiY2RlZg"
REQUESTS = {
    "sinch": '{"app_id":"01HBENCHAPP0000000000000000","recipient":{"contact_id":'
             '"01HBENCHCONTACT00000000000"},"event":{"composing_event":{}}}',
    "zapi": '{"phone":"120363019502650977-group","event":{"name":"Standup",'
            '"dateTime":"2024-04-29T09:30:53.309Z"}}',
    "connect": '{"ContentType":"application/vnd.amazonaws.connect.event.typing",'
               '"ConnectionToken":"%s"}' % CONNECT_TOKEN,
}
OPTIONS = {
    "sinch": {"project_id": SINCH_PROJECT, "access_token": SINCH_TOKEN},
    "zapi": {"instance_id": ZAPI_INSTANCE, "token": ZAPI_TOKEN,
             "client_token": ZAPI_CLIENT_TOKEN},
    "connect": {},
}
CONCURRENCY = 64
TIMEOUT = 600


def run(argv, lines, request, env):
    """One run of the command on `lines` copies of request: wall seconds, its rusage (RUSAGE_
    CHILDREN around it: this process has no other children), the ok results, whether every
    result was ok with exit 0, the end of its stderr."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", prefix="bench-cli-") as batch, \
            tempfile.TemporaryFile(prefix="bench-cli-out-") as out:
        batch.write((request + "\n") * lines)
        batch.flush()
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.Popen([*argv, "--batch", batch.name], stdout=out,
                                stderr=subprocess.PIPE, env=env)
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        wall = time.perf_counter() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        results = [json.loads(x) for x in out.read().splitlines() if x.strip()]
    ok = sum(1 for r in results if r.get("ok"))
    usage = {"user_s": ru1.ru_utime - ru0.ru_utime, "sys_s": ru1.ru_stime - ru0.ru_stime,
             "minflt": ru1.ru_minflt - ru0.ru_minflt, "nvcsw": ru1.ru_nvcsw - ru0.ru_nvcsw,
             "maxrss_kb": ru1.ru_maxrss}
    all_ok = proc.returncode == 0 and ok == lines == len(results)
    return wall, usage, ok, all_ok, err.decode(errors="replace").strip()[-500:]


def main(argv):
    cli, provider, base_url, n = argv[0], argv[1], argv[2], int(argv[3])
    warmup = int(argv[4]) if len(argv) > 4 else 0
    ca_file = argv[5] if len(argv) > 5 and argv[5] != "-" else None
    options = dict(OPTIONS[provider], base_url=base_url)
    if ca_file:
        options["ca_file"] = ca_file
    cmd = [cli, provider, "send_event", "--concurrency", str(CONCURRENCY), "--no-progress"]
    for k, v in options.items():
        cmd += ["--set", "%s=%s" % (k, v)]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SENDEVENT_") and not k.startswith("AWS_")}
    short = run(cmd, warmup, REQUESTS[provider], env) if warmup else (0.0, None, 0, True, "")
    wall, usage, ok, all_ok, err = run(cmd, warmup + n, REQUESTS[provider], env)
    base = short[1] or {k: 0 for k in usage}
    result = {"n": n, "ok": ok - short[2], "wall_s": wall - short[0]}
    for k in ("user_s", "sys_s", "minflt", "nvcsw"):
        result[k] = usage[k] - base[k]
    result["maxrss_kb"] = usage["maxrss_kb"]
    print(json.dumps(result))
    for good, e, lines in ((short[3], short[4], warmup), (all_ok, err, warmup + n)):
        if not good:
            sys.stderr.write("sendevent on %d lines: not every result ok: %s\n" % (lines, e))
    return 0 if short[3] and all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
