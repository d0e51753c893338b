#!/usr/bin/env bash
# Runs every test: unit tests (plain and ASan+UBSan builds), integration and
# SDK conformance tests against the real server, the TypeScript SDK's tests,
# and a short bounded fuzzing pass.  Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

JOBS=${JOBS:-$(nproc)}
LOGDIR=build/test-logs
PASSED=0
FAILED=0
FAILED_STEPS=()

step() { echo; echo "=== $*"; }

# Adds a runner's counts, read from its log: cmocka's "[  PASSED  ] N test(s)."
# and "[  FAILED  ] N test(s)", or node's "# pass N" / "# fail N".
count_log() {
  local log=$1 p f
  p=$( { grep -ohE '^\[  PASSED  \] [0-9]+ test' "$log" | awk '{s+=$4} END{print s+0}'; } )
  f=$( { grep -ohE '^\[  FAILED  \] [0-9]+ test' "$log" | awk '{s+=$4} END{print s+0}'; } )
  p=$((p + $(grep -ohE '^# pass [0-9]+' "$log" | awk '{s+=$3} END{print s+0}')))
  f=$((f + $(grep -ohE '^# fail [0-9]+' "$log" | awk '{s+=$3} END{print s+0}')))
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
}

# run NAME CMD...: runs a step, logs it, counts its tests; a non-zero exit
# with no failed test counted still counts as one failure.
run() {
  local name=$1; shift
  local log="$LOGDIR/$name.log"
  step "$name"
  local before=$FAILED
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  count_log "$log"
  if [ "$rc" -ne 0 ]; then
    FAILED_STEPS+=("$name")
    [ "$FAILED" -eq "$before" ] && FAILED=$((FAILED + 1))
  fi
}

step "setup"
scripts/setup.sh || { echo "setup failed"; exit 1; }
mkdir -p "$LOGDIR"

step "build"
make -j"$JOBS" all unit || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
step "build (ASan+UBSan)"
make -j"$JOBS" asan || { echo "sanitizer build failed"; echo "0 passed, 1 failed"; exit 1; }

run unit scripts/run-unit.sh build/tests
# valgrind counts nothing new (same tests): only a failure adds to the tally.
run unit-valgrind bash -c 'set -o pipefail; scripts/run-unit.sh --valgrind build/tests 2>&1 | grep -v "^\[ "'
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run unit-asan scripts/run-unit.sh build/asan/tests

export TWINS_BIN=$PWD/build/twins
if compgen -G "tests/integration/*.test.mjs" >/dev/null; then
  run integration node --test --test-concurrency=2 tests/integration/
  TWINS_BIN=$PWD/build/asan/twins ASAN_OPTIONS=detect_leaks=0 \
    run integration-asan node --test --test-concurrency=1 tests/integration/control.test.mjs \
      tests/integration/robustness.test.mjs
fi
if [ -d tests/node_modules ] && compgen -G "tests/conformance/*/*.test.mjs" >/dev/null; then
  run conformance node --test --test-concurrency=2 tests/conformance/
  # The most code-heavy twin again, on the ASan+UBSan build.
  TWINS_BIN=$PWD/build/asan/twins ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
    run conformance-asan node --test --test-concurrency=2 tests/conformance/stripe/
fi
if compgen -G "tests/browser/*.test.mjs" >/dev/null; then
  run browser node --test --test-concurrency=1 tests/browser/
fi
if [ -f sdk/typescript/package.json ]; then
  # The SDK's suite runs twice: against its contract fake (faults, delays),
  # then against a real server.
  run sdk bash -c 'cd sdk/typescript && npm test --silent'
  run sdk-real node tests/lib/with-server.mjs bash -c 'cd sdk/typescript && node --test test/'
fi
run fuzz scripts/fuzz.sh "${FUZZ_SECONDS:-8}"

echo
[ ${#FAILED_STEPS[@]} -gt 0 ] && echo "failed steps: ${FAILED_STEPS[*]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
