#!/usr/bin/env bash
# test/lab/setup.sh -- idempotent Docker Swarm + SSH test lab for the abra TypeScript tests.
#
# Run as root (Debian 12) before every test run. Every step checks first and only acts when
# needed; each logs one line with its elapsed ms to stderr. When everything is up it takes well
# under a second (+ one `docker image inspect` for the images). See test/lab/README.md.
#
#   1. apt packages: docker.io openssh-server openssh-client busybox-static debootstrap git restic tmux
#      chromium caddy pebble bash-completion zsh fish docker-registry curl (tmux: test/helpers/tty.ts
#      drives the prompts through a real pseudo-terminal; chromium: the dashboard e2e drives it
#      with playwright-core; no browser is downloaded; caddy, pebble: what the proxy fixture and
#      ACME CA images install; bash-completion, zsh, fish: test/e2e/completion loads `abra
#      autocomplete`'s scripts into each shell; docker-registry: the lab registry)
#   2. main dockerd on /var/run/docker.sock, swarm init (advertise 127.0.0.1), overlay net `proxy`
#   3. a second dockerd that is NOT in swarm mode, on /run/abra-lab/noswarm.sock
#   4. sshd on 127.0.0.1:$ABRA_LAB_SSH_PORT (2222) + test users, all state in /var/lib/abra-lab/ssh
#   5. a second sshd on 127.0.0.1:$ABRA_LAB_SSH_NOSWARM_PORT (2223) in its own mount namespace
#      where /var/run/docker.sock is the non-swarm daemon
#   6. client files (known_hosts, ssh_config, bin/ssh wrapper) and self-tests
#   7. images abra-lab/{busybox:1,base:bookworm,nginx:1,postgres:15,restic:1,socat:1,pebble:1,
#      proxy-fixture:1}  (images/build-all.sh)
#   7b. a local registry (docker-registry) on 127.0.0.1:$ABRA_LAB_REGISTRY_PORT (5015) holding the
#      lab images under several tags each (registry.sh)
#   8. /var/lib/abra-lab/lab.env for the tests
#
# Environment:
#   ABRA_LAB_SSH_PORT=2222          port of the main sshd
#   ABRA_LAB_SSH_NOSWARM_PORT=2223  port of the non-swarm sshd; set it empty to skip step 5
#   ABRA_LAB_REGISTRY_PORT=5015     port of the local registry (loopback only)
#   ABRA_LAB_SKIP_IMAGES=1          skip steps 7 and 7b
#   ABRA_LAB_VERIFY=1               run the full SSH/daemon verification even when nothing changed
#   ABRA_LAB_DOCKERD_TIMEOUT=60     seconds to wait for a dockerd to answer
#   ABRA_LAB_NO_INSTALL=1           never run apt-get (fail instead)
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=/var/lib/abra-lab
RUNDIR=/run/abra-lab
LOGS=$LAB/logs
SSH_DIR=$LAB/ssh
SSH_PORT=${ABRA_LAB_SSH_PORT:-2222}
NOSWARM_PORT=${ABRA_LAB_SSH_NOSWARM_PORT-2223}
TIMEOUT=${ABRA_LAB_DOCKERD_TIMEOUT:-60}
VERIFY=${ABRA_LAB_VERIFY:-0}   # set to 1 below whenever something was (re)started

MAIN_SOCK=/var/run/docker.sock
NS_SOCK=$RUNDIR/noswarm.sock
NS_EXEC=$RUNDIR/nsx                       # short: unix socket paths are limited to 108 bytes
NS_PIDFILE=$RUNDIR/noswarm-dockerd.pid
NS_DATA=$LAB/noswarm
USER_NOPERM=abralab-noperm
USER_NODOCKER=abralab-nodocker
EMPTY_BIN=$LAB/empty-bin
KNOWN_HOSTS=$LAB/known_hosts
SSH_CONFIG=$LAB/ssh_config
IMG_BUSYBOX=abra-lab/busybox:1
IMG_NGINX=abra-lab/nginx:1
IMG_POSTGRES=abra-lab/postgres:15
IMG_RESTIC=abra-lab/restic:1
IMG_SOCAT=abra-lab/socat:1
IMG_PEBBLE=abra-lab/pebble:1
IMG_PROXY_FIXTURE=abra-lab/proxy-fixture:1

export DOCKER_HOST=unix://$MAIN_SOCK
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
export DOCKER_CLI_HINTS=false

LOG_PREFIX=abra-lab
# shellcheck source=scripts/lib.sh
source "$HERE/../../scripts/lib.sh"
pid_running() {  # pid_running PID: exists and is not a zombie (pid 1 here reaps orphans only every ~2 s)
  local st
  { read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
  st=${st##*) }; [ "${st%% *}" != Z ]
}
write_if_changed() {  # write_if_changed FILE MODE CONTENT -> 0 if the file was (re)written
  if [ -f "$1" ] && [ "$(<"$1")" = "$3" ]; then return 1; fi
  printf '%s\n' "$3" >"$1.tmp.$$"; chmod "$2" "$1.tmp.$$"; mv -f "$1.tmp.$$" "$1"
}

[ "$(id -u)" = 0 ] || die "must run as root"
[ -n "$SSH_PORT" ] || die "ABRA_LAB_SSH_PORT must not be empty"
[ "$SSH_PORT" != "$NOSWARM_PORT" ] || die "ABRA_LAB_SSH_PORT and ABRA_LAB_SSH_NOSWARM_PORT must differ"
mkdir -p "$LAB" "$LOGS" "$RUNDIR"
chmod 755 "$LAB"   # non-root test users must reach their authorized_keys file under it

# One setup at a time. fd 9 is closed for every daemon we start (9>&-) so they never hold the lock.
exec 9>"$LAB/setup.lock"
flock -w 900 9 || die "another setup.sh holds $LAB/setup.lock"

# ---- 1+2. packages, main dockerd, swarm, proxy network (shared with `npm run local`) ----------
step engine
ping_sock "$MAIN_SOCK" || VERIFY=1
ABRA_ENGINE_LOGS=$LOGS ABRA_ENGINE_NO_INSTALL=${ABRA_LAB_NO_INSTALL:-0} \
  bash "$HERE/../../scripts/engine-up.sh" openssh-server openssh-client busybox-static debootstrap git restic tmux chromium caddy pebble bash-completion zsh fish docker-registry curl 9>&- \
  || die "scripts/engine-up.sh failed"
# Debian's caddy package enables caddy.service (a default site on :80). It is installed for the
# image builds' sake only: on a host that boots with systemd it must not take the ports the proxy
# e2e publishes. (engine-up's policy-rc.d already kept it from starting at install time.)
if [ -d /run/systemd/system ] && systemctl is-enabled --quiet caddy.service 2>/dev/null; then
  systemctl disable --now caddy.service >/dev/null 2>&1 || die "could not disable caddy.service"
  log "disabled caddy.service (port 80 stays free)"
fi

# ---- 2b. a fresh `proxy` network when nothing uses it -----------------------------------------------
# Every test run attaches a few hundred short-lived tasks to `proxy`. After several full runs on
# one machine, dockerd 20.10 was seen refusing every new task on it ("node is missing network
# attachments, ip addresses may be exhausted") although nothing used it any more; create/remove
# cycles with the docker CLI alone did not reproduce it. A new network clears that state, so the
# lab recreates it whenever no service and no container is attached.
step proxy
proxy_id=$(docker network inspect proxy -f '{{.Id}}')
proxy_users=$( { docker service ls -q | xargs -r docker service inspect -f '{{range .Spec.TaskTemplate.Networks}}{{.Target}} {{end}}' | tr ' ' '\n' | grep -c "^$proxy_id$"; } || true)
proxy_containers=$(docker network inspect proxy -f '{{len .Containers}}')
if [ "${proxy_users:-0}" = 0 ] && [ "$proxy_containers" = 0 ]; then
  if docker network rm proxy >/dev/null 2>&1 && docker network create -d overlay --attachable proxy >/dev/null; then
    log "recreated (unused)"
  else
    docker network inspect proxy >/dev/null 2>&1 || docker network create -d overlay --attachable proxy >/dev/null
    log "kept (could not remove it now)"
  fi
else
  log "in use by ${proxy_users:-0} service(s), $proxy_containers container(s): kept"
fi

# ---- 3. non-swarm dockerd -------------------------------------------------------------------------
step noswarm
NS_LOG=$LOGS/noswarm-dockerd.log
NS_STARTED=0
ns_docker() { docker -H "unix://$NS_SOCK" "$@"; }
if ping_sock "$NS_SOCK"; then
  msg="up"
else
  if pid_alive "$NS_PIDFILE" dockerd; then
    msg="pid $(<"$NS_PIDFILE") was starting; now up"
  else
    mkdir -p "$NS_DATA" "$NS_EXEC"
    printf '{}\n' >"$LAB/noswarm-daemon.json"   # never pick up /etc/docker/daemon.json
    ipt_before=$(iptables-save 2>/dev/null | grep -v '^#' | md5sum || true)
    links_before=$(ls /sys/class/net)
    # It must never touch host networking. The flags alone are NOT enough: with --bridge=none,
    # dockerd 20.10 deletes any existing `docker0` interface at start-up (removeDefaultBridgeInterface),
    # which breaks the main daemon's default bridge. So it runs in its own network namespace
    # (unshare --net; not `ip netns exec`, which remounts /sys and hides the cgroup mounts); its
    # socket is a plain file and stays reachable. Own containerd namespaces + cgroup parent so it
    # can neither see nor disturb the main daemon's containers.
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid unshare --net -- /bin/sh -c \
      '/bin/busybox ip link set lo up 2>/dev/null || true; exec "$@"' sh dockerd \
      --config-file "$LAB/noswarm-daemon.json" -H "unix://$NS_SOCK" \
      --data-root "$NS_DATA" --exec-root "$NS_EXEC" --pidfile "$NS_PIDFILE" \
      --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
      --containerd-namespace abra-lab-noswarm --containerd-plugins-namespace abra-lab-noswarm-plugins \
      --cgroup-parent /abra-lab-noswarm \
      >>"$NS_LOG" 2>&1 </dev/null 9>&- &
    disown || true
    msg="started (log $NS_LOG)"
    NS_STARTED=1 VERIFY=1
  fi
  wait_ping "$NS_SOCK" "$NS_LOG" "non-swarm dockerd"
fi
ns_state=$(ns_docker info --format '{{.Swarm.LocalNodeState}}')
if [ "$ns_state" != inactive ]; then   # it must never be in a swarm: undo whatever did that
  ns_docker swarm leave --force >/dev/null 2>&1 || true
  ns_state=$(ns_docker info --format '{{.Swarm.LocalNodeState}}')
  [ "$ns_state" = inactive ] || die "non-swarm dockerd reports swarm '$ns_state'"
  msg="$msg, LEFT a swarm it had joined"
fi
if [ "$NS_STARTED" = 1 ]; then   # it must not have disturbed the main daemon
  ping_sock "$MAIN_SOCK" || die "main dockerd stopped answering after the non-swarm dockerd started"
  [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" = active ] || die "main swarm no longer active"
  ipt_after=$(iptables-save 2>/dev/null | grep -v '^#' | md5sum || true)
  gone=$(comm -23 <(printf '%s\n' "$links_before") <(ls /sys/class/net) | tr '\n' ' ')
  [ -z "$gone" ] || die "host network interfaces disappeared while the non-swarm dockerd started: $gone"
  [ "$ipt_before" = "$ipt_after" ] \
    || printf '[abra-lab] %-9s WARNING: iptables rules changed while the non-swarm dockerd started\n' "$STEP" >&2
  msg="$msg, main daemon unaffected"
fi
log "$msg; swarm inactive on $NS_SOCK"

# ---- 4. sshd + users ------------------------------------------------------------------------------
step sshd
mkdir -p "$SSH_DIR/authorized" "$LAB/home" "$EMPTY_BIN" /run/sshd
chmod 755 "$SSH_DIR" "$SSH_DIR/authorized" "$LAB/home" "$EMPTY_BIN"
chmod 711 /run/sshd 2>/dev/null || true
for k in host_ed25519 id_ed25519 wrong_ed25519; do
  if [ ! -s "$SSH_DIR/$k" ] || [ ! -s "$SSH_DIR/$k.pub" ]; then
    rm -f "$SSH_DIR/$k" "$SSH_DIR/$k.pub"
    ssh-keygen -q -t ed25519 -N '' -C "abra-lab-$k" -f "$SSH_DIR/$k"
  fi
  chmod 600 "$SSH_DIR/$k"
done
CLIENT_PUB=$(<"$SSH_DIR/id_ed25519.pub")
HOST_PUB=$(<"$SSH_DIR/host_ed25519.pub")

ensure_user() {  # ensure_user NAME: no password (but not locked), /bin/sh, home under $LAB/home, no docker group
  local u=$1 home=$LAB/home/$1 entry pw
  if ! entry=$(getent passwd "$u"); then
    useradd -m -d "$home" -s /bin/sh -p '*' "$u"
  else
    IFS=: read -r _ _ _ _ _ h s <<<"$entry"
    if [ "$h" != "$home" ] || [ "$s" != /bin/sh ]; then usermod -d "$home" -s /bin/sh "$u"; fi
    mkdir -p "$home"; chown "$u:" "$home"
  fi
  # With UsePAM no, sshd refuses even key logins for a locked account ("!" password): use "*".
  pw=$(getent shadow "$u" | cut -d: -f2)
  case "$pw" in '!'*|'') usermod -p '*' "$u" ;; esac
  if id -nG "$u" | tr ' ' '\n' | grep -qx docker; then gpasswd -d "$u" docker >/dev/null; fi
}
ensure_user "$USER_NOPERM"
ensure_user "$USER_NODOCKER"
for u in root "$USER_NOPERM" "$USER_NODOCKER"; do
  # sshd reads AuthorizedKeysFile with the user's uid: world-readable, dirs traversable.
  write_if_changed "$SSH_DIR/authorized/$u" 644 "$CLIENT_PUB" || true
done

# Client-side files (also needed by the self-tests below); the 2223 line only when step 5 is on.
kh="[127.0.0.1]:$SSH_PORT $HOST_PUB"
[ -z "$NOSWARM_PORT" ] || kh="$kh
[127.0.0.1]:$NOSWARM_PORT $HOST_PUB"
write_if_changed "$KNOWN_HOSTS" 644 "$kh" || true
noswarm_host=
[ -z "$NOSWARM_PORT" ] || noswarm_host="Host abralab-noswarm
  HostName 127.0.0.1
  Port $NOSWARM_PORT
  User root
"
write_if_changed "$SSH_CONFIG" 644 "# generated by test/lab/setup.sh; usage: ssh -F $SSH_CONFIG abralab
Host abralab
  HostName 127.0.0.1
  Port $SSH_PORT
  User root
${noswarm_host}Host abralab abralab-noswarm 127.0.0.1
  IdentityFile $SSH_DIR/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $KNOWN_HOSTS
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  UpdateHostKeys no
  # the default sntrup761 hybrid KEX costs ~150 ms of client CPU per connection
  KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org
  BatchMode yes
  ConnectTimeout 10
  LogLevel ERROR" || true
mkdir -p "$LAB/bin"
# `PATH=$LAB/bin:$PATH docker -H ssh://root@127.0.0.1:PORT ...` : the docker CLI runs plain `ssh`.
write_if_changed "$LAB/bin/ssh" 755 "#!/bin/sh
exec /usr/bin/ssh -F $SSH_CONFIG \"\$@\"" || true

sshd_config_text() {  # sshd_config_text PORT PIDFILE
  lab_sshd_config test/lab/setup.sh "$1" 127.0.0.1 "$SSH_DIR/host_ed25519" "$2" "$SSH_DIR/authorized"
  cat <<EOF

# "docker: command not found" (exit 127) for this user's exec sessions. sshd applies SetEnv after
# it has set its default PATH, so this overrides PATH (verified by setup.sh's self-test).
Match User $USER_NODOCKER
  SetEnv PATH=$EMPTY_BIN
EOF
}

# ensure_sshd NAME PORT [noswarm]: (re)start when the pid is dead or the config text changed.
# Sets SSHD_MSG; sets VERIFY=1 when it (re)started sshd.
ensure_sshd() {
  local name=$1 port=$2 mode=${3:-} conf pidfile log text hash pid i
  conf=$SSH_DIR/${name}_config pidfile=$SSH_DIR/$name.pid log=$SSH_DIR/$name.log
  text=$(sshd_config_text "$port" "$pidfile")
  hash=$(printf '%s\n%s' "$mode" "$text" | sha256sum | cut -c1-64)
  write_if_changed "$conf" 644 "$text" || true
  if pid_alive "$pidfile" "$conf"; then
    if [ "$(cat "$SSH_DIR/$name.hash" 2>/dev/null)" = "$hash" ]; then
      if [ "$mode" != noswarm ] || noswarm_ns_ok "$(<"$pidfile")"; then SSHD_MSG="$name up on :$port"; return 0; fi
      SSHD_MSG="$name: docker.sock in its namespace is stale; restarted"
    else
      SSHD_MSG="$name config changed; restarted"
    fi
    pid=$(<"$pidfile"); kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do pid_running "$pid" || break; sleep 0.1; done
  else
    SSHD_MSG="$name started on :$port"
  fi
  rm -f "$pidfile"
  /usr/sbin/sshd -t -f "$conf" 2>"$log.test" || { cat "$log.test" >&2; die "$name: invalid config $conf"; }
  rm -f "$log.test"
  if [ "$mode" = noswarm ]; then
    start_noswarm_sshd "$conf" "$log"
  else
    /usr/sbin/sshd -f "$conf" -E "$log" 9>&- </dev/null   # daemonises; pid in PidFile
  fi
  # sshd writes its PidFile only after the listen socket is bound
  for i in $(seq 1 100); do
    if pid_alive "$pidfile" "$conf"; then break; fi
    if [ "$i" = 100 ]; then tail -n 20 "$log" >&2; die "$name did not come up on 127.0.0.1:$port (log $log)"; fi
    sleep 0.05
  done
  printf '%s\n' "$hash" >"$SSH_DIR/$name.hash"
  VERIFY=1
}

ensure_sshd sshd "$SSH_PORT"
log "$SSHD_MSG; users root $USER_NOPERM $USER_NODOCKER"

# ---- 5. second sshd, in a mount namespace where /var/run/docker.sock is the non-swarm daemon -----
step sshd2
# /var/run is a symlink to /run, so one bind mount over /run/docker.sock covers both paths.
noswarm_ns_ok() {  # noswarm_ns_ok PID: inside PID's mount ns, /run/docker.sock is the current NS_SOCK
  local inner outer
  inner=$(nsenter --mount="/proc/$1/ns/mnt" stat -Lc '%d:%i' /run/docker.sock 2>/dev/null) || return 1
  outer=$(stat -Lc '%d:%i' "$NS_SOCK" 2>/dev/null) || return 1
  [ "$inner" = "$outer" ]
}
start_noswarm_sshd() {  # start_noswarm_sshd CONF LOG
  [ -S /run/docker.sock ] || die "/run/docker.sock missing: nothing to bind-mount over"
  # In the new namespace: drop the copies of docker's own mounts (overlay/nsfs under the data and
  # exec roots) so this namespace never pins container filesystems, then bind the non-swarm
  # socket over the default socket and exec sshd (which daemonises; the namespace lives with it).
  # shellcheck disable=SC2016  # the inner script is for /bin/sh; $1.. are its arguments
  unshare --mount --propagation private -- /bin/sh -ec '
    awk '\''{ print $2 }'\'' /proc/self/mounts | grep -E "^(/var/lib/docker|/run/docker|/var/run/docker|/run/containerd|/run/netns|$3|$4)(/|\$)" \
      | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    mount --bind "$5" /run/docker.sock
    exec /usr/sbin/sshd -f "$1" -E "$2"' sh "$1" "$2" "$NS_DATA" "$NS_EXEC" "$NS_SOCK" 9>&- </dev/null \
    || die "could not start sshd in a private mount namespace (unshare/mount failed; see above)"
}
if [ -z "$NOSWARM_PORT" ]; then
  if pid_alive "$SSH_DIR/sshd-noswarm.pid" "$SSH_DIR/sshd-noswarm_config"; then
    kill "$(<"$SSH_DIR/sshd-noswarm.pid")" 2>/dev/null || true; rm -f "$SSH_DIR/sshd-noswarm.pid"
  fi
  log "skipped (ABRA_LAB_SSH_NOSWARM_PORT is empty)"
else
  # If the non-swarm dockerd was restarted, its socket has a new inode: noswarm_ns_ok notices
  # and ensure_sshd restarts this sshd (its bind mount still points at the old, dead socket).
  ensure_sshd sshd-noswarm "$NOSWARM_PORT" noswarm
  log "$SSHD_MSG"
fi

# ---- 6. client files + self-tests -----------------------------------------------------------------
step ssh-test
ssh_q() { /usr/bin/ssh -F "$SSH_CONFIG" "$@"; }
ssh_q abralab true || die "self-test 'ssh -F $SSH_CONFIG abralab true' failed (log $SSH_DIR/sshd.log)"
if [ "$VERIFY" != 1 ]; then
  log "ssh abralab ok"
else
  # Full verification (only when something was (re)started, or ABRA_LAB_VERIFY=1).
  export PATH="$LAB/bin:$PATH"   # docker -H ssh:// runs plain `ssh`: our wrapper adds -F
  verify_port() {  # verify_port PORT EXPECTED_SWARM_STATE
    local port=$1 want=$2 got fwd pid i
    got=$(docker -H "ssh://root@127.0.0.1:$port" info --format '{{.Swarm.LocalNodeState}}' 2>&1) \
      || die "docker -H ssh://root@127.0.0.1:$port info failed: $got"
    [ "$got" = "$want" ] || die "via ssh :$port (dial-stdio) swarm is '$got', want '$want'"
    # direct-streamlocal channel to /var/run/docker.sock (what a Node ssh2 client would open)
    fwd=$RUNDIR/verify-$port.sock; rm -f "$fwd"
    # (not through the ssh_q function: $! must be the ssh process itself)
    /usr/bin/ssh -F "$SSH_CONFIG" -N -o ExitOnForwardFailure=yes -p "$port" -L "$fwd:/var/run/docker.sock" \
      root@127.0.0.1 9>&- </dev/null &
    pid=$!
    for i in $(seq 1 100); do [ -S "$fwd" ] && break; pid_running "$pid" || break; sleep 0.05; done
    got=$(docker -H "unix://$fwd" info --format '{{.Swarm.LocalNodeState}}' 2>&1) || got="error: $got"
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$fwd"
    [ "$got" = "$want" ] || die "via ssh :$port (direct-streamlocal) swarm is '$got', want '$want'"
  }
  for port in "$SSH_PORT" ${NOSWARM_PORT:+"$NOSWARM_PORT"}; do
    [ "$port" = "$SSH_PORT" ] && want=active || want=inactive
    verify_port "$port" "$want"
    # abralab-nodocker: PATH is the empty dir, so docker is "not found" (127)
    # shellcheck disable=SC2016  # expanded by the remote shell
    out=$(ssh_q -p "$port" "$USER_NODOCKER@127.0.0.1" 'echo "$PATH"; command -v docker || echo NO-DOCKER; docker version >/dev/null 2>&1; echo "rc=$?"' 2>&1) \
      || die "ssh $USER_NODOCKER@:$port failed: $out"
    [ "$out" = "$EMPTY_BIN
NO-DOCKER
rc=127" ] || die "$USER_NODOCKER on :$port: unexpected PATH/docker lookup: $out"
    # abralab-noperm: docker found, socket permission denied
    if out=$(ssh_q -p "$port" "$USER_NOPERM@127.0.0.1" docker version --format '{{.Server.Version}}' 2>&1); then
      die "$USER_NOPERM on :$port could use the docker socket: $out"
    fi
    grep -qi 'permission denied' <<<"$out" || die "$USER_NOPERM on :$port: expected 'permission denied', got: $out"
    # the wrong key is refused
    if out=$(/usr/bin/ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -i "$SSH_DIR/wrong_ed25519" \
               -o UserKnownHostsFile="$KNOWN_HOSTS" -o StrictHostKeyChecking=yes -p "$port" root@127.0.0.1 true 2>&1); then
      die "wrong_ed25519 was accepted on :$port"
    fi
    grep -q 'Permission denied (publickey)' <<<"$out" || die "wrong key on :$port: unexpected error: $out"
  done
  log "verified: :$SSH_PORT swarm active${NOSWARM_PORT:+, :$NOSWARM_PORT swarm inactive} (dial-stdio + streamlocal); nodocker 127; noperm denied; wrong key refused"
fi

# ---- 7. images ------------------------------------------------------------------------------------
step images
if [ "${ABRA_LAB_SKIP_IMAGES:-0}" = 1 ]; then
  log "skipped (ABRA_LAB_SKIP_IMAGES=1)"
else
  ABRA_LAB_LOG_DIR=$LOGS bash "$HERE/images/build-all.sh" 9>&- || die "image build failed (logs $LOGS/image-*.log)"
fi

# ---- 7b. local registry ---------------------------------------------------------------------------
step registry
REGISTRY_PORT=${ABRA_LAB_REGISTRY_PORT:-5015}
if [ "${ABRA_LAB_SKIP_IMAGES:-0}" = 1 ]; then
  log "skipped (ABRA_LAB_SKIP_IMAGES=1)"
else
  ABRA_LAB_DIR=$LAB ABRA_LAB_REGISTRY_PORT=$REGISTRY_PORT bash "$HERE/registry.sh" 9>&- || die "local registry failed"
fi

# ---- 8. lab.env -----------------------------------------------------------------------------------
step lab.env
env_text="ABRA_LAB_DIR=$LAB
ABRA_LAB_SSH_PORT=$SSH_PORT
ABRA_LAB_SSH_NOSWARM_PORT=$NOSWARM_PORT
ABRA_LAB_SSH_KEY=$SSH_DIR/id_ed25519
ABRA_LAB_SSH_WRONG_KEY=$SSH_DIR/wrong_ed25519
ABRA_LAB_KNOWN_HOSTS=$KNOWN_HOSTS
ABRA_LAB_HOST_KEY_PUB=$SSH_DIR/host_ed25519.pub
ABRA_LAB_SSH_CONFIG=$SSH_CONFIG
ABRA_LAB_BIN_DIR=$LAB/bin
ABRA_LAB_NOSWARM_SOCK=$NS_SOCK
ABRA_LAB_USER_NOPERM=$USER_NOPERM
ABRA_LAB_USER_NODOCKER=$USER_NODOCKER
ABRA_LAB_IMAGE_BUSYBOX=$IMG_BUSYBOX
ABRA_LAB_IMAGE_NGINX=$IMG_NGINX
ABRA_LAB_IMAGE_POSTGRES=$IMG_POSTGRES
ABRA_LAB_IMAGE_RESTIC=$IMG_RESTIC
ABRA_LAB_IMAGE_SOCAT=$IMG_SOCAT
ABRA_LAB_IMAGE_PEBBLE=$IMG_PEBBLE
ABRA_LAB_IMAGE_PROXY_FIXTURE=$IMG_PROXY_FIXTURE
ABRA_LAB_REGISTRY=127.0.0.1:$REGISTRY_PORT"
if write_if_changed "$LAB/lab.env" 644 "$env_text"; then log "written $LAB/lab.env"; else log "unchanged $LAB/lab.env"; fi

STEP=total STEP_T=$T0
log "lab ready"
