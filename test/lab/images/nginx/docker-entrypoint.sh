#!/bin/sh
# Subset of the official nginx image's /docker-entrypoint.sh:
#  - runs /docker-entrypoint.d/*.sh (executable) and *.envsh (sourced)
#  - renders /etc/nginx/templates/*.template with envsubst into /etc/nginx/conf.d
#    (NGINX_ENVSUBST_TEMPLATE_DIR / _SUFFIX / NGINX_ENVSUBST_OUTPUT_DIR honoured)
set -e
if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
  tdir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
  suffix=${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
  odir=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
  if [ -d "$tdir" ]; then
    # shellcheck disable=SC2016,SC2046  # literal ${NAME} list for envsubst, one word per variable
    vars=$(printf '${%s} ' $(env | cut -d= -f1))
    find "$tdir" -follow -type f -name "*$suffix" -print | while read -r t; do
      rel=${t#"$tdir/"}; out="$odir/${rel%"$suffix"}"
      mkdir -p "$(dirname "$out")"
      envsubst "$vars" <"$t" >"$out"
    done
  fi
  if [ -d /docker-entrypoint.d ]; then
    for f in $(find /docker-entrypoint.d -follow -type f -print | sort -V); do
      # shellcheck disable=SC1090  # sourcing user-provided scripts is the point
      case "$f" in
        *.envsh) [ -x "$f" ] && . "$f" ;;
        *.sh)    [ -x "$f" ] && "$f" ;;
      esac
    done
  fi
fi
exec "$@"
