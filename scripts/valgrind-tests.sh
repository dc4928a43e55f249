#!/usr/bin/env bash
# Runs the C tests under valgrind: any memory error or definite leak fails.
set -euo pipefail
build=${1:-build}
export SE_EMULATOR="$PWD/$build/emulator/sendevent-emulator"
status=0
for t in "$build"/tests/c/test_*; do
  [ -x "$t" ] || continue
  echo "valgrind: $(basename "$t")"
  rc=0
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite "$t" >/dev/null || rc=$?
  case $rc in
    0 | 77) ;;                                   # passed, or skipped (no emulator)
    *) echo "valgrind: $(basename "$t") failed ($rc)"; status=1 ;;
  esac
done
exit $status
