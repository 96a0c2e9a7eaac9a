#!/usr/bin/env bash
# The main job (README): make this machine a Co-op Cloud server managed by abra. Installs the
# Node dependencies and Docker when missing, starts dockerd with Swarm and the `proxy` network,
# builds abra, registers the local engine as server `default` and shows the servers.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/engine-up.sh
npm run --silent build
./bin/abra.js server add --local
./bin/abra.js server ls
echo
echo "abra is ready: run it as $(pwd)/bin/abra.js (or \`npm link\` to put \`abra\` on your PATH)."
