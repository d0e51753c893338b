#!/usr/bin/env bash
# Runs every cmocka unit-test binary in a folder; exits non-zero if any fails.
# With --valgrind each runs under memcheck and any error or definite leak fails it.
set -u
VG=()
if [ "${1:-}" = "--valgrind" ]; then
  VG=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q)
  shift
fi
dir=$1; rc=0
for t in "$dir"/test_*; do
  [ -x "$t" ] || continue
  "${VG[@]}" "$t" || { echo "unit: $(basename "$t") failed"; rc=1; }
done
exit $rc
