#!/usr/bin/env bash
# The tests where threads meet, under ThreadSanitizer (clang-14): one client,
# eight threads, a shared OAuth refresh (test_threads); the engine cancelled
# from another thread and from a signal, streaming batches fed and drained by
# other threads, forks (test_engine); a batch driven by a loop while another thread adds
# (test_batch_driven); one callback verifier shared by eight threads and the
# process-wide nonce cache (test_webhook). Any data race fails. scripts/tsan.sh [BUILD]
set -euo pipefail
build=${1:-build}
out=build-tsan
# CMake builds the library and the tests (SE_SANITIZE_THREAD): no second source list here.
cmake -S . -B "$out" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSE_SANITIZE_THREAD=ON -DSE_BUILD_EMULATOR=OFF -DSE_BUILD_CLI=OFF -DSE_BUILD_LUA=OFF >/dev/null
cmake --build "$out" -j"${JOBS:-2}" --target test_threads test_engine test_webhook test_batch_driven >/dev/null
for t in test_threads test_engine test_webhook test_batch_driven; do
  SE_EMULATOR="$PWD/$build/emulator/sendevent-emulator" TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
    "$out/tests/c/$t"
done
