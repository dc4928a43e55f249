"""The log lines of the C face (`sendevent --verbose`), for the Python and Lua suites to compare
their own with: every face prints the C logger's lines. Timings and whether a connection was
new or reused differ between two runs and are normalized away."""

import json
import os
import pathlib
import re
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
CLI = pathlib.Path(os.environ.get("SE_CLI") or REPO / "build/cli/sendevent")

# (provider, operation, request, extra options): a retried send, a refused one, a warning
SCENARIO = [
    ("zapi", "send_event", {"phone": "120363019502650977-group",
                            "event": {"name": "n", "dateTime": "2024-04-29T09:30:53.309Z"}},
     {"retry_base_delay": "0"}),
    ("zapi", "send_event", {"phone": "1"}, {}),
    ("sinch", "send_message", {"app_id": "A", "recipient": {"identified_by": {
        "channel_identities": [{"channel": "FOO", "identity": "1"}]}},
        "message": {"text_message": {"text": "x"}}}, {}),
]


def normalize(level, message):
    message = re.sub(r" in \d+\.\d ms", " in N ms", message)
    return level, re.sub(r"\((attempts \d+), (new|reused) connection\)", r"(\1, X connection)",
                         message)


def cli_lines(emu, provider, operation, request, options):
    """(level, message) of each line `sendevent -v` logs for one request."""
    args = [str(CLI), provider, operation, json.dumps(request), "--verbose"]
    for key, value in options.items():
        args += ["--set", "%s=%s" % (key, value)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return [normalize(*m) for m in re.findall(r"^sendevent: \[(\w+)\] (.*)$", proc.stderr, re.M)]
