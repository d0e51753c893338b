#!/usr/bin/env bash
# Benchmarks, reported as ratios against a peer measured in the same run.
#   1. data plane: twin routes through the full dispatch (lock check, faults,
#      router, auth hook, store, journal) against a minimal libuv+llhttp
#      server answering fixed bytes; a stub route against the trivial route.
#   2. control plane and footprint: start-up, idle RSS (without and with the
#      twelve API descriptions), provisioning/teardown/seeding latency, RSS
#      per live run.
# Usage: make bench   (wrk -t2 -c64 -d${BENCH_SECONDS:-5}s on loopback)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=build/bench
SECS=${BENCH_SECONDS:-5}
mkdir -p "$OUT"
. bench/lib.sh
build_llhttp "$OUT"
cc $BENCH_CFLAGS -o "$OUT/raw_hello" bench/raw_hello.c "$OUT"/llhttp_*.o -luv

wrk_rps() { wrk -t2 -c64 -d"${SECS}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

# exec to listening, and RSS once idle, for a given spec dir
startup() {
  rm -f "$OUT/port0"
  local t0 t1 pid
  t0=$(date +%s%N)
  build/twins serve --port 0 --port-file "$OUT/port0" --quiet --spec-dir "$1" >/dev/null 2>&1 & pid=$!
  wait_port_file "$OUT/port0"; t1=$(date +%s%N)
  sleep 0.3
  echo "$(( (t1 - t0) / 1000000 )) $(rss_mib $pid)"
  kill $pid; wait $pid 2>/dev/null || true
}
read -r bare_ms bare_rss < <(startup /nonexistent)
read -r spec_ms spec_rss < <(startup specs/compiled)

rm -f "$OUT/port"
build/twins serve --port 0 --port-file "$OUT/port" --quiet --port-range 20000-39999 >/dev/null & PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
wait_port_file "$OUT/port"
URL="http://127.0.0.1:$(cat "$OUT/port")"
RUN=$(curl -s -XPOST "$URL/twin-runs" -H 'content-type: application/json' -d '{"twins":["stripe","slack","github"],"ttl_minutes":60}')
STRIPE=$(echo "$RUN" | json_field twins.stripe.base_url)
SLACK=$(echo "$RUN" | json_field twins.slack.base_url)
GITHUB=$(echo "$RUN" | json_field twins.github.base_url)

"$OUT/raw_hello" 18191 & RAW=$!; sleep 0.3
raw=$(wrk_rps http://127.0.0.1:18191/); kill $RAW
trivial=$(wrk_rps "$GITHUB/no/such/route")
route=$(wrk_rps -H "Authorization: Bearer sk_test_bench" "$STRIPE/v1/customers/cus_missing")
# A method still served by the stub engine; checked, since methods turn stateful over time.
STUB_URL="$SLACK/api/emoji.list"
curl -s -D - -o /dev/null -H "Authorization: Bearer xoxb-F9SXMECOSFOGYR3XKXWN" "$STUB_URL" | grep -qi '^x-twin-stub: true' ||
  { echo "bench: $STUB_URL is no longer a stub; pick another stub route" >&2; exit 1; }
stub=$(wrk_rps -H "Authorization: Bearer xoxb-F9SXMECOSFOGYR3XKXWN" "$STUB_URL")
ratio() { echo "$1/$2" | bc -l; }
echo "== data plane (wrk -t2 -c64 -d${SECS}s, loopback, 2 cores shared by client and server)"
printf "%-48s %10s req/s\n" "minimal libuv+llhttp server (peer)" "$raw"
printf "%-48s %10s req/s  (%.2f x peer)\n" "trivial twin route (GitHub 404, full dispatch)" "$trivial" "$(ratio "$trivial" "$raw")"
printf "%-48s %10s req/s  (%.2f x peer)\n" "Stripe GET /v1/customers/{id} (auth + store)" "$route" "$(ratio "$route" "$raw")"
printf "%-48s %10s req/s  (%.2f x trivial route)\n" "stub route (Slack emoji.list)" "$stub" "$(ratio "$stub" "$trivial")"
echo
echo "== control plane and footprint"
echo "start-up to listening: ${bare_ms} ms without API descriptions, ${spec_ms} ms with all twelve"
echo "idle RSS: ${bare_rss} MiB without API descriptions, ${spec_rss} MiB with all twelve"
node bench/control.mjs "$URL" "$PID" "${BENCH_RUNS:-10000}"
