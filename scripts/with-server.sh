#!/usr/bin/env bash
# Runs a command with a fresh `twins serve` on a free port, exported to the
# command as TWINS_URL; stops the server afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
"${TWINS_BIN:-build/twins}" serve --port 0 --port-file "$tmp/port" --quiet --spec-dir specs/compiled &
pid=$!
for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
[ -s "$tmp/port" ] || { echo "with-server: the server did not start"; kill $pid 2>/dev/null; exit 1; }
export TWINS_URL="http://127.0.0.1:$(cat "$tmp/port")"
"$@"
rc=$?
kill -TERM $pid; wait $pid 2>/dev/null
rm -rf "$tmp"
exit $rc
