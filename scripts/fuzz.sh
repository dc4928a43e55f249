#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz with clang-14 (ASan + UBSan) and
# runs each for a bounded time: scripts/fuzz.sh [SECONDS_PER_TARGET] [OUT_DIR]
set -euo pipefail
seconds=${1:-10}
out=${2:-build-fuzz}
cc=${CLANG:-clang-14}
mkdir -p "$out"
src=(libcore/src/*.c libcore/src/providers/*.c libcore/src/providers/*/*.c libcore/src/validate/*.c)
flags=(-g -O1 -std=c11 -D_GNU_SOURCE -DSE_BUILDING_LIBRARY -Ilibcore/include -Ilibcore/src
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
libs=($(pkg-config --libs libcurl libcjson) -lpthread -lm)
for target in tests/fuzz/fuzz_*.c; do
  name=$(basename "$target" .c)
  "$cc" "${flags[@]}" "${src[@]}" "$target" "${libs[@]}" -o "$out/$name"
  mkdir -p "$out/corpus-$name"
  seeds=tests/fuzz/seeds/$name
  mkdir -p "$out/artifacts-$name"
  echo "fuzz: $name for ${seconds}s"
  rc=0
  "$out/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/artifacts-$name/" "$out/corpus-$name" \
    $( [ -d "$seeds" ] && echo "$seeds" ) >"$out/$name.log" 2>&1 || rc=$?
  grep -E '^#[0-9]+.*DONE' "$out/$name.log" || true
  if [ "$rc" -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|#[0-9]+ in ' "$out/$name.log" | head -30
    echo "fuzz: $name failed; inputs in $out/artifacts-$name/"; exit 1
  fi
done
