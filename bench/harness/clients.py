"""Building and finding the clients: the C programs of bench/c/, the interpreters, and the
command line of one run of a path (Env)."""

import os
import subprocess

from harness.common import HERE, ROOT, log
from harness.paths import COLD_BATCHES, COUNTS, PATH_INFO


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
