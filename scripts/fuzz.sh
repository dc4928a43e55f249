#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz with clang-14 (ASan + UBSan) and
# runs each for a bounded time: scripts/fuzz.sh [SECONDS_PER_TARGET] [OUT_DIR]
set -euo pipefail
seconds=${1:-10}
out=${2:-build-fuzz}
cc=${CLANG:-clang-14}
# CMake builds the library and the targets (SE_FUZZ): no second source list or flag set here.
mkdir -p "$out"
cmake -S . -B "$out" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSE_FUZZ=ON \
  -DSE_BUILD_TESTS=OFF -DSE_BUILD_EMULATOR=OFF -DSE_BUILD_CLI=OFF -DSE_BUILD_LUA=OFF >"$out/cmake.log"
targets=$(for t in tests/fuzz/fuzz_*.c; do basename "$t" .c; done)
cmake --build "$out" -j"${JOBS:-2}" --target $targets >>"$out/cmake.log" ||
  { tail -30 "$out/cmake.log"; exit 1; }
for name in $targets; do
  mkdir -p "$out/corpus-$name"
  seeds=tests/fuzz/seeds/$name
  mkdir -p "$out/artifacts-$name"
  echo "fuzz: $name for ${seconds}s"
  rc=0
  "$out/tests/fuzz/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/artifacts-$name/" "$out/corpus-$name" \
    $( [ -d "$seeds" ] && echo "$seeds" ) >"$out/$name.log" 2>&1 || rc=$?
  grep -E '^#[0-9]+.*DONE' "$out/$name.log" || true
  if [ "$rc" -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|#[0-9]+ in ' "$out/$name.log" | head -30
    echo "fuzz: $name failed; inputs in $out/artifacts-$name/"; exit 1
  fi
done
