#!/usr/bin/env bash
# Installs every Debian package Railgate's build, tests and benchmarks need.
# Idempotent: does nothing when everything is already installed.
# Usage: scripts/deps.sh [--check]   (--check: exit 1 if something is missing)
set -euo pipefail

PKGS=(
  build-essential pkg-config clang libclang-rt-14-dev
  libh2o-dev libuv1-dev libssl-dev libcurl4-openssl-dev
  libjansson-dev libyaml-dev libsqlite3-dev libpcre2-dev libvectorscan-dev
  libcmocka-dev libmimalloc-dev
  curl sqlite3 openssl ca-certificates python3
  nginx-light wrk
)
# node + npm run the OpenAI SDK client test; the machine image may already
# carry a nodejs package that includes npm, so only install when absent.
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
command -v npm >/dev/null 2>&1 || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${1:-}" = "--check" ]; then
  [ ${#missing[@]} -eq 0 ] && exit 0
  echo "missing packages: ${missing[*]}" >&2; exit 1
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# nginx-light's package starts a system nginx on :80; the benchmark runs its own
# instance on a loopback port, so the system one is not needed.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
  systemctl stop nginx >/dev/null 2>&1 || true
fi

# The OpenAI SDK (test client only), pinned by tests/node/package-lock.json.
if [ -f tests/node/package.json ] && [ ! -d tests/node/node_modules/openai ]; then
  (cd tests/node && npm ci --no-audit --no-fund --silent)
fi
