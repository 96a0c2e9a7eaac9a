#!/usr/bin/env bash
# scripts/engine-up.sh -- make this machine a usable Co-op Cloud server: Docker engine running,
# Swarm active on a manager, the attachable overlay network `proxy`. Idempotent: each step checks
# first and only acts when needed (a no-op run takes a fraction of a second).
#
#   usage: engine-up.sh [extra Debian packages to install along with docker.io]
#
# Debian 12 as root, with or without systemd. dockerd is started in the background (setsid) with
# DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 so swarm tasks use local images instead of trying a
# registry first. Exit status 0 means: socket answers, swarm active, this node a manager.
#
# Environment:
#   ABRA_ENGINE_DOCKERD_TIMEOUT=60  seconds to wait for dockerd to answer
#   ABRA_ENGINE_NO_INSTALL=1        never run apt-get (fail instead)
#   ABRA_ENGINE_ADVERTISE=127.0.0.1 swarm --advertise-addr on first init
#   ABRA_ENGINE_LOGS=/var/log/abra  where dockerd's and apt's logs go
set -euo pipefail
export LC_ALL=C
TIMEOUT=${ABRA_ENGINE_DOCKERD_TIMEOUT:-${ABRA_LAB_DOCKERD_TIMEOUT:-60}}
LOGS=${ABRA_ENGINE_LOGS:-/var/log/abra}
ADVERTISE=${ABRA_ENGINE_ADVERTISE:-127.0.0.1}
MAIN_SOCK=/var/run/docker.sock
export DOCKER_HOST=unix://$MAIN_SOCK
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
export DOCKER_CLI_HINTS=false

LOG_PREFIX=abra-engine
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts dockerd)"
mkdir -p "$LOGS"

# ---- 1. packages ----------------------------------------------------------------------------------
step packages
PKGS=(docker.io "$@")
declare -A INSTALLED=()
while read -r p s; do INSTALLED[$p]=$s; done \
  < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null || true)
MISSING=()
for p in "${PKGS[@]}"; do [ "${INSTALLED[$p]:-}" = installed ] || MISSING+=("$p"); done
if [ "${#MISSING[@]}" = 0 ]; then
  log "all ${#PKGS[@]} present"
else
  [ "${ABRA_ENGINE_NO_INSTALL:-0}" != 1 ] || die "missing ${MISSING[*]} and ABRA_ENGINE_NO_INSTALL=1"
  APT_LOG=$LOGS/apt.log
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l NEEDRESTART_SUSPEND=1
  # Keep maintainer scripts from starting services (docker.io's postinst would start a dockerd
  # without our environment, openssh-server a system sshd on :22): temporary policy-rc.d.
  POLICY_CREATED=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; POLICY_CREATED=1
    trap 'if [ "$POLICY_CREATED" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
  fi
  apt_get() { apt-get -q -o Dpkg::Use-Pty=0 "$@" >>"$APT_LOG" 2>&1; }
  : >"$APT_LOG"
  updated=0
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    apt_get update || { tail -n 20 "$APT_LOG" >&2; die "apt-get update failed (log $APT_LOG)"; }
    updated=1
  fi
  if ! apt_get install -y --no-install-recommends "${MISSING[@]}"; then
    [ "$updated" = 0 ] || { tail -n 20 "$APT_LOG" >&2; die "apt-get install ${MISSING[*]} failed (log $APT_LOG)"; }
    apt_get update || { tail -n 20 "$APT_LOG" >&2; die "apt-get update failed (log $APT_LOG)"; }
    apt_get install -y --no-install-recommends "${MISSING[@]}" \
      || { tail -n 20 "$APT_LOG" >&2; die "apt-get install ${MISSING[*]} failed (log $APT_LOG)"; }
  fi
  if [ "$POLICY_CREATED" = 1 ]; then rm -f /usr/sbin/policy-rc.d; POLICY_CREATED=0; fi
  log "installed ${MISSING[*]}"
fi
have dockerd || die "dockerd not found after install"
have docker || die "docker CLI not found (docker.io ships /usr/bin/docker)"

# ---- 2. main dockerd, swarm, proxy network --------------------------------------------------------
step dockerd
IPTABLES_ARGS=()
iptables_ok() { iptables -S >/dev/null 2>&1; }
if ping_sock "$MAIN_SOCK"; then
  msg="up"
else
  if pid_alive /var/run/docker.pid dockerd; then
    msg="pid $(</var/run/docker.pid) was starting; now up"
  else
    [ -d /sys/fs/cgroup ] || die "/sys/fs/cgroup missing"
    if ! iptables_ok; then
      IPTABLES_ARGS=(--iptables=false)
      printf '[abra-lab] %-9s WARNING: iptables unusable; dockerd --iptables=false (host-mode ports still work)\n' "$STEP" >&2
    fi
    # setsid: own session, so the daemon outlives the calling shell / CI step.
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid dockerd -H "unix://$MAIN_SOCK" \
      --data-root /var/lib/docker --exec-root /var/run/docker --pidfile /var/run/docker.pid \
      "${IPTABLES_ARGS[@]}" >>"$LOGS/dockerd.log" 2>&1 </dev/null 9>&- &
    disown || true
    msg="started (log $LOGS/dockerd.log)"
    
  fi
  wait_ping "$MAIN_SOCK" "$LOGS/dockerd.log" dockerd
fi
read -r swarm_state swarm_ctl < <(docker info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}')
case "$swarm_state" in
  active) [ "$swarm_ctl" = true ] || die "swarm active but this node is not a manager" ;;
  inactive)
    docker swarm init --advertise-addr "$ADVERTISE" >/dev/null || die "docker swarm init failed"
    msg="$msg, swarm initialised" ;;
  *) die "swarm state '$swarm_state' (pending/error/locked): fix by hand, e.g. 'docker swarm leave --force' (or unlock), then rerun" ;;
esac
if net=$(docker network inspect proxy --format '{{.Driver}} {{.Attachable}}' 2>/dev/null); then
  [ "$net" = "overlay true" ] || die "network 'proxy' exists but is '$net' (want driver overlay, attachable)"
else
  out=$(docker network create --driver overlay --attachable proxy 2>&1) \
    || grep -qi 'already exists' <<<"$out" || die "network create proxy failed: $out"
  msg="$msg, network proxy created"
fi
log "$msg; swarm active; network proxy ok"

