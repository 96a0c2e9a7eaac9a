#!/usr/bin/env bash
# Build abra-example/hello:1, the image of the example recipe, from Debian's busybox-static
# (no registry needed). Idempotent: skipped when the image exists with the same inputs.
set -euo pipefail
TAG=${1:-abra-example/hello:1}
HASH=$(sha256sum "$0" | cut -c1-16)
if [ "$(docker image inspect -f '{{index .Config.Labels "abra.inputs"}}' "$TAG" 2>/dev/null || true)" = "$HASH" ]; then
  exit 0
fi
if [ ! -x /bin/busybox ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends busybox-static >/dev/null
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/www"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
tar -C "$root" -c . | docker import -c 'CMD ["sh"]' -c 'ENV PATH=/bin' -c "LABEL abra.inputs=$HASH" - "$TAG" >/dev/null
echo "built $TAG" >&2
