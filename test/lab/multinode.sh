#!/usr/bin/env bash
# test/lab/multinode.sh -- a 3-node Docker Swarm (1 manager, 2 workers) on this one machine.
#
#   bash test/lab/multinode.sh up            idempotent (a second `up` only checks); loads the lab
#                                            images into every node when missing or different
#   bash test/lab/multinode.sh down          stops everything (by pidfile and by mount namespace),
#                                            removes the namespaces, veths, cgroups and $L3
#   bash test/lab/multinode.sh status        exit 0 when all three nodes are Ready and sshd runs
#   bash test/lab/multinode.sh stop-node N   kill node N's dockerd at once (SIGKILL, fault tests)
#   bash test/lab/multinode.sh start-node N  start node N's dockerd again (it rejoins by itself)
#
# Layout (../shared/docs/dockerlab.md §4), all named l3-* or under $L3:
#   netns l3-sw       the L2 switch: bridge br0, so bridged frames never cross the host's iptables
#   veth  l3-h        192.168.77.1/24 on the host, into the switch (the host reaches the nodes)
#   netns l3-nN       eth0 192.168.77.1N/24, N = 0 (manager), 1, 2 (workers)
#   node N            its own mount + UTS namespace (hostname l3-nN) with a tmpfs on /run: its
#                     /var/run/docker.sock is its own dockerd, so a task that bind-mounts the socket
#                     (the node gateway) gets that node's engine. Also on $L3/nN/docker.sock for
#                     the host. Data $L3/nN/data, exec-root /run/x (inside the tmpfs).
#   sshd              on 192.168.77.10:22 inside node 0's net + mount namespace, with the lab's
#                     host key and root's authorised key: `ssh root@192.168.77.10 docker ...` and a
#                     streamlocal channel to /var/run/docker.sock both reach the manager.
# Nodes enter their netns with `nsenter --net` (`ip netns exec` remounts /sys and dockerd dies);
# dockerd runs with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 and an /etc/resolv.conf that points at
# 127.0.0.1 (DNS in a netns times out after 20 s; this way a lookup fails at once).
# Only one test file may use this lab at a time: test/helpers/multinode.ts holds $LOCK_USE.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=/var/lib/abra-lab
L3=${ABRA_L3_DIR:-/tmp/l3}
LOCK=/tmp/l3.lock
NODES=(0 1 2)
SUBNET=192.168.77
HOST_IP=$SUBNET.1
MANAGER_IP=$SUBNET.10
SW=l3-sw
HOST_IF=l3-h
TIMEOUT=${ABRA_LAB_DOCKERD_TIMEOUT:-60}
# postgres (~400 MB) only when asked for: ABRA_L3_IMAGES="... abra-lab/postgres:15"
read -r -a IMAGES <<<"${ABRA_L3_IMAGES:-abra-lab/busybox:1 abra-lab/nginx:1 abra-lab/restic:1 abra-lab/socat:1}"

LOG_PREFIX=abra-l3
# shellcheck source=scripts/lib.sh
source "$HERE/../../scripts/lib.sh"
[ "$(id -u)" = 0 ] || die "must run as root"

ns_of() { echo "l3-n$1"; }
ip_of() { echo "$SUBNET.1$1"; }
dir_of() { echo "$L3/n$1"; }
sock_of() { echo "$L3/n$1/docker.sock"; }
nd() { local n=$1; shift; docker -H "unix://$(sock_of "$n")" "$@"; }
swarm_state() { nd "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo down; }
sshd_up() { pid_alive "$L3/sshd.pid" "$L3/sshd_config"; }

# ---- network ------------------------------------------------------------------------------------
net_up() {
  [ -e "/var/run/netns/$SW" ] || ip netns add "$SW"
  ip -n "$SW" link set lo up
  ip -n "$SW" link show br0 >/dev/null 2>&1 || ip -n "$SW" link add br0 type bridge
  ip -n "$SW" link set br0 up
  if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
    ip link add "$HOST_IF" type veth peer name h-up netns "$SW"
  fi
  ip -n "$SW" link set h-up master br0 up
  ip addr replace "$HOST_IP/24" dev "$HOST_IF"; ip link set "$HOST_IF" up
  local n ns
  for n in "${NODES[@]}"; do
    ns=$(ns_of "$n")
    [ -e "/var/run/netns/$ns" ] || ip netns add "$ns"
    ip -n "$ns" link set lo up
    if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
      ip -n "$SW" link del "n$n-up" 2>/dev/null || true
      ip link add "n$n-up" netns "$SW" type veth peer name eth0 netns "$ns"
    fi
    ip -n "$SW" link set "n$n-up" master br0 up
    ip -n "$ns" addr replace "$(ip_of "$n")/24" dev eth0; ip -n "$ns" link set eth0 up
    ip -n "$ns" route replace default via "$HOST_IP"
  done
}

# ---- one node: mount ns + dockerd (+ sshd on node 0) --------------------------------------------
sshd_config_text() {
  lab_sshd_config test/lab/multinode.sh 22 "$MANAGER_IP" "$LAB/ssh/host_ed25519" "$L3/sshd.pid" "$LAB/ssh/authorized"
}

node_start() {  # node_start N: a fresh mount namespace with dockerd (and sshd on node 0)
  local n=$1 d with_sshd=0
  d=$(dir_of "$n")
  mkdir -p "$d/data"
  printf '{}\n' >"$d/daemon.json"   # never pick up /etc/docker/daemon.json
  printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$L3/resolv.conf"
  if [ "$n" = 0 ]; then
    with_sshd=1
    sshd_config_text >"$L3/sshd_config"
    /usr/sbin/sshd -t -f "$L3/sshd_config" || die "invalid $L3/sshd_config"
    rm -f "$L3/sshd.pid"
  fi
  rm -f "$d/docker.sock" "$d/dockerd.pid"
  # The copies of the host's docker/containerd/lab mounts are dropped first, so this namespace
  # never pins another daemon's container filesystems. The shell stays as the namespace's anchor
  # (its pid in $d/ns.pid): `down` ends every process that shares its mount namespace.
  # shellcheck disable=SC2016  # the inner script is for /bin/sh; $1.. are its arguments
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid nsenter --net="/var/run/netns/$(ns_of "$n")" \
    unshare --mount --uts --propagation private -- /bin/sh -ec '
      echo $$ >"$1/ns.pid"
      hostname "l3-n$2"
      awk '\''{ print $2 }'\'' /proc/self/mounts \
        | grep -E "^(/var/lib/docker|/run|/var/lib/abra-lab/noswarm|/var/lib/abra-lab/solo)(/|\$)" \
        | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
      mount -t tmpfs -o mode=755 tmpfs /run
      mkdir -p /run/sshd /run/x; chmod 711 /run/sshd
      mount --bind "$4/resolv.conf" /etc/resolv.conf
      dockerd --config-file "$1/daemon.json" -H unix:///run/docker.sock -H "unix://$1/docker.sock" \
        --data-root "$1/data" --exec-root /run/x --pidfile "$1/dockerd.pid" \
        --cgroup-parent "/l3-n$2" >>"$1/dockerd.log" 2>&1 </dev/null &
      if [ "$3" = 1 ]; then
        i=0; until [ -S /run/docker.sock ]; do i=$((i+1)); [ $i -lt 600 ] || exit 1; sleep 0.1; done
        /usr/sbin/sshd -f "$4/sshd_config" -E "$4/sshd.log"
      fi
      wait' sh "$d" "$n" "$with_sshd" "$L3" </dev/null >>"$d/dockerd.log" 2>&1 9>&- &
  disown || true
}

node_wait() {  # node_wait N
  local n=$1 i
  wait_ping "$(sock_of "$n")" "$(dir_of "$n")/dockerd.log" "l3-n$n dockerd"
  if [ "$n" = 0 ]; then
    for i in $(seq 1 200); do sshd_up && return 0; sleep 0.05; done
    die "sshd did not come up on $MANAGER_IP:22 (log $L3/sshd.log)"
  fi
}

ns_pids() {  # ns_pids N: every process in node N's mount namespace
  local n=$1 anchor mnt p
  anchor=$(cat "$(dir_of "$n")/ns.pid" 2>/dev/null) || return 0
  mnt=$(readlink "/proc/$anchor/ns/mnt" 2>/dev/null) || return 0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$mnt" ] && echo "${p#/proc/}"
  done
  return 0
}

cg_pids() {  # cg_pids N: every process in node N's --cgroup-parent (its containers)
  local f
  for f in /sys/fs/cgroup/pids/l3-n"$1"/*/cgroup.procs /sys/fs/cgroup/pids/l3-n"$1"/cgroup.procs; do
    [ -r "$f" ] && cat "$f"
  done 2>/dev/null
  return 0
}

node_stop() {  # node_stop N [KILL]: dockerd (and sshd) gone, its namespace empty
  local n=$1 sig=${2:-TERM} d pid i pids
  d=$(dir_of "$n")
  if [ "$n" = 0 ] && sshd_up; then kill "$(<"$L3/sshd.pid")" 2>/dev/null || true; fi
  if pid_alive "$d/dockerd.pid" dockerd; then
    pid=$(<"$d/dockerd.pid"); kill -"$sig" "$pid" 2>/dev/null || true
    for i in $(seq 1 300); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
  fi
  # whatever is left in its mount namespace (containerd, shims, the anchor shell) and in its
  # cgroup (containers have mount namespaces of their own)
  pids="$(ns_pids "$n") $(cg_pids "$n")"
  if [ -n "${pids// /}" ]; then
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    for i in $(seq 1 50); do [ -z "$(ns_pids "$n")$(cg_pids "$n")" ] && break; sleep 0.1; done
  fi
  rm -f "$d/ns.pid" "$d/docker.sock" "$d/dockerd.pid"
}

# ---- swarm and images ---------------------------------------------------------------------------
swarm_up() {
  local st token n
  st=$(swarm_state 0)
  if [ "$st" != active ]; then
    [ "$st" = inactive ] || nd 0 swarm leave --force >/dev/null 2>&1 || true
    nd 0 swarm init --advertise-addr "$MANAGER_IP" >/dev/null
  fi
  [ "$(nd 0 info --format '{{.Swarm.ControlAvailable}}')" = true ] || die "l3-n0 is not a manager"
  token=
  for n in "${NODES[@]:1}"; do
    st=$(swarm_state "$n")
    [ "$st" = active ] && continue
    [ "$st" = inactive ] || nd "$n" swarm leave --force >/dev/null 2>&1 || true
    [ -n "$token" ] || token=$(nd 0 swarm join-token -q worker)
    nd "$n" swarm join --advertise-addr "$(ip_of "$n")" --token "$token" "$MANAGER_IP:2377" >/dev/null
  done
  # nodes that left (a worker's data was reset) stay listed as Down: drop them
  local stale
  stale=$(nd 0 node ls --format '{{.ID}} {{.Status}}' | awk '$2 == "Down" { print $1 }')
  if [ -n "$stale" ]; then
    # shellcheck disable=SC2086
    nd 0 node rm --force $stale >/dev/null 2>&1 || true
  fi
  nd 0 network inspect proxy >/dev/null 2>&1 || nd 0 network create -d overlay --attachable proxy >/dev/null
}

ready_count() { nd 0 node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$' || true; }

images_up() {  # one `docker save` of what any node lacks, loaded into those nodes in parallel
  local img want n missing=() targets=() pids=() p fail=0
  declare -A WANT_ID=()
  for img in "${IMAGES[@]}"; do
    want=$(docker image inspect -f '{{.Id}}' "$img") || die "image $img missing on the main daemon (run test/lab/setup.sh)"
    WANT_ID[$img]=$want
  done
  for n in "${NODES[@]}"; do
    for img in "${IMAGES[@]}"; do
      if [ "$(nd "$n" image inspect -f '{{.Id}}' "$img" 2>/dev/null || true)" != "${WANT_ID[$img]}" ]; then
        targets+=("$n"); break
      fi
    done
  done
  [ "${#targets[@]}" -gt 0 ] || { IMG_MSG="current on all nodes"; return 0; }
  missing=("${IMAGES[@]}")
  docker save "${missing[@]}" -o "$L3/images.tar"
  for n in "${targets[@]}"; do
    nd "$n" load -q -i "$L3/images.tar" >/dev/null & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || fail=1; done
  rm -f "$L3/images.tar"
  [ "$fail" = 0 ] || die "docker load into a node failed"
  IMG_MSG="loaded into node(s) ${targets[*]}"
}

# ---- commands -----------------------------------------------------------------------------------
up() {
  mkdir -p "$L3"
  step net; net_up; log "switch $SW, $HOST_IF $HOST_IP, nodes ${NODES[*]/#/$SUBNET.1}"
  step nodes
  local n started=()
  for n in "${NODES[@]}"; do
    if ping_sock "$(sock_of "$n")" && { [ "$n" != 0 ] || sshd_up; }; then continue; fi
    node_stop "$n"
    node_start "$n"; started+=("$n")
  done
  for n in "${started[@]}"; do node_wait "$n"; done
  log "${started[*]:+started ${started[*]}; }all answer"
  step swarm; swarm_up
  local i
  for i in $(seq 1 200); do [ "$(ready_count)" = 3 ] && break; sleep 0.1; done
  [ "$(ready_count)" = 3 ] || { nd 0 node ls >&2; die "not all 3 nodes Ready"; }
  log "3 nodes Ready (l3-n0 manager)"
  step images; images_up; log "$IMG_MSG"
  STEP=total STEP_T=$T0; log "3-node lab up: ssh root@$MANAGER_IP"
}

down() {
  step down
  local n c
  # everything is deleted below, so nothing needs a clean stop: SIGKILL saves the ~10 s dockerd
  # spends leaving the swarm and stopping containers
  for n in "${NODES[@]}"; do node_stop "$n" KILL & done
  wait
  for n in "${NODES[@]}"; do
    [ -e "/var/run/netns/$(ns_of "$n")" ] && ip netns del "$(ns_of "$n")"
    # empty cgroups the node's --cgroup-parent made
    for c in /sys/fs/cgroup/*/"l3-n$n"; do
      [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null
    done
  done
  [ -e "/var/run/netns/$SW" ] && ip netns del "$SW"
  ip link del "$HOST_IF" 2>/dev/null || true
  rm -rf "$L3"
  log "stopped; namespaces, veths and $L3 removed"
}

status() {
  local n ok=0
  for n in "${NODES[@]}"; do ping_sock "$(sock_of "$n")" || { echo "l3-n$n: dockerd down"; ok=1; }; done
  sshd_up || { echo "sshd: down"; ok=1; }
  [ "$ok" = 0 ] || return 1
  [ "$(ready_count)" = 3 ] || { nd 0 node ls; return 1; }
  echo "up: 3 nodes Ready; ssh root@$MANAGER_IP; sockets $L3/n{0,1,2}/docker.sock"
}

node_arg() { case "${1:-}" in 0|1|2) ;; *) die "node must be 0, 1 or 2, not '${1:-}'" ;; esac; }
cmd=${1:-}
case "$cmd" in
  up|down|stop-node|start-node) exec 9>"$LOCK"; flock -w 300 9 || die "$LOCK held" ;;
esac
case "$cmd" in
  up) up ;;
  down) down ;;
  status) status ;;
  stop-node) node_arg "${2:-}"; step stop; node_stop "$2" KILL; log "l3-n$2 killed" ;;
  start-node) node_arg "${2:-}"; step start; node_stop "$2"; node_start "$2"; node_wait "$2"; log "l3-n$2 answers" ;;
  *) echo "usage: $0 up | down | status | stop-node N | start-node N" >&2; exit 2 ;;
esac
