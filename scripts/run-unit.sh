#!/usr/bin/env bash
# Runs every cmocka unit-test binary in a folder; exits non-zero if any fails.
set -u
dir=$1; rc=0
for t in "$dir"/test_*; do
  [ -x "$t" ] || continue
  "$t" || rc=1
done
exit $rc
