"""examples/python/*.py run against the emulator: print id, accepted time and attempts, exit 0;
exit non-zero when the send fails."""

import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "python"

EXPECTED = {"sinch": ["send_event", "send_message"],
            "zapi": ["send_event", "edit_event", "respond_event"],
            "connect": ["create_connection", "send_event", "send_message", "disconnect"]}


def run(script, *args, **env):
    full_env = dict(os.environ, **env)
    return subprocess.run([sys.executable, str(EXAMPLES / script), *args], capture_output=True,
                          text=True, timeout=120, env=full_env, cwd=str(REPO / "examples"))


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_example_runs(emu, provider):
    proc = run(provider + ".py", emu.url)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == EXPECTED[provider]
    for line in lines:
        assert "id=" in line and "accepted_time=" in line and "attempts=1" in line
    ops = [r["operation"] for r in emu.requests() if r["operation"] != "oauth_token"]
    assert ops == EXPECTED[provider]


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_example_url_from_environment(emu, provider):
    proc = run(provider + ".py", SENDEVENT_BASE_URL=emu.url)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_example_fails_non_zero(emu, provider):
    emu.fault(provider=provider, status=403, count=10)
    proc = run(provider + ".py", emu.url)
    assert proc.returncode != 0
    assert "failed" in proc.stderr
