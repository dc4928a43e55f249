"""Builds the `sendevent` Python package: the SWIG interface compiled into ONE extension module
(sendevent._sendevent) linked with libcore, plus the hand-written package in python/sendevent/.

libcore is built by CMake, the project's one build description: build_ext configures the
source tree with SE_LAZY_CURL=ON into a directory of its own (build_temp/libcore, or
$SE_CMAKE_BUILD_DIR), builds the target sendevent_python_core (libcore as a static,
position-independent library, and the generated stubs that load libcurl on first use) and
links the extension as that build's python-link.txt says. No source list or flag of libcore
lives here.

Offline, from a clean checkout (no pyproject.toml on purpose: pip then builds with the
setuptools and wheel already installed instead of downloading them):

    /usr/bin/python3 -m pip wheel --no-build-isolation --no-deps -w dist .
    /usr/bin/python3 -m pip install .

Needs: swig (4.x), cmake (3.18+), a C11 compiler, pkg-config, libcurl and libcjson
development headers.
"""

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
# The CMake options of the Python build: libcore and the lazy libcurl stubs, nothing else.
CMAKE_OPTIONS = ["-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DSE_LAZY_CURL=ON",
                 "-DSE_BUILD_TESTS=OFF", "-DSE_BUILD_EMULATOR=OFF", "-DSE_BUILD_CLI=OFF",
                 "-DSE_BUILD_LUA=OFF"]


def version():
    text = open(os.path.join(ROOT, "libcore/include/sendevent/version.h"), encoding="utf-8").read()
    return re.search(r'#define SE_VERSION "([^"]+)"', text).group(1)


def tool(name, debian_package):
    found = shutil.which(os.environ.get(name.upper(), name))
    if not found:
        sys.exit("error: %s not found (Debian: apt-get install %s)" % (name, debian_package))
    return found


def read_link_file(path, extension):
    """Applies CMake's python-link.txt to the extension: `include DIR`, `archive FILE`,
    `library NAME|FILE|-FLAG`, one per line."""
    for line in open(path, encoding="utf-8").read().splitlines():
        kind, _, value = line.partition(" ")
        if kind == "include":
            extension.include_dirs.append(value)
        elif kind == "archive":
            extension.extra_objects.append(value)
            extension.depends.append(value)  # relink when libcore changed
        elif kind == "library" and value.startswith("-"):
            extension.extra_link_args.append(value)
        elif kind == "library" and os.path.isabs(value):
            extension.extra_objects.append(value)
        elif kind == "library":
            extension.libraries.append(value)
        elif line.strip():
            sys.exit("error: %s: unexpected line %r" % (path, line))


class BuildExt(build_ext):
    """Runs SWIG itself: the C wrapper goes to build_temp (not into the source tree) and the
    generated _swig.py straight into the package being built, so it is in every wheel."""

    def build_extensions(self):
        self.build_core()
        super().build_extensions()

    def build_core(self):
        """CMake builds libcore (and the lazy libcurl stubs) once; the extension links it."""
        cmake = tool("cmake", "cmake")
        builddir = os.path.abspath(os.environ.get("SE_CMAKE_BUILD_DIR")
                                   or os.path.join(self.build_temp, "libcore"))
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        for cmd in ([cmake, "-S", ROOT, "-B", builddir] + CMAKE_OPTIONS,
                    [cmake, "--build", builddir, "--target", "sendevent_python_core",
                     "--parallel", jobs]):
            self.announce(" ".join(cmd), level=2)
            subprocess.run(cmd, check=True)
        for extension in self.extensions:
            if not extension.extra_objects:  # once, should build_ext run again
                read_link_file(os.path.join(builddir, "python-link.txt"), extension)

    def swig_sources(self, sources, extension):
        interfaces = [s for s in sources if s.endswith(".i")]
        others = [s for s in sources if not s.endswith(".i")]
        if not interfaces:
            return sources
        swig = tool("swig", "swig")
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


# The SWIG wrapper's own flags; libcore's come from CMake (build_core).
extension = Extension(
    "sendevent._sendevent",
    sources=[SWIG_INTERFACE],
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
