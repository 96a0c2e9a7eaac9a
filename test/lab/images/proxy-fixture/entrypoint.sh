#!/bin/sh
# The official traefik image's /entrypoint.sh contract: flags alone mean `traefik <flags>`, and
# `healthcheck`/`version` are traefik subcommands. The recipe's /custom-entrypoint.sh calls this.
set -e
if [ "${1#-}" != "$1" ]; then set -- traefik "$@"; fi
case "$1" in healthcheck|version) set -- traefik "$@" ;; esac
exec "$@"
