#!/usr/bin/python3
"""libsendevent's benchmark suite: baselines and our paths measured side by side in one run.

    bench/run.py bench  [options]   the full run (make bench): figures, ratios, targets
    bench/run.py smoke  [options]   a few hundred sends per path (make bench-smoke, make test):
                                    fails if any path errors, asserts nothing about speed
    bench/run.py soak   [options]   1,000,000 sends through the Python API, RSS sampled
                                    (make bench-soak)

What it does (docs/performance.md explains every figure):
  1. builds the C programs of bench/c/ against <build>/libsendevent.so (into <build>/bench/);
  2. makes a throw-away CA and a server certificate for 127.0.0.1 / localhost signed by it
     (openssl CLI, into a temporary directory) and starts a static nginx responder
     (bench/nginx/nginx.conf.in) on 127.0.0.1 with two free ports, plain http and https
     (that certificate), in that directory; stops it by its pid and removes the directory on
     exit;
  3. runs every client path over each scheme as its own process (over https trusting the CA),
     in interleaved rounds (the order rotates each round), and takes medians: client CPU per
     event (getrusage of the client process around the measured loop), wall time, events/s,
     peak RSS, and the new connections (and resumed TLS sessions) the responder saw;
     the cold-batch paths send their events in batches on new connections;
  4. counts instructions per event with valgrind --tool=callgrind as the difference of two run
     lengths (start-up cancels out): every C path and the sequential Python paths over http,
     the sequential C paths over https;
  5. times `import sendevent` against a bare `/usr/bin/python3 -c pass`;
  6. prints the tables of each scheme with their ratios, the cold batches, each target with
     met / NOT MET, and writes JSON (bench/results/latest.json by default; smoke.json,
     soak.json for the other modes).

Every server listens on 127.0.0.1 only; every client run has a count and a time limit.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROVIDERS = ("sinch", "zapi", "connect")
IN_FLIGHT = 64
# Every path runs over both: plain http, and https to the same nginx with a certificate from
# the run's own CA, which every client is told to trust.
SCHEMES = ("http", "https")
SCHEME_TITLES = {"http": "plain http, keep-alive",
                 "https": "https (TLS), keep-alive, trusting the run's CA"}

# Targets (ratios in the same run), for each scheme. Issue 12 made issue 6's stricter (1.5x,
# 1.2x, 0.9x before). Never weaken these.
T_PY_SEQ_CPU = 1.15     # Python API sequential CPU/event <= 1.15x the bare C loop's
T_C_SEQ_INSTR = 0.95    # C API sequential instructions/event <= 0.95x the bare C loop's
T_MULTI_EPS = 0.95      # se_batch and send_many events/s >= 0.95x the bare curl multi's
T_IMPORT_MS = 10.0      # import sendevent <= 10 ms over /usr/bin/python3 -c pass
T_SOAK_MIB = 2.0        # RSS growth < 2 MiB over 1,000,000 sends
# Issue 15 (asyncio): AsyncClient.send_many and send_iter with 64 in flight
T_ASYNC_EPS = 0.9       # events/s >= 0.9x the bare curl multi's
T_ASYNC_VS_CLIENTS = 5.0  # events/s >= 5x aiohttp's and httpx.AsyncClient's, same 64 in flight
T_ASYNC_SEQ_CPU = 1.3   # sequential await send_event: CPU/event <= 1.3x the sync send_event's
ASYNC_MULTI = ("async_many", "async_iter")
ASYNC_CLIENTS = ("aiohttp", "httpx_async")
T_CLI_EPS = 0.9         # sendevent --batch (streaming) events/s >= 0.9x se_batch's (issue 16)

# The paths. kind: c (a program of bench/c), py (bench/py/driver.py) or cli (the sendevent
# command, run and measured by bench/py/cli_batch.py); args: the program's
# leading arguments; mode: seq, multi, or cold (batches of --cold-batch events, each on new
# connections: bench/c/common.h, bench_multi_main).
#   name             kind  program/driver  args                  group       mode     label
PATHS = [
    ("bare_loop",       "c",  "bare_loop",   (),                   "baseline", "seq",
     "bare C: libcurl easy + cJSON"),
    ("bare_multi",      "c",  "bare_multi",  (),                   "baseline", "multi",
     "bare C: curl multi, 64 in flight"),
    ("http_client",     "py", "http_client", (),                   "baseline", "seq",
     "Python http.client + json"),
    ("requests",        "py", "requests",    (),                   "baseline", "seq",
     "Python requests Session.post"),
    ("boto3",           "py", "boto3",       (),                   "baseline", "seq",
     "Python boto3 send_event"),
    ("se_send",         "c",  "se_loop",     (),                   "ours",     "seq",
     "C API se_send, sequential"),
    ("se_batch",        "c",  "se_batch",    (),                   "ours",     "multi",
     "C API se_batch, 64 in flight"),
    ("py_send",         "py", "se_seq",      (),                   "ours",     "seq",
     "Python API send_event, sequential"),
    ("send_many",       "py", "se_many",     (),                   "ours",     "multi",
     "Python API send_many, 64 in flight"),
    ("aiohttp",         "py", "aiohttp",     (),                   "baseline", "multi",
     "Python aiohttp, 64 in flight, one loop"),
    ("httpx_async",     "py", "httpx_async", (),                   "baseline", "multi",
     "Python httpx.AsyncClient, 64 in flight, one loop"),
    ("async_send",      "py", "as_seq",      (),                   "ours",     "seq",
     "Python AsyncClient await send_event, sequential"),
    ("async_many",      "py", "as_many",     (),                   "ours",     "multi",
     "Python AsyncClient send_many, 64 in flight"),
    ("async_iter",      "py", "as_iter",     (),                   "ours",     "multi",
     "Python AsyncClient send_iter, 64 in flight"),
    ("cli_batch",       "cli", "cli_batch",  (),                   "ours",     "multi",
     "sendevent --batch FILE --concurrency 64"),
    ("bare_cold_fresh", "c",  "bare_multi",  ("--cold", "fresh"),  "baseline", "cold",
     "bare C: new multi + 64 easy handles per batch"),
    ("se_cold_fresh",   "c",  "se_batch",    ("--cold", "fresh"),  "ours",     "cold",
     "C API: new client per batch"),
    ("bare_cold_reuse", "c",  "bare_multi",  ("--cold", "reuse"),  "baseline", "cold",
     "bare C: one multi, connections shut between batches"),
    ("se_cold_reuse",   "c",  "se_batch",    ("--cold", "reuse"),  "ours",     "cold",
     "C API: one client, connections shut between batches"),
]
PATH_INFO = {p[0]: p for p in PATHS}
# Cold batches: events per batch (default; --cold-batch), and the provider they run for (the
# cost is the connections', which is the same for every provider).
COLD_BATCH = 64
COLD_PROVIDERS = ("zapi",)
# Over https, callgrind counts only these (what the instructions target needs): a TLS run
# under valgrind takes about twice as long as a plain one.
CALLGRIND_TLS_PATHS = ("bare_loop", "se_send")

# events per measured run (and warm-up) for each path, full bench and smoke
COUNTS = {
    "bench": {"bare_loop": (20000, 500), "se_send": (20000, 500),
              "bare_multi": (10000, 1000), "se_batch": (10000, 1000),
              "http_client": (5000, 200), "requests": (1500, 100), "boto3": (1500, 100),
              "py_send": (10000, 500), "send_many": (10000, 1000),
              "aiohttp": (3000, 200), "httpx_async": (1500, 100), "async_send": (10000, 500),
              "async_many": (10000, 1000), "async_iter": (10000, 1000),
              "cli_batch": (20000, 1000)},
    "smoke": {"bare_loop": (300, 20), "se_send": (300, 20),
              "bare_multi": (300, 64), "se_batch": (300, 64),
              "http_client": (200, 10), "requests": (100, 10), "boto3": (100, 10),
              "py_send": (300, 20), "send_many": (300, 64),
              "aiohttp": (200, 64), "httpx_async": (100, 64), "async_send": (300, 20),
              "async_many": (300, 64), "async_iter": (300, 64),
              # the command is timed as the difference of two runs: it needs more than start-up
              "cli_batch": (3000, 300)},
}
# cold paths: batches measured and batches of warm-up (one: for "reuse" it leaves the client
# holding TLS sessions, as a client that sent before holds them)
COLD_BATCHES = {"bench": (16, 1), "smoke": (1, 1)}
# callgrind: the two run lengths whose difference gives instructions per event
CALLGRIND_N = {"bench": (500, 1500), "smoke": (20, 60)}
CALLGRIND_PY_N = {"bench": (100, 300), "smoke": (10, 30)}
RUN_TIMEOUT = 600       # seconds, any single client run
CALLGRIND_TIMEOUT = 900


def median_of(values):
    """The median of the values that were measured (None: a run too short to time), or None."""
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------
# the responder
# ------------------------------------------------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_tls_files(directory):
    """A throw-away CA (key + certificate) and a server certificate for 127.0.0.1 and
    localhost signed by it, made with the openssl CLI into directory; returns the CA
    certificate's path (what the clients trust). P-256 ECDSA keys: signing is cheap, so the
    one nginx process stays far from being the limit when every connection is new."""
    os.makedirs(directory)
    ca_key, ca_pem = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    key, csr = os.path.join(directory, "server.key"), os.path.join(directory, "server.csr")
    pem, ext = os.path.join(directory, "server.pem"), os.path.join(directory, "server.ext")
    newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    with open(ext, "w") as f:
        # what a verifier checks of a server certificate (Python's strict mode included)
        f.write("basicConstraints = critical, CA:FALSE\n"
                "keyUsage = critical, digitalSignature\n"
                "extendedKeyUsage = serverAuth\n"
                "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
                "subjectKeyIdentifier = hash\n"
                "authorityKeyIdentifier = keyid\n")
    for cmd in (
            ["openssl", "req", "-x509", *newkey, "-keyout", ca_key, "-out", ca_pem, "-days", "2",
             "-subj", "/CN=sendevent bench throw-away CA",
             "-addext", "basicConstraints = critical, CA:TRUE",
             "-addext", "keyUsage = critical, keyCertSign, cRLSign"],
            ["openssl", "req", "-new", *newkey, "-keyout", key, "-out", csr,
             "-subj", "/CN=127.0.0.1"],
            ["openssl", "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key,
             "-set_serial", "1", "-days", "2", "-extfile", ext, "-out", pem]):
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("bench: %s failed: %s" % (" ".join(cmd[:3]), r.stderr.strip()))
    return ca_pem


class Responder:
    """nginx on 127.0.0.1, two free ports (plain http and https), one process, config, logs
    and the run's TLS files in a temporary directory."""

    def __init__(self, nginx):
        self.nginx = nginx
        self.proc = None
        self.tmp = None
        self.urls = {}      # scheme -> base URL
        self.ca_file = None  # the CA the https certificate is signed by
        self.connections_log = None

    def start(self):
        if "--with-http_ssl_module" not in subprocess.run(
                [self.nginx, "-V"], capture_output=True, text=True).stderr:
            raise SystemExit("bench: %s has no ssl module (Debian's nginx-light has it)"
                             % self.nginx)
        self.tmp = tempfile.mkdtemp(prefix="se-bench-nginx-")
        self.ca_file = make_tls_files(os.path.join(self.tmp, "tls"))
        self.connections_log = os.path.join(self.tmp, "connections.log")
        for _ in range(5):
            ports = {"http": free_port(), "https": free_port()}
            if ports["http"] == ports["https"]:
                continue
            with open(os.path.join(HERE, "nginx", "nginx.conf.in")) as f:
                conf = (f.read().replace("@PORT@", str(ports["http"]))
                        .replace("@TLS_PORT@", str(ports["https"])).replace("@TMP@", self.tmp))
            conf_path = os.path.join(self.tmp, "nginx.conf")
            with open(conf_path, "w") as f:
                f.write(conf)
            err = os.path.join(self.tmp, "error.log")
            self.proc = subprocess.Popen(
                [self.nginx, "-p", self.tmp, "-e", err, "-c", conf_path],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    for port in ports.values():
                        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    self.urls = {scheme: "%s://127.0.0.1:%d" % (scheme, port)
                                 for scheme, port in ports.items()}
                    log("responder: nginx pid %d on %s and %s (CA %s)" % (
                        self.proc.pid, self.urls["http"], self.urls["https"], self.ca_file))
                    return self.urls
                except OSError:
                    time.sleep(0.05)
            self.stop_process()  # port taken meanwhile, or nginx failed: try other ports
        raise SystemExit("bench: nginx did not start; %s" % self.error_text())

    def log_mark(self):
        """Where the connections log ends now (see connections_since)."""
        try:
            return os.path.getsize(self.connections_log) if self.connections_log else 0
        except OSError:
            return 0

    def connections_since(self, mark):
        """(new connections, resumed TLS sessions) the responder logged after mark: nginx
        writes one line per connection at its first request, "<scheme> r" when the TLS
        session was resumed (bench/nginx/nginx.conf.in)."""
        try:
            with open(self.connections_log) as f:
                f.seek(mark)
                lines = f.read().split("\n")
        except OSError:
            return 0, 0
        lines = [line.split() for line in lines if line.strip()]
        return len(lines), sum(1 for w in lines if len(w) > 1 and w[1] == "r")

    def error_text(self):
        try:
            with open(os.path.join(self.tmp, "error.log")) as f:
                return f.read()[-2000:]
        except OSError:
            return "(no error log)"

    def check(self):
        if self.proc is None or self.proc.poll() is not None:
            raise SystemExit("bench: the responder died; %s" % self.error_text())

    def stop_process(self):
        p, self.proc = self.proc, None
        if p is None:
            return
        if p.poll() is None:
            p.terminate()  # this pid only: the nginx process we started
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
        if p.stderr:
            p.stderr.close()

    def stop(self):
        self.stop_process()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


# ------------------------------------------------------------------------------------------
# building and finding the clients
# ------------------------------------------------------------------------------------------

def pkg_config(*args):
    return subprocess.run(["pkg-config", *args], check=True, capture_output=True,
                           text=True).stdout.split()


def build_c(build_dir):
    lib = os.path.join(build_dir, "libsendevent.so")
    if not os.path.exists(lib):
        raise SystemExit("bench: %s not found: build the library first (make build)" % lib)
    out = os.path.join(build_dir, "bench")
    os.makedirs(out, exist_ok=True)
    cc = os.environ.get("CC", "cc")
    cflags = ["-O2", "-g", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror"]
    deps = pkg_config("--cflags", "--libs", "libcurl", "libcjson")
    srcdir = os.path.join(HERE, "c")
    headers = [os.path.join(srcdir, h) for h in ("common.h", "se_common.h", "baseline.h")]
    for prog, ours in (("bare_loop", False), ("bare_multi", False), ("se_loop", True),
                       ("se_batch", True)):  # the cold paths run bare_multi and se_batch
        src = os.path.join(srcdir, prog + ".c")
        exe = os.path.join(out, prog)
        inputs = [src, *headers] + ([lib] if ours else [])
        if os.path.exists(exe) and all(os.path.getmtime(exe) >= os.path.getmtime(i)
                                       for i in inputs):
            continue
        cmd = [cc, *cflags, "-o", exe, src]
        if ours:
            cmd += ["-I", os.path.join(ROOT, "libcore", "include"), "-L", build_dir,
                    "-lsendevent", "-Wl,-rpath," + os.path.abspath(build_dir)]
        cmd += deps
        log("cc: " + " ".join(cmd))
        subprocess.run(cmd, check=True)
    return out


def python_status(python, code):
    """(True, "") when `python -c code` succeeds, else (False, reason)."""
    if not python or not os.path.exists(python):
        return False, "%s not found" % python
    r = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=120)
    if r.returncode == 0:
        return True, ""
    lines = (r.stderr or r.stdout).strip().splitlines()
    return False, lines[-1] if lines else "exit %d" % r.returncode


# ------------------------------------------------------------------------------------------
# running one path
# ------------------------------------------------------------------------------------------

class Env:
    def __init__(self, args):
        self.args = args
        self.bin = None
        self.responder = None
        self.base_python = args.python
        self.our_python = os.path.join(args.venv, "bin", "python")
        self.skip = {}  # path name -> reason

    def command(self, scheme, name, provider, n, warmup):
        """The command line of one run of a path over scheme (https: trusting the run's CA)."""
        _, kind, prog, lead, group, mode, _ = PATH_INFO[name]
        tail = [provider, self.responder.urls[scheme], str(n), str(warmup),
                self.responder.ca_file if scheme == "https" else "-"]
        if kind == "c":
            if mode == "cold":
                lead = (*lead, "--batch", str(self.args.cold_batch))
            return [os.path.join(self.bin, prog), *lead, *tail]
        if kind == "cli":  # the command, run by a driver on the baselines' interpreter
            return [self.base_python, os.path.join(HERE, "py", "cli_batch.py"),
                    os.path.join(self.args.build, "cli", "sendevent"), *tail]
        python = self.our_python if group == "ours" else self.base_python
        return [python, os.path.join(HERE, "py", "driver.py"), prog, *tail]

    def counts(self, mode, name):
        """(events measured, events of warm-up) of one run of a path."""
        if PATH_INFO[name][5] == "cold":
            batches, warm = COLD_BATCHES[mode]
            return batches * self.args.cold_batch, warm * self.args.cold_batch
        return COUNTS[mode][name]


def applicable(name, provider):
    if PATH_INFO[name][5] == "cold":
        return provider in COLD_PROVIDERS
    return name != "boto3" or provider == "connect"


def in_run(mode, scheme, name, provider):
    """Whether a run of this mode runs the path for the provider over the scheme. The smoke run
    proves the https harness with one provider per path (Z-API; boto3: Connect), which keeps it
    short: what differs between providers is the same over both schemes."""
    if not applicable(name, provider):
        return False
    return mode != "smoke" or scheme == "http" or provider == (
        "connect" if name == "boto3" else "zapi")


def key_of(scheme, name, provider):
    return "%s/%s/%s" % (scheme, name, provider)


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


# ------------------------------------------------------------------------------------------
# callgrind: instructions per event
# ------------------------------------------------------------------------------------------

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


# ------------------------------------------------------------------------------------------
# import time
# ------------------------------------------------------------------------------------------

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


# ------------------------------------------------------------------------------------------
# soak
# ------------------------------------------------------------------------------------------

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


# ------------------------------------------------------------------------------------------
# figures, ratios, targets
# ------------------------------------------------------------------------------------------

def med(results, scheme, name, provider, metric):
    rec = results.get(key_of(scheme, name, provider))
    if not rec or rec.get("status") != "ok":
        return None
    if metric == "instructions_per_event":
        return rec.get("instructions_per_event")
    return rec["median"][metric]


def ratio(a, b):
    return a / b if a is not None and b else None


def compute_ratios(results, scheme):
    """The ratios of one scheme's table, each path against the baselines of the same scheme."""
    out = {}
    for p in PROVIDERS:
        r = {}
        base_cpu = med(results, scheme, "bare_loop", p, "cpu_us_per_event")
        base_ir = med(results, scheme, "bare_loop", p, "instructions_per_event")
        base_eps = med(results, scheme, "bare_multi", p, "events_per_s")
        for name, _, _, _, _, mode, _ in PATHS:
            if mode == "cold" or not applicable(name, p):
                continue
            r[name] = {
                "cpu_vs_bare_loop": ratio(med(results, scheme, name, p, "cpu_us_per_event"),
                                          base_cpu),
                "instructions_vs_bare_loop": ratio(
                    med(results, scheme, name, p, "instructions_per_event"), base_ir),
                "events_per_s_vs_bare_multi": ratio(
                    med(results, scheme, name, p, "events_per_s"), base_eps),
            }
        r["cli_batch"]["events_per_s_vs_se_batch"] = ratio(
            med(results, scheme, "cli_batch", p, "events_per_s"),
            med(results, scheme, "se_batch", p, "events_per_s"))
        py = med(results, scheme, "py_send", p, "cpu_us_per_event")
        r["baseline_cpu_vs_py_send"] = {
            name: ratio(med(results, scheme, name, p, "cpu_us_per_event"), py)
            for name in ("boto3", "requests", "http_client") if applicable(name, p)}
        r["async_vs_clients"] = {  # events/s of ours against the asyncio HTTP clients
            "%s/%s" % (ours, theirs): ratio(med(results, scheme, ours, p, "events_per_s"),
                                            med(results, scheme, theirs, p, "events_per_s"))
            for ours in ASYNC_MULTI for theirs in ASYNC_CLIENTS}
        r["async_send_cpu_vs_py_send"] = ratio(
            med(results, scheme, "async_send", p, "cpu_us_per_event"), py)
        if scheme != "http":  # what TLS adds to each path: its CPU against its own over http
            r["cpu_vs_http"] = {
                name: ratio(med(results, scheme, name, p, "cpu_us_per_event"),
                            med(results, "http", name, p, "cpu_us_per_event"))
                for name in r if name in PATH_INFO}
        out[p] = r
    return out


def cold_partners(name):
    """A cold path's comparisons: the bare C path of the same variant, the same API's fresh
    variant, and the same API's warm batch path."""
    bare = "bare_" + name[len("se_"):] if name.startswith("se_") else name
    return bare, name.replace("_reuse", "_fresh"), (
        "bare_multi" if name.startswith("bare_") else "se_batch")


def compute_cold_ratios(results, scheme):
    out = {}
    for p in COLD_PROVIDERS:
        r = {}
        for name, _, _, _, _, mode, _ in PATHS:
            if mode != "cold":
                continue
            bare, fresh, warm = cold_partners(name)
            cpu = med(results, scheme, name, p, "cpu_us_per_event")
            r[name] = {
                "cpu_vs_bare": ratio(cpu, med(results, scheme, bare, p, "cpu_us_per_event")),
                "events_per_s_vs_bare": ratio(med(results, scheme, name, p, "events_per_s"),
                                              med(results, scheme, bare, p, "events_per_s")),
                "cpu_vs_fresh": ratio(cpu, med(results, scheme, fresh, p, "cpu_us_per_event")),
                "cpu_vs_warm": ratio(cpu, med(results, scheme, warm, p, "cpu_us_per_event")),
            }
        out[p] = r
    return out


def target(name, scheme, provider, value, op, limit, unit, detail):
    if value is None:
        met = None
    else:
        met = value <= limit if op == "<=" else value >= limit if op == ">=" else value < limit
    return {"target": name, "scheme": scheme, "provider": provider, "value": value, "op": op,
            "limit": limit, "unit": unit, "met": met, "detail": detail}


def compute_targets(results, ratios, schemes, imp, soak):
    """The speed targets for each scheme (the same limits over http and https), then the
    import and soak targets (plain http)."""
    t = []
    for scheme in schemes:
        rs = ratios[scheme]

        def m(name, p, metric):
            return fmt(med(results, scheme, name, p, metric))
        for p in PROVIDERS:
            t.append(target("Python API sequential CPU/event vs bare C loop", scheme, p,
                            rs[p]["py_send"]["cpu_vs_bare_loop"], "<=", T_PY_SEQ_CPU, "x",
                            "py_send %s us / bare_loop %s us" % (
                                m("py_send", p, "cpu_us_per_event"),
                                m("bare_loop", p, "cpu_us_per_event"))))
        for p in PROVIDERS:
            t.append(target("C API sequential instructions/event vs bare C loop", scheme, p,
                            rs[p]["se_send"]["instructions_vs_bare_loop"], "<=", T_C_SEQ_INSTR,
                            "x", "se_send %s / bare_loop %s instructions" % (
                                m("se_send", p, "instructions_per_event"),
                                m("bare_loop", p, "instructions_per_event"))))
        for name in ("se_batch", "send_many"):
            for p in PROVIDERS:
                t.append(target("%s events/s vs bare curl multi" % name, scheme, p,
                                rs[p][name]["events_per_s_vs_bare_multi"], ">=", T_MULTI_EPS,
                                "x", "%s %s/s / bare_multi %s/s" % (
                                    name, m(name, p, "events_per_s"),
                                    m("bare_multi", p, "events_per_s"))))
        for p in PROVIDERS:
            for name in ASYNC_MULTI:
                t.append(target("%s events/s vs bare curl multi" % name, scheme, p,
                                rs[p][name]["events_per_s_vs_bare_multi"], ">=", T_ASYNC_EPS,
                                "x", "%s %s/s / bare_multi %s/s" % (
                                    name, m(name, p, "events_per_s"),
                                    m("bare_multi", p, "events_per_s"))))
                for theirs in ASYNC_CLIENTS:
                    t.append(target("%s events/s vs %s" % (name, theirs), scheme, p,
                                    rs[p]["async_vs_clients"]["%s/%s" % (name, theirs)], ">=",
                                    T_ASYNC_VS_CLIENTS, "x", "%s %s/s / %s %s/s" % (
                                        name, m(name, p, "events_per_s"), theirs,
                                        m(theirs, p, "events_per_s"))))
            t.append(target("AsyncClient sequential CPU/event vs sync send_event", scheme, p,
                            rs[p]["async_send_cpu_vs_py_send"], "<=", T_ASYNC_SEQ_CPU, "x",
                            "async_send %s us / py_send %s us" % (
                                m("async_send", p, "cpu_us_per_event"),
                                m("py_send", p, "cpu_us_per_event"))))
            t.append(target("sendevent --batch events/s vs se_batch", scheme, p,
                            rs[p]["cli_batch"]["events_per_s_vs_se_batch"], ">=", T_CLI_EPS,
                            "x", "cli_batch %s/s / se_batch %s/s" % (
                                m("cli_batch", p, "events_per_s"),
                                m("se_batch", p, "events_per_s"))))
    t.append(target("import sendevent over /usr/bin/python3 -c pass", "-", "-",
                    imp.get("delta_ms") if imp.get("status") == "ok" else None, "<=", T_IMPORT_MS,
                    "ms", imp.get("reason", "median of %s runs each" % imp.get("reps"))))
    if soak and soak.get("status") == "ok":
        t.append(target("soak: RSS growth over {:,} sends".format(soak["count"]), "http", "-",
                        soak["growth_mib"], "<", T_SOAK_MIB, "MiB",
                        "from make bench-soak at %s" % soak["finished"] if soak.get("finished")
                        else "short soak of this smoke run"))
    else:
        t.append(target("soak: RSS growth over 1,000,000 sends", "http", "-", None, "<",
                        T_SOAK_MIB, "MiB", (soak or {}).get("reason",
                                                         "not run yet: make bench-soak")))
    return t


# ------------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------------

def fmt(v, digits=None):
    if v is None:
        return "-"
    if digits is not None:
        return "%.*f" % (digits, v)
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


def table(rows, header):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c).ljust(w) if i == 0 or i == 1 else str(c).rjust(w)
                                       for i, (c, w) in enumerate(zip(r, widths))) + " |")
    return "\n".join(lines)


def xfmt(v):
    """A ratio as the tables show it."""
    return fmt(v, 2) + "x" if v else "-"


def provider_table(doc, scheme, p):
    """One scheme's table for one provider: every path but the cold ones, and its notes."""
    results, rs = doc["paths"], doc["ratios"][scheme][p]
    rows, notes = [], []
    for name, _, _, _, _, mode, label in PATHS:
        if mode == "cold" or not in_run(doc["mode"], scheme, name, p):
            continue
        rec, rt = results.get(key_of(scheme, name, p), {}), rs[name]
        if rec.get("status") != "ok":
            notes.append("%s: %s: %s" % (name, rec.get("status", "not run"),
                                         rec.get("reason", "")))
            rows.append([name, label, rec.get("status", "-"), "", "", "", "", "", "", ""])
            continue
        m = rec["median"]
        rows.append([
            name, label, fmt(m["cpu_us_per_event"]), fmt(m["wall_us_per_event"]),
            fmt(m["events_per_s"]), fmt(m["maxrss_kb"] / 1024, 1),
            fmt(rec.get("instructions_per_event")), xfmt(rt["cpu_vs_bare_loop"]),
            xfmt(rt["instructions_vs_bare_loop"]), xfmt(rt["events_per_s_vs_bare_multi"])])
    out = ["#### %s (send_event)\n" % p,
           table(rows, ["path", "what", "CPU us/event", "wall us/event", "events/s",
                        "peak RSS MiB", "instr/event", "CPU vs bare loop",
                        "instr vs bare loop", "events/s vs bare multi"])]
    if notes:
        out.append("\n".join("  " + n for n in notes))
    if rs["cli_batch"].get("events_per_s_vs_se_batch"):
        out.append("sendevent --batch events/s relative to se_batch's: %s." % xfmt(
            rs["cli_batch"]["events_per_s_vs_se_batch"]))
    b = rs["baseline_cpu_vs_py_send"]
    if any(b.values()):
        out.append("CPU per event of the Python baselines relative to the Python API's: %s." % (
            ", ".join("%s %sx" % (k, fmt(v, 1)) for k, v in b.items() if v)))
    a = rs.get("async_vs_clients", {})
    if any(a.values()):
        out.append("AsyncClient events/s relative to the asyncio HTTP clients': %s." % (
            ", ".join("%s %s" % (k, xfmt(v)) for k, v in a.items() if v)))
    if rs.get("async_send_cpu_vs_py_send"):
        out.append("CPU per event of sequential await send_event relative to send_event's: %s."
                   % xfmt(rs["async_send_cpu_vs_py_send"]))
    if any(rs.get("cpu_vs_http", {}).values()):
        out.append("CPU per event over %s relative to the same path over plain http: %s." % (
            scheme, ", ".join("%s %s" % (k, xfmt(v)) for k, v in rs["cpu_vs_http"].items()
                              if v)))
    return "\n".join(out) + "\n"


def cold_table(doc, scheme, p):
    """The cold batches of one scheme: events/s and CPU per event, connections, sessions."""
    results, rs = doc["paths"], doc["cold_ratios"][scheme][p]
    rows = []
    for name, _, _, _, _, mode, label in PATHS:
        if mode != "cold":
            continue
        rec, rt = results.get(key_of(scheme, name, p), {}), rs[name]
        if rec.get("status") != "ok":
            rows.append([name, label, "%s: %s" % (rec.get("status", "not run"),
                                                  rec.get("reason", ""))] + [""] * 7)
            continue
        m = rec["median"]
        rows.append([
            name, label, fmt(m["cpu_us_per_event"]), fmt(m["wall_us_per_event"]),
            fmt(m["events_per_s"]), "%d / %d" % (m["resumed_sessions"], m["new_connections"])
            if scheme == "https" else "- / %d" % m["new_connections"],
            xfmt(rt["cpu_vs_bare"]), xfmt(rt["events_per_s_vs_bare"]), xfmt(rt["cpu_vs_fresh"]),
            xfmt(rt["cpu_vs_warm"])])
    cfg = doc["config"]
    batches, warm = cfg["cold_batches"]
    return "\n".join([
        "#### cold batches, %s (send_event): %d batch%s of %d events (+ %d of warm-up), each "
        "on %d new connections\n" % (p, batches, "es" if batches > 1 else "", cfg["cold_batch"],
                                      warm, min(cfg["in_flight"], cfg["cold_batch"])),
        table(rows, ["path", "what", "CPU us/event", "wall us/event", "events/s",
                     "resumed / new connections", "CPU vs bare", "events/s vs bare",
                     "CPU vs fresh", "CPU vs warm batch"])]) + "\n"


def report(doc):
    out = []
    for scheme in doc["config"]["schemes"]:
        out.append("### %s\n" % SCHEME_TITLES[scheme])
        out.extend(provider_table(doc, scheme, p) for p in PROVIDERS
                   if any(in_run(doc["mode"], scheme, name, p) for name in PATH_INFO))
        out.extend(cold_table(doc, scheme, p) for p in COLD_PROVIDERS)
    imp = doc["import"]
    if imp.get("status") == "ok":
        m = imp["median_ms"]
        out.append("### import sendevent\n\n/usr/bin/python3 -c pass: %.1f ms; -c 'import sendevent':"
                   " %.1f ms; difference %.1f ms (venv interpreter: %.1f ms vs %.1f ms, %.1f ms;"
                   " import + first Client(): %.1f ms over bare); medians of %d runs each.\n"
                   "Largest self times in the import (-X importtime): %s\n" % (
                       m["bare"], m["import"], imp["delta_ms"], m["venv_bare"],
                       m["venv_import"], imp["venv_delta_ms"], imp["import_and_client_delta_ms"],
                       imp["reps"], ", ".join("%s %.1f ms" % (t["module"], t["self_us"] / 1000)
                                              for t in imp["importtime_top_self_us"][:6])))
    else:
        out.append("### import sendevent\n\nskipped: %s\n" % imp.get("reason"))
    rows = []
    for t in doc["targets"]:
        val = "-" if t["value"] is None else (fmt(t["value"], 2) + " " + t["unit"])
        state = "not measured" if t["met"] is None else "met" if t["met"] else "NOT MET"
        rows.append([t["target"], t["scheme"], t["provider"], val,
                     "%s %s %s" % (t["op"], t["limit"], t["unit"]), state, t["detail"]])
    out.append("### targets\n")
    out.append(table(rows, ["target", "scheme", "provider", "value", "target", "result",
                            "measured"]))
    return "\n".join(out)


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


# ------------------------------------------------------------------------------------------
# main
# ------------------------------------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("bench", "smoke", "soak"))
    ap.add_argument("--build", default=os.environ.get("BUILD", os.path.join(ROOT, "build")),
                    help="CMake build directory holding libsendevent.so (default: build)")
    ap.add_argument("--venv", default=None,
                    help="virtualenv with the sendevent wheel installed (default: <build>/venv)")
    ap.add_argument("--python", default=os.environ.get("PYTHON", "/usr/bin/python3"),
                    help="interpreter of the Python baselines (default /usr/bin/python3)")
    ap.add_argument("--nginx", default=os.environ.get("NGINX", "/usr/sbin/nginx"))
    ap.add_argument("--rounds", type=int, default=None, help="rounds (bench 5, smoke 1)")
    ap.add_argument("--paths", default=None,
                    help="comma-separated subset of paths (default: all)")
    ap.add_argument("--schemes", default=",".join(SCHEMES),
                    help="comma-separated subset of http,https (default: both)")
    ap.add_argument("--cold-batch", type=int, default=COLD_BATCH,
                    help="events per cold batch (default %d; each batch on min(this, %d) new "
                         "connections)" % (COLD_BATCH, IN_FLIGHT))
    ap.add_argument("--no-callgrind", action="store_true", help="skip instruction counts")
    ap.add_argument("--callgrind-python", default="http_client,requests,boto3,py_send",
                    help="Python paths also counted with callgrind (bench mode; '' for none)")
    ap.add_argument("--import-reps", type=int, default=None, help="runs per variant (bench 40)")
    ap.add_argument("--soak-count", type=int, default=None, help="sends (soak 1000000, smoke 2000)")
    ap.add_argument("--soak-timeout", type=int, default=1800, help="seconds (soak mode)")
    ap.add_argument("--out", default=None, help="JSON output (default bench/results/<mode>.json)")
    ap.add_argument("--strict", action="store_true",
                    default=os.environ.get("BENCH_STRICT") == "1",
                    help="bench: exit 1 when a target is not met")
    args = ap.parse_args(argv)
    args.schemes = [x for x in SCHEMES if x in args.schemes.split(",")]
    if not args.schemes or args.cold_batch < 1:
        ap.error("--schemes: http and/or https; --cold-batch: at least 1")
    args.build = os.path.abspath(args.build)
    args.venv = os.path.abspath(args.venv or os.path.join(args.build, "venv"))
    if args.rounds is None:
        args.rounds = 5 if args.mode == "bench" else 1
    if args.import_reps is None:
        args.import_reps = 40 if args.mode == "bench" else 5
    if args.soak_count is None:
        args.soak_count = 1000000 if args.mode == "soak" else 2000
    if args.out is None:
        args.out = os.path.join(HERE, "results", {"bench": "latest.json", "smoke": "smoke.json",
                                                  "soak": "soak.json"}[args.mode])
    return args


def main(argv):
    args = parse_args(argv)
    started = time.time()
    env = Env(args)
    responder = Responder(args.nginx)
    env.responder = responder

    def on_signal(signum, frame):
        raise SystemExit("bench: interrupted by signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    try:
        if args.mode != "soak":
            env.bin = build_c(args.build)
        responder.start()
        if args.mode == "soak":
            return main_soak(args, env, started)
        return main_bench(args, env, started)
    finally:
        responder.stop()


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


def main_bench(args, env, started):
    mode = args.mode
    selected = set(args.paths.split(",")) if args.paths else set(PATH_INFO)
    unknown = selected - set(PATH_INFO)
    if unknown:
        raise SystemExit("bench: unknown paths: %s" % ", ".join(sorted(unknown)))
    for name in PATH_INFO:
        if name not in selected:
            env.skip[name] = "not selected (--paths)"
    ok, reason = python_status(env.our_python, "import sendevent; sendevent.Client.send_many")
    if not ok:
        for name in ("py_send", "send_many"):
            env.skip.setdefault(name, "sendevent not importable by %s: %s (make python)"
                                % (env.our_python, reason))
    for name, mod in (("requests", "requests"), ("boto3", "boto3")):
        ok_, reason_ = python_status(args.python, "import " + mod)
        if not ok_:
            env.skip.setdefault(name, "%s not importable by %s: %s" % (mod, args.python, reason_))

    results = {}
    run_rounds(env, mode, args.schemes, args.rounds, results)
    cg_note = None
    cg_dir = os.path.join(os.path.dirname(args.out), "callgrind")
    if not args.no_callgrind:
        os.makedirs(cg_dir, exist_ok=True)
        py_cg = set(filter(None, args.callgrind_python.split(","))) if mode == "bench" else set()
        cg_note = run_callgrind(env, mode, results, cg_dir, py_cg)
    imp = measure_import(env, args.import_reps)
    soak = None
    if mode == "bench":
        soak_path = os.path.join(os.path.dirname(args.out), "soak.json")
        if os.path.exists(soak_path):
            with open(soak_path) as f:
                soak = json.load(f)
    else:  # smoke: a short soak proves the soak harness works
        soak = run_soak(env, args.soak_count, 300, 500)
        if soak.get("status") == "ok":
            log("soak smoke: %d sends, growth %.2f MiB" % (soak["count"], soak["growth_mib"]))
    ratios = {scheme: compute_ratios(results, scheme) for scheme in args.schemes}
    cold_ratios = {scheme: compute_cold_ratios(results, scheme) for scheme in args.schemes}
    targets = compute_targets(results, ratios, args.schemes, imp, soak)
    doc = {
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
    doc["table"] = report(doc)
    print(doc["table"])
    write_json(doc, args.out)
    errors = ["%s: %s" % (k, r.get("reason")) for k, r in results.items()
              if r.get("status") == "error"]
    if mode == "smoke":
        # a skipped Python baseline (package not installed) is fine; the C baselines and our
        # own paths must run, over every scheme
        for key, r in results.items():
            if (r["path"] not in ("http_client", "requests", "boto3")
                    and r.get("status") == "skipped"
                    and "not selected" not in r.get("reason", "")):
                errors.append("%s skipped: %s" % (key, r.get("reason")))
        if imp.get("status") != "ok" and "py_send" in selected:
            errors.append("import: %s" % imp.get("reason"))
        if soak is not None and soak.get("status") != "ok" and "py_send" in selected:
            errors.append("soak: %s" % soak.get("reason"))
    if errors:
        print("\nbench %s: FAILED\n  %s" % (mode, "\n  ".join(errors)))
        return 1
    missed = [t for t in targets if t["met"] is False]
    print("\nbench %s: every path ran; %d of %d targets met%s" % (
        mode, sum(1 for t in targets if t["met"]), len(targets),
        "" if mode == "bench" else " (smoke: speed is not asserted)"))
    if mode == "bench" and args.strict and (missed or any(t["met"] is None for t in targets)):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
