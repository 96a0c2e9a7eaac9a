#!/usr/bin/env bash
# Build the abra-lab test images from nothing but the Debian mirror (no registry is reachable):
#
#   abra-lab/busybox:1      docker import of the host's busybox-static              (~2 s)
#   abra-lab/base:bookworm  debootstrap minbase, trimmed (build-base.sh)            (~45 s)
#   abra-lab/nginx:1        FROM base: Debian nginx laid out like the official image
#   abra-lab/postgres:15    FROM base: postgresql-15 + official-style entrypoint
#   abra-lab/restic:1       FROM base: restic 0.14, ENTRYPOINT restic
#   abra-lab/socat:1        FROM base: Debian socat (the node gateway's helper image)
#   abra-lab/pebble:1       FROM base: Debian pebble, the ACME test CA
#   abra-lab/proxy-fixture:1  FROM base: test fixture standing in for traefik (Caddy reading
#                           traefik.* labels); trusts pebble's API, so it is built after pebble
#
# Every image carries LABEL abra-lab.inputs=<hash of its inputs>; an image whose label matches is
# skipped (one `docker image inspect` call when everything is current). Children are built in
# parallel. An image this script replaces is removed by ID, and only if it was left untagged.
#
# env: FORCE=1 rebuild everything; PARALLEL=0 build children one after another;
#      ABRA_LAB_LOG_DIR where build logs go [/var/lib/abra-lab/logs]
# Logs one line per image to stderr. Uses the daemon from DOCKER_HOST (default socket).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_DIR=${ABRA_LAB_LOG_DIR:-/var/lib/abra-lab/logs}
FORCE=${FORCE:-0}
PARALLEL=${PARALLEL:-1}
SCHEME=abra-lab-images-v1   # bump to force a rebuild of everything

BASE=abra-lab/base:bookworm
BUSYBOX=abra-lab/busybox:1
CHILDREN=(nginx:abra-lab/nginx:1 postgres:abra-lab/postgres:15 restic:abra-lab/restic:1 socat:abra-lab/socat:1
          pebble:abra-lab/pebble:1)
# Built after CHILDREN, from one of them: DIR:TAG:PARENT-TAG
GRANDCHILDREN=(proxy-fixture:abra-lab/proxy-fixture:1:abra-lab/pebble:1)

now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
T0=$(now_us)
say() { printf '[abra-lab] images    %s (%d ms)\n' "$1" $(( ($(now_us) - ${2:-$T0}) / 1000 )) >&2; }
mkdir -p "$LOG_DIR"

hash_of() {  # hash_of PATH... : file names (relative to images/), contents and exec bits
  ( cd "$HERE"
    find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    find "$@" -type f -perm -u+x | LC_ALL=C sort ) | sha256sum | cut -c1-16
}
bb_version=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || echo unknown)
declare -A WANT=()  # tag -> wanted inputs hash
WANT[$BASE]=$(printf '%s %s' "$SCHEME" "$(hash_of build-base.sh)" | sha256sum | cut -c1-16)
WANT[$BUSYBOX]=$(printf '%s %s %s' "$SCHEME" "$(hash_of build-busybox.sh)" "$bb_version" | sha256sum | cut -c1-16)
for spec in "${CHILDREN[@]}"; do
  WANT[${spec#*:}]=$(printf '%s %s' "${WANT[$BASE]}" "$(hash_of "${spec%%:*}")" | sha256sum | cut -c1-16)
done
declare -A PARENT=()  # grandchild tag -> the child image it copies from
for spec in "${GRANDCHILDREN[@]}"; do
  dir=${spec%%:*} rest=${spec#*:}; tag=${rest%%:abra-lab/*} PARENT[$tag]=${rest#"$tag":}
  WANT[$tag]=$(printf '%s %s %s' "${WANT[$BASE]}" "${WANT[${PARENT[$tag]}]}" "$(hash_of "$dir")" | sha256sum | cut -c1-16)
done
ALL_TAGS=("$BUSYBOX" "$BASE")
for spec in "${CHILDREN[@]}"; do ALL_TAGS+=("${spec#*:}"); done
for spec in "${GRANDCHILDREN[@]}"; do t=${spec#*:}; ALL_TAGS+=("${t%%:abra-lab/*}"); done

# One inspect call for all tags; missing ones are simply absent from the output.
declare -A HAVE=() OLD_ID=()
while IFS='|' read -r id label tags; do
  for t in $tags; do
    if [ -n "${WANT[$t]+x}" ]; then HAVE[$t]=$label; OLD_ID[$t]=$id; fi
  done
done < <(docker image inspect -f '{{.Id}}|{{index .Config.Labels "abra-lab.inputs"}}|{{range .RepoTags}}{{.}} {{end}}' \
           "${ALL_TAGS[@]}" 2>/dev/null || true)

stale() { [ "$FORCE" = 1 ] || [ "${HAVE[$1]:-}" != "${WANT[$1]}" ]; }
need=()
for t in "${ALL_TAGS[@]}"; do if stale "$t"; then need+=("$t"); fi; done
if [ "${#need[@]}" = 0 ]; then
  say "all ${#ALL_TAGS[@]} current"
  exit 0
fi

export DOCKER_BUILDKIT=0   # the daemon is 20.10 without buildx: legacy builder
run_logged() {  # run_logged NAME TAG CMD... : run, log to file, report one line
  local name=$1 tag=$2 t log; shift 2; t=$(now_us); log=$LOG_DIR/image-$name.log
  if "$@" >"$log" 2>&1; then
    say "built $tag" "$t"
  else
    tail -n 25 "$log" >&2
    say "FAILED $tag (log $log)" "$t"
    return 1
  fi
}
build_child() {  # build_child DIR TAG
  run_logged "$1" "$2" docker build -q --network host --build-arg "BASE=$BASE" \
    --label "abra-lab.inputs=${WANT[$2]}" -t "$2" "$HERE/$1"
}

say "to build: ${need[*]}"
fail=0 bb_pid=
if stale "$BUSYBOX"; then   # independent of the base: runs alongside it
  run_logged busybox "$BUSYBOX" bash "$HERE/build-busybox.sh" "$BUSYBOX" "${WANT[$BUSYBOX]}" & bb_pid=$!
fi
if stale "$BASE"; then
  run_logged base "$BASE" bash "$HERE/build-base.sh" "$BASE" "${WANT[$BASE]}" || fail=1
fi
if [ "$fail" = 0 ]; then
  pids=()
  for spec in "${CHILDREN[@]}"; do
    tag=${spec#*:}
    stale "$tag" || continue
    if [ "$PARALLEL" = 1 ]; then build_child "${spec%%:*}" "$tag" & pids+=($!)
    else build_child "${spec%%:*}" "$tag" || fail=1; fi
  done
  for p in "${pids[@]}"; do wait "$p" || fail=1; done
fi
if [ "$fail" = 0 ]; then
  for spec in "${GRANDCHILDREN[@]}"; do
    dir=${spec%%:*} t=${spec#*:}; tag=${t%%:abra-lab/*}
    stale "$tag" || continue
    run_logged "$dir" "$tag" docker build -q --network host --build-arg "BASE=$BASE" \
      --build-arg "PEBBLE=${PARENT[$tag]}" --label "abra-lab.inputs=${WANT[$tag]}" -t "$tag" "$HERE/$dir" || fail=1
  done
fi
if [ -n "$bb_pid" ]; then wait "$bb_pid" || fail=1; fi

# Drop images we replaced: by ID, only if nothing tags them any more (never prune anything else).
# Children first, so an old base is no longer the parent of a kept image when we try it.
grand=()
for spec in "${GRANDCHILDREN[@]}"; do t=${spec#*:}; grand+=("${t%%:abra-lab/*}"); done
for t in "${grand[@]}" "${CHILDREN[@]#*:}" "$BUSYBOX" "$BASE"; do
  old=${OLD_ID[$t]:-}
  [ -n "$old" ] || continue
  new=$(docker image inspect -f '{{.Id}}' "$t" 2>/dev/null || true)
  if [ "$old" != "$new" ] && [ "$(docker image inspect -f '{{len .RepoTags}}' "$old" 2>/dev/null)" = 0 ]; then
    docker rmi "$old" >/dev/null 2>&1 || true
  fi
done
[ "$fail" = 0 ] || { say "FAILED"; exit 1; }
say "done"
