"""Builds the `sendevent` Python package: libcore's C sources and the SWIG interface compiled
into ONE extension module (sendevent._sendevent), plus the hand-written package in
python/sendevent/.

Offline, from a clean checkout (no pyproject.toml on purpose: pip then builds with the
setuptools and wheel already installed instead of downloading them):

    /usr/bin/python3 -m pip wheel --no-build-isolation --no-deps -w dist .
    /usr/bin/python3 -m pip install .

Needs: swig (4.x), a C11 compiler, libcurl and libcjson development headers.
"""

import glob
import os
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = "python"
SWIG_INTERFACE = "bindings/python/sendevent_python.i"


def rel(path):
    return os.path.relpath(path, ROOT)


def version():
    text = open(os.path.join(ROOT, "libcore/include/sendevent/version.h"), encoding="utf-8").read()
    return re.search(r'#define SE_VERSION "([^"]+)"', text).group(1)


def core_sources():
    found = []
    for pattern in ("libcore/src/*.c", "libcore/src/providers/*.c", "libcore/src/providers/*/*.c",
                    "libcore/src/validate/*.c"):
        found += sorted(glob.glob(os.path.join(ROOT, pattern)))
    return [rel(p) for p in found]


def pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args], check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return []
    return out.stdout.split()


def dependency_flags():
    """Include dirs, library dirs and libraries of libcurl and libcjson (pkg-config when present)."""
    includes, libdirs, libs = [], [], []
    for flag in pkg_config("--cflags-only-I", "libcurl", "libcjson"):
        includes.append(flag[2:])
    for flag in pkg_config("--libs", "libcurl", "libcjson"):
        if flag.startswith("-L"):
            libdirs.append(flag[2:])
        elif flag.startswith("-l"):
            libs.append(flag[2:])
    # libcurl is not linked: bindings/python/curl_lazy.c loads it on first use, so that
    # `import sendevent` does not pay for loading it and its dependencies
    libs = [name for name in libs if name != "curl"]
    for name in ("cjson", "pthread", "m", "dl"):
        if name not in libs:
            libs.append(name)
    return includes, libdirs, libs


class BuildExt(build_ext):
    """Runs SWIG itself: the C wrapper goes to build_temp (not into the source tree) and the
    generated _swig.py straight into the package being built, so it is in every wheel."""

    def swig_sources(self, sources, extension):
        interfaces = [s for s in sources if s.endswith(".i")]
        others = [s for s in sources if not s.endswith(".i")]
        if not interfaces:
            return sources
        swig = shutil.which(os.environ.get("SWIG", "swig"))
        if not swig:
            sys.exit("error: swig not found (Debian: apt-get install swig)")
        if self.inplace:
            outdir = os.path.join(ROOT, PACKAGE_DIR, "sendevent")
        else:
            outdir = os.path.join(self.build_lib, "sendevent")
        os.makedirs(outdir, exist_ok=True)
        os.makedirs(self.build_temp, exist_ok=True)
        wrappers = []
        for interface in interfaces:
            wrapper = os.path.join(self.build_temp,
                                   os.path.splitext(os.path.basename(interface))[0] + "_wrap.c")
            # -fastunpack: one-argument wrappers take their argument directly (METH_O), no tuple
            cmd = [swig, "-python", "-threads", "-fastunpack", "-doxygen",
                   "-interface", "_sendevent",
                   "-I" + os.path.join(ROOT, "libcore/include"), "-outdir", outdir,
                   "-o", wrapper, interface]
            self.announce(" ".join(cmd), level=2)
            subprocess.run(cmd, check=True)
            wrappers.append(wrapper)
        return others + wrappers


class BuildPy(build_py):
    """build_py runs before build_ext under `setup.py build`; build the extension (and with it
    the SWIG-generated module) first so the package is complete whichever order runs."""

    def run(self):
        self.run_command("build_ext")
        super().run()
        write_stub(self.build_lib)


def write_stub(build_lib):
    """The package's __init__.pyi lists the Client keywords and methods the C library lists."""
    subprocess.run([sys.executable, os.path.join(ROOT, "python/gen_stub.py"), build_lib],
                   check=True)


includes, libdirs, libs = dependency_flags()

extension = Extension(
    "sendevent._sendevent",
    sources=core_sources() + ["bindings/python/curl_lazy.c", SWIG_INTERFACE],
    include_dirs=["libcore/include", "libcore/src"] + includes,
    library_dirs=libdirs,
    libraries=libs,
    define_macros=[("SE_BUILDING_LIBRARY", None), ("_GNU_SOURCE", None)],
    extra_compile_args=["-std=c11", "-fvisibility=hidden", "-Wall", "-Wextra",
                        "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
)

setup(
    name="sendevent",
    version=version(),
    description="Send conversational events through Sinch, Z-API and Amazon Connect "
                "(Python binding of libsendevent)",
    long_description=open(os.path.join(ROOT, "docs/python.md"), encoding="utf-8").read()
    if os.path.exists(os.path.join(ROOT, "docs/python.md")) else "",
    long_description_content_type="text/markdown",
    python_requires=">=3.8",
    package_dir={"": PACKAGE_DIR},
    packages=["sendevent"],
    package_data={"sendevent": ["py.typed", "*.pyi"]},
    ext_modules=[extension],
    cmdclass={"build_ext": BuildExt, "build_py": BuildPy},
    options={"build": {"build_base": "build/python"}},
    zip_safe=False,
)
