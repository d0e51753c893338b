#!/usr/bin/env bash
# Benchmarks, reported as ratios against a peer measured in the same run.
#   1. data plane: a twin route through the full dispatch (auth hooks, faults,
#      router, journal) vs a minimal libuv+llhttp server answering the same
#      bytes; and a stub route vs that twin route.
#   2. control plane: provisioning/teardown latency of a twelve-twin run,
#      start-up time, idle RSS, RSS per live run.
# Usage: make bench   (wrk -t2 -c64 -d${BENCH_SECONDS:-5}s on loopback)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=build/bench
SECS=${BENCH_SECONDS:-5}
mkdir -p "$OUT"
CFLAGS="-std=c17 -D_GNU_SOURCE -O2 -Isrc -I.deps/llhttp/include"
for f in .deps/llhttp/src/*.c; do cc $CFLAGS -w -c "$f" -o "$OUT/llhttp_$(basename "$f" .c).o"; done
cc $CFLAGS -o "$OUT/raw_hello" bench/raw_hello.c "$OUT"/llhttp_*.o -luv

wrk_rps() { wrk -t2 -c64 -d"${SECS}s" "$@" | awk '/Requests\/sec/ {print $2}'; }

trap 'kill $PID 2>/dev/null || true' EXIT
sleep 0.2

RUN=$(curl -s -XPOST "$URL/twin-runs" -H 'content-type: application/json' -d '{"twins":["stripe","slack","github"],"ttl_minutes":60}')
STRIPE=$(echo "$RUN" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.twins.stripe.base_url)})')
GITHUB=$(echo "$RUN" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.twins.github.base_url)})')
SLACK=$(echo "$RUN" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.twins.slack.base_url)})')
KEY="Authorization: Bearer sk_test_bench"
SLACK_AUTH="Authorization: Bearer xoxb-F9SXMECOSFOGYR3XKXWN"

"$OUT/raw_hello" 18191 & RAW=$!; sleep 0.3
raw=$(wrk_rps http://127.0.0.1:18191/); kill $RAW
trivial=$(wrk_rps "$GITHUB/no/such/route")
route=$(wrk_rps -H "$KEY" "$STRIPE/v1/customers/cus_missing")
stub=$(wrk_rps -H "$SLACK_AUTH" "$SLACK/api/team.info")
echo "== data plane (wrk -t2 -c64 -d${SECS}s, loopback, 2 cores shared by client and server)"
printf "%-44s %10s req/s\n" "minimal libuv+llhttp server (peer)" "$raw"
printf "%-44s %10s req/s  (%.2f x peer)\n" "trivial twin route (GitHub 404, full dispatch)" "$trivial" "$(echo "$trivial/$raw" | bc -l)"
printf "%-44s %10s req/s  (%.2f x peer)\n" "stateful route (Stripe GET /v1/customers/{id})" "$route" "$(echo "$route/$raw" | bc -l)"
printf "%-44s %10s req/s  (%.2f x trivial route)\n" "stub route (Slack team.info)" "$stub" "$(echo "$stub/$trivial" | bc -l)"
echo
echo "== control plane and footprint"
echo "start-up to listening: ${bare_ms} ms without API descriptions, ${spec_ms} ms with all twelve"
echo "idle RSS: ${bare_rss} MiB without API descriptions, ${spec_rss} MiB with all twelve"
node bench/control.mjs "$URL" "$PID" "${BENCH_RUNS:-10000}"
