#!/usr/bin/env bash
# Compiles the API descriptions the stub engine loads into specs/compiled/
# (see scripts/specs-to-json.mjs).  Called by scripts/setup.sh after
# `npm ci` in specs/; does nothing when the output is newer than every input.
set -euo pipefail
cd "$(dirname "$0")/.."

out=specs/compiled
inputs=(specs/package-lock.json scripts/specs-to-json.mjs src/twins/*/api.json)

if [ ! -d specs/node_modules ]; then
  echo "build-specs: specs/node_modules missing; run scripts/setup.sh (npm ci in specs/) first" >&2
  exit 1
fi

up_to_date() {
  local stamp=$out/.stamp
  [ -f "$stamp" ] || return 1
  for f in "${inputs[@]}"; do [ "$f" -nt "$stamp" ] && return 1; done
  return 0
}

if up_to_date; then exit 0; fi
echo "build-specs: compiling API descriptions into $out"
node scripts/specs-to-json.mjs specs src "$out"
touch "$out/.stamp"
