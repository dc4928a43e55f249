#!/usr/bin/env bash
# Compares the built library's ABI with the committed baseline (abi/libsendevent.abi).
# An incompatible change fails: it needs a SOVERSION bump (docs/c-api.md).
# Additions pass, and are listed. `scripts/check-abi.sh BUILD --update` rewrites the baseline.
set -euo pipefail
build=${1:-build}
lib=$(ls "$build"/libsendevent.so.*.* | head -n1)
baseline=abi/libsendevent.abi
if [ "${2:-}" = "--update" ]; then
  abidw --headers-dir libcore/include/sendevent --out-file "$baseline" "$lib"
  echo "abi: baseline written to $baseline"
  exit 0
fi
rc=0
abidiff --headers-dir2 libcore/include/sendevent "$baseline" "$lib" >"$build/abidiff.txt" || rc=$?
# abidiff flags a changed signature only as "an ABI change" (bit 4), like an
# addition; read its summary: anything removed or changed breaks callers.
broken=$(grep -E '(Functions|Variables) changes summary' "$build/abidiff.txt" |
  grep -E '[^0-9][1-9][0-9]* (Removed|Changed)' || true)
if [ $((rc & 8)) -ne 0 ] || [ $((rc & 1)) -ne 0 ] || [ -n "$broken" ]; then
  cat "$build/abidiff.txt"
  echo "abi: INCOMPATIBLE change against $baseline (or abidiff failed: $rc)"
  exit 1
fi
if [ $((rc & 4)) -ne 0 ]; then
  cat "$build/abidiff.txt"
  echo "abi: compatible additions; run scripts/check-abi.sh $build --update to record them"
else
  echo "abi: unchanged against $baseline"
fi
