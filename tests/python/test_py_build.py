"""How the extension is built (setup.py has CMake build libcore with SE_LAZY_CURL=ON): libcurl
is not a link dependency of the module but loaded by the first client through the generated
stubs, which stay private; a libcurl that cannot be loaded is reported as such, naming the file.
(`import sendevent` not loading libcurl is test_py_api.py's
test_import_loads_neither_libcurl_nor_heavy_modules.)"""

import os
import shutil
import subprocess
import sys

import pytest

import sendevent._sendevent as extension

TRY_CLIENT = """
import sendevent
try:
    sendevent.Client("zapi", instance_id="i", token="t")
except sendevent.NetworkError as e:
    print(str(e))
"""


def tool_output(*cmd):
    if not shutil.which(cmd[0]):
        pytest.skip("%s not installed (binutils)" % cmd[0])
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def test_extension_does_not_link_libcurl():
    needed = [line.split()[-1] for line in tool_output("objdump", "-p", extension.__file__)
              .splitlines() if line.strip().startswith("NEEDED")]
    assert needed and not [n for n in needed if "curl" in n], needed


def test_curl_stubs_are_not_exported():
    dynamic = tool_output("nm", "-D", "--defined-only", extension.__file__).split()
    assert not [s for s in dynamic if s.startswith(("curl_", "sei_"))]


def test_unloadable_libcurl_is_named(tmp_path):
    # An empty file found first on LD_LIBRARY_PATH: the loader's dlopen fails on it.
    (tmp_path / "libcurl.so.4").write_bytes(b"")
    env = dict(os.environ, LD_LIBRARY_PATH=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", TRY_CLIENT], capture_output=True, text=True,
                         env=env, cwd=str(tmp_path), check=True).stdout.strip()
    assert "libcurl could not be loaded" in out, out
    assert str(tmp_path / "libcurl.so.4") in out, out
    assert "initialisation" not in out, out

