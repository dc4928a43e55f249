"""Helpers of the Lua suite (test_lua*.py): Lua chunks run with lua5.4 against the emulator.

The module comes from $SE_LUA_MODULE_DIR (the Makefile passes build/bindings/lua), else
build/bindings/lua under the repository. tests/lua/harness.lua is loaded first (LUA_INIT) and
defines helpers: client(provider, extra_options), valid(provider, op), eq, expect_error,
contains, URL, GROUP, TYPING. Test files import this module (a unique name, never `conftest`)
and its `pytestmark`, the skips when lua5.4 or the module is missing.
"""

import os
import pathlib
import shutil
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
LUA = shutil.which("lua5.4")
MODULE_DIR = pathlib.Path(os.environ.get("SE_LUA_MODULE_DIR") or REPO / "build/bindings/lua")

pytestmark = [
    pytest.mark.skipif(LUA is None, reason="lua5.4 is not installed"),
    pytest.mark.skipif(not (MODULE_DIR / "sendevent.so").exists(),
                       reason="the Lua module is not built (%s/sendevent.so; build the "
                              "'sendevent_lua' target or set SE_LUA_MODULE_DIR)" % MODULE_DIR),
]

OPS = [("sinch", "send_event"), ("sinch", "send_message"), ("zapi", "send_event"),
       ("zapi", "edit_event"), ("zapi", "respond_event"), ("connect", "send_event"),
       ("connect", "send_message"), ("connect", "create_connection"), ("connect", "disconnect")]


def lua(code, emu=None, *args, check=True, env=None, timeout=120, harness=True, cmd=None):
    """Runs a Lua chunk (or a file when `code` is a Path); returns the CompletedProcess."""
    full_env = dict(os.environ)
    for name in ("LUA_INIT_5_4", "LUA_PATH_5_4", "LUA_CPATH_5_4"):  # they would win over ours
        full_env.pop(name, None)
    full_env["SE_LUA_MODULE_DIR"] = str(MODULE_DIR)
    if harness:
        full_env["LUA_INIT"] = "@" + str(HERE / "harness.lua")
    else:
        full_env.pop("LUA_INIT", None)
    if emu is not None:
        full_env["SE_EMULATOR_URL"] = emu.url
    full_env.update(env or {})
    argv = list(cmd or [LUA])
    if isinstance(code, pathlib.Path):
        argv += [str(code), *map(str, args)]
        stdin = None
    else:
        argv += ["-", *map(str, args)]
        stdin = code
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=full_env,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError("lua failed (%d)\n--- stdout\n%s\n--- stderr\n%s"
                             % (proc.returncode, proc.stdout, proc.stderr))
    return proc


def api_requests(emu, all=False):
    return [r for r in emu.requests(all=all) if r["operation"] != "oauth_token"]
