"""The bench and smoke modes of bench/run.py: select the paths, measure them (rounds, callgrind,
import time, soak), compute ratios and targets, print the tables, write the JSON, and decide
the exit code."""

import json
import os

from harness.callgrind import run_callgrind
from harness.clients import python_status
from harness.common import log
from harness.import_time import measure_import
from harness.json_doc import bench_doc, write_json
from harness.paths import PATH_INFO
from harness.rounds import run_rounds
from harness.soak import run_soak
from harness.tables import report
from harness.targets import compute_cold_ratios, compute_ratios, compute_targets


def select_paths(args, env):
    """The paths the run measures (--paths); the others, and those whose interpreter cannot
    import their package, go into env.skip with the reason."""
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
    return selected


def count_instructions(args, env, results):
    """Instructions per event with callgrind (unless --no-callgrind), its profiles in
    callgrind/ next to --out; returns why it could not run, or None."""
    mode = args.mode
    cg_note = None
    cg_dir = os.path.join(os.path.dirname(args.out), "callgrind")
    if not args.no_callgrind:
        os.makedirs(cg_dir, exist_ok=True)
        py_cg = set(filter(None, args.callgrind_python.split(","))) if mode == "bench" else set()
        cg_note = run_callgrind(env, mode, results, cg_dir, py_cg)
    return cg_note


def soak_figures(args, env):
    """bench: the last make bench-soak's figures (soak.json next to --out), if there are any;
    smoke: a short soak, which proves the soak harness works."""
    soak = None
    if args.mode == "bench":
        soak_path = os.path.join(os.path.dirname(args.out), "soak.json")
        if os.path.exists(soak_path):
            with open(soak_path) as f:
                soak = json.load(f)
    else:  # smoke: a short soak proves the soak harness works
        soak = run_soak(env, args.soak_count, 300, 500)
        if soak.get("status") == "ok":
            log("soak smoke: %d sends, growth %.2f MiB" % (soak["count"], soak["growth_mib"]))
    return soak


def failures(mode, selected, results, imp, soak):
    """What makes the run fail: a path that errored; in a smoke run also one of ours or a C
    baseline skipped, or the import or the soak not measured."""
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
    return errors


def verdict(args, targets, errors):
    """Prints the run's last line; the exit code (--strict: a target missed or unmeasured
    fails a bench run)."""
    mode = args.mode
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


def main_bench(args, env, started):
    mode = args.mode
    selected = select_paths(args, env)

    results = {}
    run_rounds(env, mode, args.schemes, args.rounds, results)
    cg_note = count_instructions(args, env, results)
    imp = measure_import(env, args.import_reps)
    soak = soak_figures(args, env)
    ratios = {scheme: compute_ratios(results, scheme) for scheme in args.schemes}
    cold_ratios = {scheme: compute_cold_ratios(results, scheme) for scheme in args.schemes}
    targets = compute_targets(results, ratios, args.schemes, imp, soak)
    doc = bench_doc(args, started, results, ratios, cold_ratios, imp, soak, targets, cg_note)
    doc["table"] = report(doc)
    print(doc["table"])
    write_json(doc, args.out)
    return verdict(args, targets, failures(mode, selected, results, imp, soak))
