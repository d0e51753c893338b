#!/bin/sh
# Compares our HTTP layer against a minimal libuv+llhttp server answering the
# same 300-byte JSON (wrk -t2 -c64 -d5s on loopback).  Prints req/s and ratio.
# Each server runs ROUNDS times (default 3), interleaved, and the best run
# counts: on a shared machine the noise is all downwards.
# Usage: bench/http_vs_raw.sh [build-dir]   (run from the repo root)
set -eu
OUT=${1:-build/bench}
. bench/lib.sh
CFLAGS=$BENCH_CFLAGS
mkdir -p "$OUT"
build_llhttp "$OUT"
cc $CFLAGS -o "$OUT/http_hello" bench/http_hello.c src/http/parser.c src/http/server.c \
    src/http/request.c src/http/decode.c src/util/arena.c src/util/buf.c "$OUT"/llhttp_*.o -luv
cc $CFLAGS -o "$OUT/raw_hello" bench/raw_hello.c "$OUT"/llhttp_*.o -luv

run() {  # binary port -> req/s
    "$1" "$2" & pid=$!
    sleep 0.3
    rps=$(wrk -t2 -c64 -d5s "http://127.0.0.1:$2/" | awk '/Requests\/sec/ {print $2}')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$rps"
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
raw=0; ours=0
for i in $(seq "${ROUNDS:-3}"); do
    raw=$(best "$raw" "$(run "$OUT/raw_hello" 18181)")
    ours=$(best "$ours" "$(run "$OUT/http_hello" 18182)")
done
echo "raw libuv+llhttp: $raw req/s"
echo "twins http:       $ours req/s"
awk -v a="$ours" -v b="$raw" 'BEGIN { printf "ratio: %.2f\n", a / b }'
