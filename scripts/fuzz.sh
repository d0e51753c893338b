#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz/ with clang and runs each for a
# bounded time (default 8 s; `make fuzz FUZZ_SECONDS=600` for a long session).
# The library is compiled once (instrumented, without libFuzzer's main) and
# every target links against it.  Prints one line per target; fails on any
# finding.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-8}
OUT=build/fuzz
mkdir -p "$OUT/obj"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c17 -D_GNU_SOURCE -g -O1 -Isrc -I.deps/llhttp/include $(pkg-config --cflags libuv sqlite3 libpq zlib) $SAN"
LIBS="$(pkg-config --libs libuv sqlite3 libcurl openssl libpq zlib) -lm -lpthread"

# An object is stale when it is missing or older than its source, than any
# header it may include (ours and llhttp's, which src/http includes), or
# than this script (the flags live here).
stale() {
  local src=$1 obj=$2
  [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ scripts/fuzz.sh -nt "$obj" ] ||
    [ -n "$(find src .deps/llhttp -name '*.h' -newer "$obj" -print -quit)" ]
}

build_library() {
  local objs=() src obj
  for src in $(find src -name '*.c' ! -name main.c | sort) .deps/llhttp/src/*.c; do
    obj="$OUT/obj/$(echo "$src" | tr '/' '_').o"
    if stale "$src" "$obj"; then
      clang $CFLAGS -fsanitize=fuzzer-no-link -w -c "$src" -o "$obj" || return 1
    fi
    objs+=("$obj")
  done
  rm -f "$OUT/libtwins-fuzz.a"
  ar rcs "$OUT/libtwins-fuzz.a" "${objs[@]}"
}

if ! build_library >"$OUT/library.build.log" 2>&1; then
  echo "fuzz: the instrumented library failed to build"; tail -20 "$OUT/library.build.log"
  echo "fuzz: 0 passed, 1 failed"; exit 1
fi

rc=0; passed=0; failed=0
for target in tests/fuzz/fuzz_*.c; do
  [ -f "$target" ] || continue
  name=$(basename "$target" .c)
  if ! clang $CFLAGS -fsanitize=fuzzer -w -o "$OUT/$name" "$target" "$OUT/libtwins-fuzz.a" $LIBS 2>"$OUT/$name.build.log"; then
    echo "fuzz: $name failed to build"; head -20 "$OUT/$name.build.log"; rc=1; failed=$((failed+1)); continue
  fi
  [ "${1:-}" = "--build-only" ] && continue
  corpus="tests/fuzz/corpus/${name#fuzz_}"
  work="$OUT/corpus-$name"; mkdir -p "$work"
  [ -d "$corpus" ] && cp -n "$corpus"/* "$work"/ 2>/dev/null
  if (cd "$OUT" && ./"$name" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -print_final_stats=0 "corpus-$name" >"$name.log" 2>&1); then
    echo "fuzz: $name ok ($(grep -aoE '^#[0-9]+' "$OUT/$name.log" | tail -1) inputs)"
    passed=$((passed+1))
  else
    echo "fuzz: $name FOUND A PROBLEM"; tail -40 "$OUT/$name.log"; rc=1; failed=$((failed+1))
  fi
done
[ "${1:-}" = "--build-only" ] || echo "fuzz: $passed passed, $failed failed"
exit $rc
