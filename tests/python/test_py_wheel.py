"""The wheel builds offline from a clean copy of the sources (the SWIG-generated module
inside), installs into a fresh --system-site-packages venv, and `import sendevent` works from
any directory; `pip install .` works the same way. Slow (two compilations): set
SE_SKIP_WHEEL_TEST=1 to skip while iterating."""

import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BASE_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
# what a build of the package reads: setup.py, and CMake for libcore
SOURCES = ["setup.py", "CMakeLists.txt", "cmake", "python", "bindings", "libcore", "docs"]

pytestmark = pytest.mark.skipif(bool(os.environ.get("SE_SKIP_WHEEL_TEST")),
                                reason="SE_SKIP_WHEEL_TEST is set")

SNIPPET = """
import sys, sendevent
url = sys.argv[1]
c = sendevent.Client("connect", endpoint_url=url)
r = c.send_event(ConnectionToken="emulator-connection-token",
                 ContentType="application/vnd.amazonaws.connect.event.typing")
print(sendevent.__file__)
print(r.id)
"""


def offline_env():
    env = dict(os.environ)
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONNOUSERSITE="1")
    env.pop("PYTHONPATH", None)
    return env


def clean_copy(dest):
    dest.mkdir(parents=True)
    for name in SOURCES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc", "*.so", "_swig.py", "*.egg-info"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


def run(cmd, **kw):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          env=offline_env(), timeout=600, **kw)
    assert proc.returncode == 0, "%s\n%s\n%s" % (cmd, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


def fresh_venv(path):
    run([BASE_PYTHON, "-m", "venv", "--system-site-packages", path])
    return path / "bin" / "python"


def test_wheel_offline_from_clean_copy(tmp_path, emu):
    src = clean_copy(tmp_path / "src")
    run([BASE_PYTHON, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-w",
         tmp_path / "dist", "."], cwd=src)
    wheels = list((tmp_path / "dist").glob("sendevent-*.whl"))
    assert len(wheels) == 1
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "sendevent/__init__.py" in names and "sendevent/_swig.py" in names
    assert "sendevent/py.typed" in names and "sendevent/__init__.pyi" in names
    assert len([n for n in names if n.endswith(".so")]) == 1
    assert not any(n.startswith("sendevent/libsendevent") for n in names)
    # the source tree was not polluted with generated files
    assert not list((src / "bindings").rglob("*_wrap.c"))
    assert not (src / "python" / "sendevent" / "_swig.py").exists()

    py = fresh_venv(tmp_path / "venv")
    run([py, "-m", "pip", "install", "--no-deps", wheels[0]])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = run([py, "-c", SNIPPET, emu.url], cwd=elsewhere).stdout.split()
    assert "site-packages" in out[0] and str(src) not in out[0]
    assert out[1]


def test_pip_install_dot(tmp_path, emu):
    src = clean_copy(tmp_path / "src")
    py = fresh_venv(tmp_path / "venv")
    run([py, "-m", "pip", "install", "."], cwd=src)  # exactly what a user types
    out = run([py, "-c", SNIPPET, emu.url], cwd=tmp_path).stdout.split()
    assert "site-packages" in out[0]
    assert out[1]
