#!/usr/bin/python3
"""Instructions per event, per function, from two callgrind runs of different lengths.

    bench/cg_diff.py SHORT.out LONG.out N_SHORT N_LONG [--inclusive] [--top 40] [--match TEXT]

Runs callgrind_annotate on both profiles and prints, for each function, (Ir in the long run -
Ir in the short run) / (N_LONG - N_SHORT): the cost one more event adds, start-up cancelled out.
bench/run.py bench keeps the profiles of every C path in bench/results/callgrind/
(callgrind.<path>.<provider>.<n>, recorded with --dump-instr=yes), e.g.

    bench/cg_diff.py bench/results/callgrind/callgrind.se_send.zapi.{500,1500} 500 1500 --inclusive
"""
import argparse
import re
import subprocess
import sys

LINE = re.compile(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(\S.*)$")


def functions(path, inclusive):
    cmd = ["callgrind_annotate", "--threshold=100", "--inclusive=%s" % ("yes" if inclusive else "no"),
           path]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    costs = {}
    in_table = False
    for line in out.splitlines():
        if "file:function" in line:
            in_table = True
            continue
        if not in_table:
            continue
        if line.startswith("----") or line.startswith("-- "):
            if costs:
                break
            continue
        m = LINE.match(line)
        if m and "PROGRAM TOTALS" not in line:
            name = m.group(2).strip()
            costs[name] = costs.get(name, 0) + int(m.group(1).replace(",", ""))
    return costs


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("short")
    ap.add_argument("long")
    ap.add_argument("n_short", type=int)
    ap.add_argument("n_long", type=int)
    ap.add_argument("--inclusive", action="store_true")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--match", default=None, help="only functions whose name contains TEXT")
    a = ap.parse_args(argv)
    s, l = functions(a.short, a.inclusive), functions(a.long, a.inclusive)
    dn = a.n_long - a.n_short
    rows = [((l.get(k, 0) - s.get(k, 0)) / dn, k) for k in set(s) | set(l)]
    rows = [r for r in rows if not a.match or a.match in r[1]]
    rows.sort(reverse=True)
    total = None
    for line in open(a.long):
        if line.startswith(("summary:", "totals:")):
            total = int(line.split()[1])
    for line in open(a.short):
        if line.startswith(("summary:", "totals:")) and total is not None:
            total = (total - int(line.split()[1])) / dn
            break
    print("%s instructions per event: %.0f" % ("inclusive" if a.inclusive else "self", total or 0))
    for cost, name in rows[:a.top]:
        if abs(cost) >= 1:
            print("%10.0f  %s" % (cost, name))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
