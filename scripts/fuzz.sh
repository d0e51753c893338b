#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz/ with clang and runs each for a
# bounded time (default 8 s; `make fuzz FUZZ_SECONDS=600` for a long session).
# Prints one "fuzz: <target> ok" line per target; fails on any finding.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-8}
OUT=build/fuzz
mkdir -p "$OUT"
CFLAGS="-std=c17 -D_GNU_SOURCE -g -O1 -Isrc -I.deps/llhttp/include $(pkg-config --cflags libuv sqlite3) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
LIBS="$(pkg-config --libs libuv sqlite3 libcurl openssl) -lm -lpthread"
# Every fuzz target links the library sources (not main.c) and llhttp.
SRCS=$(find src -name '*.c' ! -name main.c | sort)
LLHTTP=".deps/llhttp/src/api.c .deps/llhttp/src/http.c .deps/llhttp/src/llhttp.c"
rc=0; passed=0; failed=0
for target in tests/fuzz/fuzz_*.c; do
  [ -f "$target" ] || continue
  name=$(basename "$target" .c)
  if ! clang $CFLAGS -w -o "$OUT/$name" "$target" $SRCS $LLHTTP $LIBS 2>"$OUT/$name.build.log"; then
    echo "fuzz: $name failed to build"; cat "$OUT/$name.build.log" | head -20; rc=1; failed=$((failed+1)); continue
  fi
  [ "${1:-}" = "--build-only" ] && continue
  corpus="tests/fuzz/corpus/${name#fuzz_}"
  work="$OUT/corpus-$name"; mkdir -p "$work"
  [ -d "$corpus" ] && cp -n "$corpus"/* "$work"/ 2>/dev/null
  if (cd "$OUT" && ./"$name" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -print_final_stats=0 "corpus-$name" >"$name.log" 2>&1); then
    echo "fuzz: $name ok ($(grep -oE 'stat::number_of_executed_units: [0-9]+|#[0-9]+' "$OUT/$name.log" | tail -1))"
    passed=$((passed+1))
  else
    echo "fuzz: $name FOUND A PROBLEM"; tail -40 "$OUT/$name.log"; rc=1; failed=$((failed+1))
  fi
done
[ "${1:-}" = "--build-only" ] || echo "fuzz: $passed passed, $failed failed"
exit $rc
