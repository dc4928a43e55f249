#!/usr/bin/env bash
# The tests where threads meet, under ThreadSanitizer (clang-14): one client,
# eight threads, a shared OAuth refresh (test_threads); the engine cancelled
# from another thread and from a signal, streaming batches fed and drained by
# other threads, forks (test_engine). Any data race fails. scripts/tsan.sh [BUILD]
set -euo pipefail
build=${1:-build}
out=build-tsan
mkdir -p "$out"
for t in test_threads test_engine; do
  clang-14 -g -O1 -fsanitize=thread -std=c11 -D_GNU_SOURCE -DSE_BUILDING_LIBRARY \
    -Ilibcore/include -Ilibcore/src -Itests/c \
    libcore/src/*.c libcore/src/providers/*.c libcore/src/providers/*/*.c libcore/src/validate/*.c \
    tests/c/harness.c tests/c/emu.c "tests/c/$t.c" \
    $(pkg-config --cflags --libs libcurl libcjson) -lpthread -lm -o "$out/$t"
  SE_EMULATOR="$PWD/$build/emulator/sendevent-emulator" TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
    "$out/$t"
done
