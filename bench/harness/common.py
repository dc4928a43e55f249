"""Where the bench lives (bench/ and the repository root) and the progress log (stderr)."""

import os
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bench/
ROOT = os.path.dirname(HERE)


def log(*a):
    print(*a, file=sys.stderr, flush=True)
