#!/usr/bin/env bash
# Build a ~2 MB busybox image from the host's Debian busybox-static (/bin/busybox): every applet
# as a symlink, /etc/passwd + /etc/group, PATH=/bin, CMD sh. No registry needed (~1-2 s).
#
#   usage: build-busybox.sh TAG [INPUTS_HASH]
#
# Notes for test fixtures (see the lab README): Debian's static busybox `wget` segfaults (static
# glibc NSS), use `nc` instead; busybox httpd/sleep as PID 1 ignore SIGTERM, so use
# `stop_grace_period: 1s` or `sh -c 'trap "exit 0" TERM; ... & wait'`.
set -euo pipefail
TAG=${1:?usage: build-busybox.sh TAG [INPUTS_HASH]}
INPUTS=${2:-}
BB=/bin/busybox
if ! "$BB" --list >/dev/null 2>&1; then echo "$BB missing (apt-get install busybox-static)" >&2; exit 1; fi

W=$(mktemp -d /var/tmp/abra-lab-busybox.XXXXXX)
trap 'rm -rf "$W"' EXIT
R=$W/root
mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/root" "$R/var/tmp"
chmod 1777 "$R/tmp" "$R/var/tmp"
cp "$BB" "$R/bin/busybox"
for a in $("$BB" --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$R/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$R/etc/group"

changes=(-c 'ENV PATH=/bin' -c 'CMD ["sh"]')
if [ -n "$INPUTS" ]; then changes+=(-c "LABEL abra-lab.inputs=$INPUTS"); fi
tar --numeric-owner -C "$R" -c . | docker import "${changes[@]}" - "$TAG" >/dev/null
