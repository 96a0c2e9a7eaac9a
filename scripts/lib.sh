# scripts/lib.sh -- shell helpers shared by scripts/engine-up.sh and test/lab/setup.sh.
# Source it after setting LOG_PREFIX (e.g. abra-lab) and TIMEOUT (seconds to wait for a daemon).
# shellcheck shell=bash

now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
T0=$(now_us) STEP=setup STEP_T=$T0
step() { STEP=$1; STEP_T=$(now_us); }
log() { printf '[%s] %-9s %s (%d ms)\n' "$LOG_PREFIX" "$STEP" "$*" $(( ($(now_us) - STEP_T) / 1000 )) >&2; }
die() { printf '[%s] %-9s ERROR: %s\n' "$LOG_PREFIX" "$STEP" "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
pid_alive() {  # pid_alive PIDFILE WORD: the pid in PIDFILE runs and its command line contains WORD
  local pid
  [ -s "$1" ] || return 1
  pid=$(<"$1")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}
ping_sock() {  # ping_sock SOCKET: GET /_ping answers OK
  if have curl; then
    [ "$(curl -s --max-time 5 --unix-socket "$1" http://localhost/_ping 2>/dev/null)" = OK ]
  else
    timeout 10 docker -H "unix://$1" version --format '{{.Server.Version}}' >/dev/null 2>&1
  fi
}
wait_ping() {  # wait_ping SOCKET LOGFILE WHAT
  local deadline=$(( $(date +%s) + TIMEOUT ))
  until ping_sock "$1"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 30 "$2" >&2 || true
      die "$3 did not answer on $1 within ${TIMEOUT}s (log $2)"
    fi
    sleep 0.1
  done
}
