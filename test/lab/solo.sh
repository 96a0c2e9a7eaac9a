#!/usr/bin/env bash
# test/lab/solo.sh -- a second, separate single-node swarm "server" reached over SSH.
#
#   bash test/lab/solo.sh up [IMAGE...]   idempotent; loads IMAGE... (default: the lab images but
#                                         postgres) from the main daemon when missing or different
#   bash test/lab/solo.sh down            stops sshd and dockerd (by pidfile), removes the netns,
#                                         the veth and the daemon's data
#   bash test/lab/solo.sh status          exit 0 when dockerd answers, swarm is active and sshd runs
#
# Co-op Cloud servers are each their own swarm; the main lab (setup.sh) is one. This adds another:
#   netns l2-solo (veth l2-h 192.168.78.1/24 on the host <-> eth0 192.168.78.10/24 inside)
#   a private mount namespace with a tmpfs on /run, where /var/run/docker.sock is this node's own
#   dockerd (so sshd's streamlocal and `docker` over SSH both reach it), hostname l2-solo
#   dockerd: data $SOLO/data, exec-root /run/x (inside the tmpfs), pidfile $SOLO/dockerd.pid, also
#   listening on $SOLO/docker.sock for the host; swarm init --advertise-addr 192.168.78.10
#   sshd on 192.168.78.10:22 with the lab's host key and root's authorised key
# Everything is named l2-* / lives under $SOLO, so it never touches the main lab or the 3-node lab
# (l3-*, 192.168.77.0/24). It is up only while the test that started it runs (test/helpers/solo.ts).
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=/var/lib/abra-lab
SOLO=$LAB/solo
NS=l2-solo
NS_PATH=/var/run/netns/$NS
HOST_IF=l2-h
HOST_IP=192.168.78.1
NODE_IP=192.168.78.10
SOCK=$SOLO/docker.sock
PIDFILE=$SOLO/dockerd.pid
SSHD_PID=$SOLO/sshd.pid
SSHD_CONF=$SOLO/sshd_config
LOG=$SOLO/dockerd.log
TIMEOUT=${ABRA_LAB_DOCKERD_TIMEOUT:-60}
DEFAULT_IMAGES=(abra-lab/busybox:1 abra-lab/base:bookworm abra-lab/nginx:1 abra-lab/restic:1)

LOG_PREFIX=abra-solo
# shellcheck source=scripts/lib.sh
source "$HERE/../../scripts/lib.sh"
[ "$(id -u)" = 0 ] || die "must run as root"
solo_docker() { docker -H "unix://$SOCK" "$@"; }

ssh_up() { pid_alive "$SSHD_PID" "$SSHD_CONF"; }
swarm_state() { solo_docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo down; }

status() {
  ping_sock "$SOCK" || { echo "dockerd: down"; return 1; }
  [ "$(swarm_state)" = active ] || { echo "swarm: $(swarm_state)"; return 1; }
  ssh_up || { echo "sshd: down"; return 1; }
  echo "up: ssh root@$NODE_IP, socket $SOCK"
}

net_up() { netns_veth_up "$NS" "$HOST_IF" "$HOST_IP" "$NODE_IP"; }

sshd_config_text() {
  lab_sshd_config test/lab/solo.sh 22 "$NODE_IP" "$LAB/ssh/host_ed25519" "$SSHD_PID" "$LAB/ssh/authorized"
}

# One private mount namespace holds dockerd and sshd: a tmpfs on /run gives it its own
# /var/run/docker.sock (/var/run -> /run). The copies of the host's docker/containerd mounts are
# dropped first, so this namespace never pins another daemon's container filesystems.
node_up() {
  mkdir -p "$SOLO/data"
  printf '{}\n' >"$SOLO/daemon.json"   # never pick up /etc/docker/daemon.json
  sshd_config_text >"$SSHD_CONF"
  /usr/sbin/sshd -t -f "$SSHD_CONF" || die "invalid $SSHD_CONF"
  rm -f "$SOCK" "$PIDFILE" "$SSHD_PID"
  # shellcheck disable=SC2016  # the inner script is for /bin/sh; $1.. are its arguments
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid nsenter --net="$NS_PATH" \
    unshare --mount --uts --propagation private -- /bin/sh -ec '
      hostname l2-solo
      awk '\''{ print $2 }'\'' /proc/self/mounts \
        | grep -E "^(/var/lib/docker|/run|/var/lib/abra-lab/noswarm|/var/lib/abra-lab/l3)(/|\$)" \
        | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
      mount -t tmpfs -o mode=755 tmpfs /run
      mkdir -p /run/sshd /run/x; chmod 711 /run/sshd
      dockerd --config-file "$1/daemon.json" -H unix:///run/docker.sock -H "unix://$1/docker.sock" \
        --data-root "$1/data" --exec-root /run/x --pidfile "$1/dockerd.pid" \
        --containerd-namespace abra-lab-solo --containerd-plugins-namespace abra-lab-solo-plugins \
        --cgroup-parent /abra-lab-solo >>"$1/dockerd.log" 2>&1 </dev/null &
      i=0; until [ -S /run/docker.sock ] && [ -S "$1/docker.sock" ]; do
        i=$((i+1)); [ $i -lt 600 ] || exit 1; sleep 0.1; done
      /usr/sbin/sshd -f "$1/sshd_config" -E "$1/sshd.log"
      wait' sh "$SOLO" </dev/null >>"$LOG" 2>&1 9>&- &
  disown || true
  wait_ping "$SOCK" "$LOG" "solo dockerd"
  local i
  for i in $(seq 1 100); do ssh_up && break; sleep 0.05; done
  ssh_up || die "sshd did not come up on $NODE_IP:22 (log $SOLO/sshd.log)"
}

images_up() {
  local img want have_id
  for img in "$@"; do
    want=$(docker image inspect -f '{{.Id}}' "$img") || die "image $img missing on the main daemon (run test/lab/setup.sh)"
    have_id=$(solo_docker image inspect -f '{{.Id}}' "$img" 2>/dev/null || true)
    [ "$want" = "$have_id" ] || docker save "$img" | solo_docker load -q >/dev/null
  done
}

up() {
  step net; net_up; log "netns $NS, $HOST_IF $HOST_IP <-> $NODE_IP"
  step node
  if ping_sock "$SOCK" && ssh_up; then log "up"; else
    if pid_alive "$PIDFILE" dockerd || ssh_up; then down_daemons; fi
    node_up; log "dockerd + sshd started (log $LOG)"
  fi
  step swarm
  if [ "$(swarm_state)" != active ]; then
    solo_docker swarm init --advertise-addr "$NODE_IP" >/dev/null
  fi
  solo_docker network inspect proxy >/dev/null 2>&1 \
    || solo_docker network create -d overlay --attachable proxy >/dev/null
  log "active, network proxy"
  step images
  if [ $# -gt 0 ]; then images_up "$@"; else images_up "${DEFAULT_IMAGES[@]}"; fi
  log "loaded ${*:-${DEFAULT_IMAGES[*]}}"
}

stop_pid() {  # stop_pid PIDFILE WORD: TERM, wait up to 30 s, then KILL
  local pid i
  pid_alive "$1" "$2" || return 0
  pid=$(<"$1"); kill "$pid" 2>/dev/null || true
  for i in $(seq 1 300); do [ -e "/proc/$pid" ] || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

down_daemons() {
  stop_pid "$SSHD_PID" "$SSHD_CONF"
  stop_pid "$PIDFILE" dockerd
}

down() {
  step down
  down_daemons
  if [ -e "$NS_PATH" ]; then ip netns del "$NS"; fi
  ip link del "$HOST_IF" 2>/dev/null || true
  # the daemon's mounts lived in its own namespace and went with it
  rm -rf "$SOLO"
  log "stopped; netns, veth and $SOLO removed"
}

case "${1:-}" in
  up) shift; mkdir -p "$SOLO"; exec 9>"$LAB/solo.lock"; flock -w 300 9 || die "solo.lock held"; up "$@" ;;
  down) mkdir -p "$LAB"; exec 9>"$LAB/solo.lock"; flock -w 300 9 || die "solo.lock held"; down ;;
  status) status ;;
  *) echo "usage: $0 up [IMAGE...] | down | status" >&2; exit 2 ;;
esac
