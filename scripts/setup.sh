#!/usr/bin/env bash
# Installs what twins needs on a Debian machine (bookworm), idempotently:
# Debian packages (only those missing), llhttp's C sources taken from Debian's
# node-llhttp package, and the pinned npm packages (API descriptions, SDK
# conformance clients).  Safe to run again; does nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential pkg-config clang
  libuv1-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev zlib1g-dev
  libpq-dev postgresql
  libcmocka-dev libjansson-dev libfuzzer-14-dev libclang-rt-14-dev
  nodejs npm wrk valgrind bc curl
  chromium
)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root to run: $*" >&2; exit 1; fi
}

install_debian_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # Node from elsewhere (nvm, a tarball) is fine: only install Debian's when none answers.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    local keep=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || keep+=("$p"); done
    missing=("${keep[@]+"${keep[@]}"}")
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# llhttp's C sources come from Debian's node-llhttp package; extracting the
# .deb avoids pulling Debian's nodejs alongside.
extract_llhttp() {
  [ -f .deps/llhttp/src/llhttp.c ] && return 0
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download node-llhttp >/dev/null 2>&1) || {
    as_root apt-get update -qq; (cd "$tmp" && apt-get download node-llhttp >/dev/null); }
  dpkg-deb -x "$tmp"/node-llhttp_*.deb "$tmp/x"
  mkdir -p .deps/llhttp/src .deps/llhttp/include
  cp "$tmp"/x/usr/share/llhttp/*.c .deps/llhttp/src/
  cp "$tmp"/x/usr/share/include/llhttp/llhttp.h .deps/llhttp/include/
  rm -rf "$tmp"
}

install_npm_packages() {
  # Debian 12's nodejs is 18; the pinned SDKs in tests/ and sdk/typescript declare engines node >= 20.
  if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    echo "setup: warning: Node.js $(node -v) found; the tests and sdk/typescript need Node.js >= 20" >&2
  fi
  for dir in specs tests sdk/typescript; do
    [ -f "$dir/package.json" ] || continue
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "setup: npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
  if [ -x scripts/build-specs.sh ]; then scripts/build-specs.sh; fi
}

if [ "${1:-}" = "--llhttp-only" ]; then extract_llhttp; exit 0; fi
install_debian_packages
extract_llhttp
install_npm_packages
