#!/usr/bin/env bash
# Debian packages the tests use: xmlsec1 (an outside verifier), node and npm (outside
# signers), chromium (browser tests, later issues). Installs only what is missing.
set -euo pipefail
need=()
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v pg_isready >/dev/null 2>&1 || need+=(postgresql-client)
if ((${#need[@]})); then
  echo "install-system-deps: apt-get install ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
