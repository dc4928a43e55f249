"""`make demo` (scripts/demo.sh): one accepted result per provider per face, exit 0.

The build directory is $SE_BUILD, else the directory above the command's (SE_CLI is
BUILD/cli/sendevent), else build/. The demo starts its own emulator.
"""

import os
import pathlib
import re
import subprocess

import pytest

from cli_helpers import REPO_ROOT, clean_env, cli_binary


def build_dir():
    if os.environ.get("SE_BUILD"):
        return pathlib.Path(os.environ["SE_BUILD"])
    return cli_binary().resolve().parent.parent


@pytest.fixture(scope="module")
def demo(cli_path):
    build = build_dir()
    if not (build / "emulator" / "sendevent-emulator").exists():
        pytest.skip("sendevent-emulator is not built in %s" % build)
    proc = subprocess.run([str(REPO_ROOT / "scripts" / "demo.sh"), str(build)],
                          capture_output=True, text=True, timeout=300, env=clean_env(),
                          stdin=subprocess.DEVNULL, cwd=REPO_ROOT)
    return proc


def section(out, title):
    m = re.search(r"^== %s.*?$(.*?)(?=^== |\Z)" % re.escape(title), out, re.S | re.M)
    assert m, "no section %r in:\n%s" % (title, out)
    return m.group(1)


def test_demo_c_face(demo):
    c = section(demo.stdout, "C ")
    for provider in ("sinch", "zapi", "connect"):
        assert re.search(r"^%s\s+send_event\s+accepted: id=\S+ accepted_time=\S+ attempts=1$"
                         % provider, c, re.M), c


def test_demo_command_line_face(demo):
    cmd = section(demo.stdout, "command line")
    for provider in ("sinch", "zapi", "connect"):
        assert re.search(r"^%s send_event accepted: id=\S+ accepted_time=\S+ attempts=1" %
                         provider, cmd, re.M), cmd
    # the batch: its progress line (through script(1) when not on a terminal) and the results
    assert "sendevent: 200/200 (100%)" in cmd
    assert "200 sent, 0 failed, 0 invalid" in cmd
    assert "results.txt: 200 lines, 200 accepted" in cmd
    assert re.search(r"^\[199\] accepted: id=", cmd, re.M)


def test_demo_stops_its_emulator(demo):
    m = re.search(r"sendevent-emulator \(pid (\d+)\)", demo.stdout)
    assert m, demo.stdout
    assert not pathlib.Path("/proc/%s" % m.group(1)).exists() or \
        "zombie" in pathlib.Path("/proc/%s/status" % m.group(1)).read_text().lower()


def test_demo_python_and_lua_faces(demo):
    for face in ("Python", "Lua"):
        text = section(demo.stdout, face)
        if "not available yet" in demo.stderr and face in demo.stderr:
            pytest.skip("the %s face is not built yet: %s" % (face, demo.stderr.strip()))
        for provider in ("sinch", "zapi", "connect"):
            assert provider in text and "accepted" in text, text


def test_demo_exits_0(demo):
    if "not available yet" in demo.stderr:
        pytest.skip("a face is not built yet: %s" % demo.stderr.strip())
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "demo: every face sent through every provider" in demo.stdout
