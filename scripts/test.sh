#!/usr/bin/env bash
# The test command (README): installs what is missing, brings up the lab (Docker engine with
# Swarm, sshd, images), builds, then runs lint, type check, unit and e2e tests. Ends with
# "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" != 0 ]; then
  echo "The test lab starts dockerd and sshd and must run as root (try: sudo npm test)." >&2
  exit 1
fi
# Install Node dependencies when the lockfile is newer than the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
bash test/lab/setup.sh
npm run --silent build
node scripts/run-tests.mjs test/static test/unit test/hostile test/e2e
