#!/usr/bin/env bash
# The main job (README): make this machine a Co-op Cloud server managed by abra and show an app
# running on it. Installs Node dependencies and Docker when missing, starts dockerd with Swarm
# and the `proxy` network, builds abra, registers the local engine as server `default`, then
# creates and deploys the example recipe `hello` (its image is built locally: no registry
# needed) and prints `abra app ps` and where to reach it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DOMAIN=${ABRA_EXAMPLE_DOMAIN:-hello.localhost}
PORT=${ABRA_EXAMPLE_PORT:-8080}
ABRA=("$ROOT/bin/abra.js")
ABRA_DIR=${ABRA_DIR:-$HOME/.abra}
export ABRA_DIR

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/engine-up.sh
npm run --silent build
"${ABRA[@]}" server add --local
bash scripts/example-image.sh

# The example recipe as abra expects recipes: a git repo with an annotated tag per release.
RECIPE="$ABRA_DIR/recipes/hello"
if [ ! -d "$RECIPE/.git" ]; then
  mkdir -p "$ABRA_DIR/recipes"
  cp -r examples/recipes/hello "$RECIPE"
  git -C "$RECIPE" init -q -b main
  git -C "$RECIPE" add -A
  git -C "$RECIPE" -c user.name=abra -c user.email=abra@localhost commit -qm "hello example recipe"
  for release in "$RECIPE"/release/*; do
    git -C "$RECIPE" -c user.name=abra -c user.email=abra@localhost tag -a "$(basename "$release")" -m "$(cat "$release")"
  done
fi

ENV_FILE="$ABRA_DIR/servers/default/$DOMAIN.env"
if [ ! -f "$ENV_FILE" ]; then
  "${ABRA[@]}" app new hello --server default --domain "$DOMAIN" --secrets -n
  # No Traefik here: publish the app on a host port instead (the recipe's compose.host.yml).
  printf 'COMPOSE_FILE="compose.yml:compose.host.yml"\nHOST_PORT=%s\nLETS_ENCRYPT_ENV=\n' "$PORT" >>"$ENV_FILE"
fi
if ! "${ABRA[@]}" app ps "$DOMAIN" --machine | grep -q '"deployed": true'; then
  "${ABRA[@]}" app deploy "$DOMAIN" -n --no-domain-checks
fi
"${ABRA[@]}" app ps "$DOMAIN"
echo
echo "The app runs: curl http://127.0.0.1:$PORT/  (abra: $ROOT/bin/abra.js, or \`npm link\` for \`abra\`)"
curl -s --max-time 5 "http://127.0.0.1:$PORT/" || true
