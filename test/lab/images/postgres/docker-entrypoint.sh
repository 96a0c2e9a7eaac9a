#!/usr/bin/env bash
# Re-implementation (not a copy) of the official postgres image's entrypoint contract:
#   POSTGRES_PASSWORD / POSTGRES_USER / POSTGRES_DB / POSTGRES_INITDB_ARGS / POSTGRES_INITDB_WALDIR
#   and their *_FILE variants (docker secrets), POSTGRES_HOST_AUTH_METHOD, PGDATA,
#   /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz|*.sql.xz run once on first start,
#   drops to user postgres via gosu, execs postgres in the foreground (PID 1).
set -Eeo pipefail

file_env() {   # file_env VAR [DEFAULT]: VAR or VAR_FILE, not both
  local var=$1 fileVar="${1}_FILE" def=${2:-} val
  if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
    echo >&2 "error: both $var and $fileVar are set (but are exclusive)"; exit 1
  fi
  val=$def
  if [ "${!var:-}" ]; then val=${!var}; elif [ "${!fileVar:-}" ]; then val=$(<"${!fileVar}"); fi
  export "$var"="$val"; unset "$fileVar"
}

docker_setup_env() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  DATABASE_ALREADY_EXISTS=
  if [ -s "$PGDATA/PG_VERSION" ]; then DATABASE_ALREADY_EXISTS=true; fi
}

docker_create_db_directories() {
  mkdir -p "$PGDATA"; chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql; chmod 03775 /var/run/postgresql || :
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then mkdir -p "$POSTGRES_INITDB_WALDIR"; fi
  if [ "$(id -u)" = 0 ]; then
    find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
    find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
    if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +; fi
  fi
  return 0
}

docker_verify_minimum_env() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    cat >&2 <<'EOM'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value for the
       superuser, or use POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password.
EOM
    exit 1
  fi
}

docker_init_database_dir() {
  local args=()
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then args+=(--waldir "$POSTGRES_INITDB_WALDIR"); fi
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
         "${args[@]}" $POSTGRES_INITDB_ARGS
}

pg_setup_hba_conf() {
  { echo; echo "host all all all $POSTGRES_HOST_AUTH_METHOD"; } >>"$PGDATA/pg_hba.conf"
}

docker_process_sql() {
  PGHOST='' PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc \
    ${POSTGRES_DB:+--dbname "$POSTGRES_DB"} "$@"
}

docker_setup_db() {
  local exists db=$POSTGRES_DB
  exists=$(POSTGRES_DB=postgres docker_process_sql -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")
  if [ -z "$exists" ]; then
    echo 'CREATE DATABASE :"db";' | POSTGRES_DB=postgres docker_process_sql -v db="$db" >/dev/null
    echo "created database $db"
  fi
}

docker_process_init_files() {
  local f
  for f in "$@"; do
    # shellcheck disable=SC1090  # sourcing user-provided scripts is the point
    case "$f" in
      *.sh) if [ -x "$f" ]; then echo "running $f"; "$f"; else echo "sourcing $f"; . "$f"; fi ;;
      *.sql)    echo "running $f"; docker_process_sql -f "$f" ;;
      *.sql.gz) echo "running $f"; gunzip -c "$f" | docker_process_sql ;;
      *.sql.xz) echo "running $f"; xzcat "$f" | docker_process_sql ;;
      *) echo "ignoring $f" ;;
    esac
  done
}

docker_temp_server_start() {
  if [ "${1:-}" = postgres ]; then shift; fi
  set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
  PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}
docker_temp_server_stop() { PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop; }

_main() {
  if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
  if [ "$1" = postgres ]; then
    docker_setup_env
    docker_create_db_directories
    if [ "$(id -u)" = 0 ]; then exec gosu postgres "${BASH_SOURCE[0]}" "$@"; fi
    if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
      docker_verify_minimum_env
      ls /docker-entrypoint-initdb.d/ >/dev/null
      docker_init_database_dir
      pg_setup_hba_conf
      export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
      docker_temp_server_start "$@"
      docker_setup_db
      docker_process_init_files /docker-entrypoint-initdb.d/*
      docker_temp_server_stop
      unset PGPASSWORD
      echo; echo 'PostgreSQL init process complete; ready for start up.'; echo
    else
      echo; echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'; echo
    fi
  fi
  exec "$@"
}

# allow "source docker-entrypoint.sh" from a recipe's custom entrypoint (as upstream does)
if ! (return 0 2>/dev/null); then _main "$@"; fi
