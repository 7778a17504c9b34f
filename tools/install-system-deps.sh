#!/usr/bin/env bash
# Debian packages the server and the tests use; installs only what is missing.
# Tests: xmlsec1 and openssl (an outside verifier and the shared xmlsec1 script's
# key check), node and npm (outside signers).
# With `run`, only what serving needs (fonts and time zones for PDF receipts).
set -euo pipefail
need=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ -e /usr/share/zoneinfo/Europe/Warsaw ] || need+=(tzdata)
if [ "${1:-}" != run ]; then
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v pg_isready >/dev/null 2>&1 || need+=(postgresql-client)
# PDF receipts: DejaVu Sans (Polish letters), pdfsig/pdftotext/pdftoppm and
# certutil (the tests' outside PAdES check), zbarimg (the tests read the QR code).
command -v pdfsig >/dev/null 2>&1 || need+=(poppler-utils)
command -v certutil >/dev/null 2>&1 || need+=(libnss3-tools)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
# Browser tests: Debian's Chromium, driven by Playwright (which downloads nothing).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
if ((${#need[@]})); then
  echo "install-system-deps: apt-get install ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
