"""The command line path of the benchmark: `sendevent PROVIDER send_event --batch FILE
--concurrency 64` measured from outside, the way a user runs it.

    python cli_batch.py SENDEVENT PROVIDER BASE_URL N [WARMUP [CA_FILE]]

Writes WARMUP + N copies of the provider's bench request (the same text as bench/c/common.h's)
to a file, one per line, runs the command on it with its result lines on a pipe that this
process reads, and measures from the moment the WARMUP-th result line has been read to the end
of the output: by then the command has started, made its client and opened its connections (as
the C batch path's warm-up batch does), and the N events after it are the streaming path at
work — reading, handing lines to the library's engine, formatting each result and writing it
with its own write(2). CPU is the command's (its threads together): /proc/PID/stat at the mark
(clock ticks), its rusage from wait4 at the end. Over https (BASE_URL https://...) the command
trusts CA_FILE with --set ca_file=.... Prints one JSON line like the C programs:
    {"n":..,"ok":..,"wall_s":..,"user_s":..,"sys_s":..,"maxrss_kb":..,"minflt":..,"nvcsw":..}
(nvcsw: the whole run's, warm-up included). Exit 0 only when the command exited 0 and every
result line says "ok": true.
"""

import json
import os
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


def cpu_ticks(pid):
    """(user, system) CPU seconds of process pid, its threads together, and its minor faults."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    # after the ")": state is field 3, so minflt (10), utime (14), stime (15) are at 7, 11, 12
    return int(fields[11]) / tick, int(fields[12]) / tick, int(fields[7])


def main(argv):
    cli, provider, base_url, n = argv[0], argv[1], argv[2], int(argv[3])
    warmup = int(argv[4]) if len(argv) > 4 else 0
    ca_file = argv[5] if len(argv) > 5 and argv[5] != "-" else None
    options = dict(OPTIONS[provider], base_url=base_url)
    if ca_file:
        options["ca_file"] = ca_file
    argvc = [cli, provider, "send_event", "--batch", None, "--concurrency", str(CONCURRENCY),
             "--no-progress"]
    for k, v in options.items():
        argvc += ["--set", "%s=%s" % (k, v)]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SENDEVENT_") and not k.startswith("AWS_")}
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", prefix="bench-cli-") as batch:
        batch.write((REQUESTS[provider] + "\n") * (warmup + n))
        batch.flush()
        argvc[4] = batch.name
        proc = subprocess.Popen(argvc, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        fd = proc.stdout.fileno()
        chunks, lines, mark = [], 0, None
        end = time.monotonic() + TIMEOUT
        t0 = time.perf_counter()
        cpu0 = (0.0, 0.0, 0)
        while time.monotonic() < end:
            data = os.read(fd, 1 << 20)
            if not data:
                break
            chunks.append(data)
            lines += data.count(b"\n")
            if mark is None and lines >= warmup:
                mark = time.perf_counter()
                cpu0 = cpu_ticks(proc.pid) if warmup else (0.0, 0.0, 0)
                if not warmup:
                    mark = t0
        t1 = time.perf_counter()
        err = proc.stderr.read()
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    results = [json.loads(x) for x in b"".join(chunks).splitlines() if x.strip()]
    measured = results[warmup:]
    ok = sum(1 for r in measured if r.get("ok"))
    all_ok = proc.returncode == 0 and len(results) == warmup + n and all(
        r.get("ok") for r in results)
    print(json.dumps({"n": n, "ok": ok, "wall_s": t1 - (mark or t0),
                      "user_s": ru.ru_utime - cpu0[0], "sys_s": ru.ru_stime - cpu0[1],
                      "maxrss_kb": ru.ru_maxrss, "minflt": ru.ru_minflt - cpu0[2],
                      "nvcsw": ru.ru_nvcsw}))
    if not all_ok:
        sys.stderr.write("sendevent exit %d, %d of %d results, %d ok: %s\n" % (
            proc.returncode, len(results), warmup + n, ok,
            err.decode(errors="replace").strip()[-500:]))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
