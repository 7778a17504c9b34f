#!/usr/bin/env bash
# Install the pinned outside XML signers (xadesjs, xml-crypto) into tools/node.
#
# Idempotent: runs `npm ci` only when tools/node/node_modules is missing or older
# than package-lock.json. Uses only the npm registry. The tests in tests/outside/
# run ../shared/clients/*.js with NODE_PATH=tools/node/node_modules.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir="$here/node"
stamp="$dir/node_modules/.package-lock.json"

command -v npm >/dev/null || {
  echo "npm missing: apt-get install -y nodejs npm" >&2
  exit 3
}

if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
  echo "tools/node/node_modules is up to date"
  exit 0
fi

cd "$dir"
npm ci --no-audit --no-fund
echo "installed pinned node packages into $dir/node_modules"
