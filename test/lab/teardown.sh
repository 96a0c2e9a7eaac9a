#!/usr/bin/env bash
# test/lab/teardown.sh -- stop what test/lab/setup.sh started besides the main dockerd:
# the two lab sshds and the non-swarm dockerd, each by its pidfile (checked against the process's
# command line so a recycled pid is never hit). Keys, users, images, data and lab.env are kept;
# the next setup.sh run starts everything again.
set -euo pipefail
LAB=/var/lib/abra-lab
SSH_DIR=$LAB/ssh
NS_PIDFILE=/run/abra-lab/noswarm-dockerd.pid

say() { printf '[abra-lab] teardown  %s\n' "$*" >&2; }
pid_running() {  # pid_running PID: exists and is not a zombie (pid 1 here reaps orphans only every ~2 s)
  local st
  { read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
  st=${st##*) }; [ "${st%% *}" != Z ]
}
stop_pidfile() {  # stop_pidfile PIDFILE WORD NAME WAIT_SECONDS
  local pidfile=$1 word=$2 name=$3 wait=$4 pid i
  if [ ! -s "$pidfile" ]; then say "$name: not running (no pidfile)"; return 0; fi
  pid=$(<"$pidfile")
  if ! { [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$word"; }; then
    say "$name: not running (stale pidfile)"; rm -f "$pidfile"; return 0
  fi
  kill "$pid"
  for ((i = 0; i < wait * 10; i++)); do
    pid_running "$pid" || { rm -f "$pidfile"; say "$name: stopped (pid $pid)"; return 0; }
    sleep 0.1
  done
  say "$name: pid $pid still running after ${wait}s"
  return 1
}

[ "$(id -u)" = 0 ] || { say "must run as root"; exit 1; }
rc=0
stop_pidfile "$SSH_DIR/sshd-noswarm.pid" "$SSH_DIR/sshd-noswarm_config" sshd-noswarm 5 || rc=1
stop_pidfile "$SSH_DIR/sshd.pid" "$SSH_DIR/sshd_config" sshd 5 || rc=1
# dockerd stops its containers first (10 s grace each), so allow some time
stop_pidfile "$NS_PIDFILE" "dockerd" "non-swarm dockerd" 60 || rc=1
exit "$rc"
