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

This file parses the command line and runs the mode; the work is done by the modules of
bench/harness/ (one per concern; harness/__init__.py lists them).
"""

import argparse
import os
import signal
import sys
import time

from harness.bench_mode import main_bench
from harness.clients import Env, build_c
from harness.common import HERE, ROOT
from harness.paths import COLD_BATCH, IN_FLIGHT, SCHEMES
from harness.responder import Responder
from harness.soak import main_soak


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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
