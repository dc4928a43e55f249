#!/usr/bin/env bash
# The tests where threads meet, under ThreadSanitizer (clang-14): one client,
# eight threads, a shared OAuth refresh (test_threads); the engine cancelled
# from another thread and from a signal, streaming batches fed and drained by
# other threads, forks (test_engine); thousands of sends under faults with the engine's
# threads (test_engine_faults); a batch driven by a loop while another thread adds
# (test_batch_driven); one callback verifier shared by eight threads and the
# process-wide nonce cache (test_webhook); and the emulator under its own tests (below). Any
# data race fails. scripts/tsan.sh [BUILD]
set -euo pipefail
build=${1:-build}
out=build-tsan
# CMake builds the library and the tests (SE_SANITIZE_THREAD): no second source list here.
cmake -S . -B "$out" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSE_SANITIZE_THREAD=ON -DSE_BUILD_EMULATOR=OFF -DSE_BUILD_CLI=OFF -DSE_BUILD_LUA=OFF >/dev/null
tests="test_threads test_engine test_engine_faults test_webhook test_batch_driven"
# shellcheck disable=SC2086 # one target, one program per word
cmake --build "$out" -j"${JOBS:-2}" --target $tests >/dev/null
for t in $tests; do
  SE_EMULATOR="$PWD/$build/emulator/sendevent-emulator" TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
    "$out/tests/c/$t"
done

# The emulator's threads (MHD workers, the timer thread that resumes delayed answers and long
# polls, the callback sender, version bumps from all of them) under ThreadSanitizer: its
# control, fault, callback, long-poll and shutdown tests. A race report anywhere fails.
emu_out=build-tsan-emulator
cmake -S . -B "$emu_out" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSE_SANITIZE_THREAD=ON -DSE_BUILD_CLI=OFF -DSE_BUILD_LUA=OFF >/dev/null
cmake --build "$emu_out" -j"${JOBS:-2}" --target sendevent-emulator >/dev/null
reports=$(mktemp -d)
SE_EMULATOR="$PWD/$emu_out/emulator/sendevent-emulator" TSAN_OPTIONS="log_path=$reports/tsan" \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/emulator/test_ui_api.py \
  tests/emulator/test_faults.py tests/emulator/test_callbacks.py tests/emulator/test_process.py
if compgen -G "$reports/tsan*" >/dev/null; then
  cat "$reports"/tsan* >&2
  rm -rf "$reports"
  echo "ThreadSanitizer reported races in the emulator (above)" >&2
  exit 1
fi
rm -rf "$reports"
