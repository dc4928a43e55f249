# sendevent: the two commands of the README, and the pieces they are made of.
#   make demo   send one event per provider from every face of the project, on the local emulator
#   make test   every test suite: C (plain, ASan+UBSan, TSan, valgrind), fuzz smoke, install check, pytest
PYTHON ?= /usr/bin/python3
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= 2
EMULATOR = $(abspath $(BUILD))/emulator/sendevent-emulator

.PHONY: all deps build test test-includes test-c test-abi test-asan test-tsan test-valgrind test-fuzz test-install test-py python lua demo clean bench bench-soak bench-smoke bench-scale bench-scale-smoke

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS)

test: build
	$(MAKE) --no-print-directory test-includes test-c test-abi test-asan test-tsan test-valgrind test-fuzz test-install test-py bench-smoke bench-scale-smoke

test-c:
	ctest --test-dir $(BUILD) --output-on-failure

# No include circle between modules in libcore, the command or the emulator.
test-includes:
	$(PYTHON) scripts/check-includes.py

# The exported ABI against the committed baseline (abi/libsendevent.abi).
test-abi:
	scripts/check-abi.sh $(BUILD)

# The same C tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSE_SANITIZE=ON -DSE_BUILD_LUA=OFF -DSE_BUILD_CLI=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  SE_EMULATOR=$(abspath $(ASAN_BUILD))/emulator/sendevent-emulator SE_CLI=$(abspath $(ASAN_BUILD))/cli/sendevent \
	  $(PYTHON) -m pytest -q -p no:cacheprovider tests/cli --ignore=tests/cli/test_demo.py

# One client shared by eight threads, under ThreadSanitizer.
test-tsan:
	scripts/tsan.sh $(BUILD)

test-valgrind:
	scripts/valgrind-tests.sh $(BUILD)

# libFuzzer targets for every parser, a short bounded run each (longer: scripts/fuzz.sh 600).
test-fuzz:
	scripts/fuzz.sh 10 build-fuzz

test-install:
	scripts/check-install.sh $(BUILD)

# The Python package: an offline wheel in dist/, installed into $(VENV); the pytest suites run
# with that venv's interpreter, so they import the installed wheel, not the source tree.
VENV ?= $(abspath $(BUILD))/venv
LUA_MODULE_DIR = $(abspath $(BUILD))/bindings/lua

# setup.py has CMake build libcore (SE_LAZY_CURL=ON) into $(BUILD)/python-core, kept between runs.
python:
	rm -rf build/python dist/sendevent-*.whl
	SE_CMAKE_BUILD_DIR=$(abspath $(BUILD))/python-core $(PYTHON) -m pip wheel --no-build-isolation --no-deps -w dist .
	[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv --system-site-packages $(VENV)
	$(VENV)/bin/python -m pip install --no-index --no-deps --force-reinstall dist/sendevent-*.whl

# The Lua module is built by CMake (target sendevent_lua) into $(BUILD)/bindings/lua.
lua:
	cmake --build $(BUILD) -j$(JOBS) --target sendevent_lua

test-py: python
	SE_EMULATOR=$(EMULATOR) SE_CLI=$(abspath $(BUILD))/cli/sendevent SE_LUA_MODULE_DIR=$(LUA_MODULE_DIR) \
	  $(VENV)/bin/python -m pytest -q tests

demo: build python
	scripts/demo.sh $(BUILD)

# Benchmarks (bench/run.py, docs/performance.md): baselines and our paths side by side on a loopback
# nginx, over plain http and over https (a throw-away CA made by the run), plus cold batches; every
# figure, ratio and target printed and written to bench/results/latest.json. nginx-light: its
# nginx has the ssl module.
BENCH_PACKAGES = nginx-light valgrind python3-requests python3-boto3

bench: build python
	@SE_EXTRA_PACKAGES="$(BENCH_PACKAGES)" scripts/install-deps.sh
	$(PYTHON) bench/run.py bench --build $(BUILD) --venv $(VENV)

# 1,000,000 sends through the Python API with RSS sampled (bench/results/soak.json).
bench-soak: build python
	@SE_EXTRA_PACKAGES="$(BENCH_PACKAGES)" scripts/install-deps.sh
	$(PYTHON) bench/run.py soak --build $(BUILD) --venv $(VENV)

# Seconds: a few hundred sends per path and scheme, so the harness cannot rot; fails only if a path
# errors.
bench-smoke: build
	@SE_EXTRA_PACKAGES="$(BENCH_PACKAGES)" scripts/install-deps.sh
	@$(VENV)/bin/python -c 'import sendevent' 2>/dev/null || $(MAKE) --no-print-directory python
	$(PYTHON) bench/run.py smoke --build $(BUILD) --venv $(VENV)

# Rate limits across processes (bench/scale.py, docs/scaling.md): Celery prefork workers in two
# groups sharing only a Redis, against the emulator enforcing Sinch's 800/s and a Connect limit;
# bench/results/scale.json. The smoke (part of make test) sends a few hundred.
bench-scale: build python
	$(VENV)/bin/python bench/scale.py --build $(BUILD)

bench-scale-smoke: build
	@$(VENV)/bin/python -c 'import sendevent' 2>/dev/null || $(MAKE) --no-print-directory python
	$(VENV)/bin/python bench/scale.py --build $(BUILD) --smoke --out $(BUILD)/scale-smoke.json

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz build-tsan dist
