#!/usr/bin/env bash
# Build the abra-lab base image (Debian bookworm, debootstrap --variant=minbase, trimmed like
# debian:bookworm-slim) from the Debian package mirror; no container registry is needed.
#
#   usage: build-base.sh TAG [INPUTS_HASH]
#     INPUTS_HASH is stamped as LABEL abra-lab.inputs (build-all.sh uses it to skip current images)
# env:
#   MIRROR     Debian archive URL (default: the host's apt sources, else http://deb.debian.org/debian)
#   DEB_CACHE  keep downloaded .debs here between runs (debootstrap --cache-dir); empty = none
#              [/var/cache/abra-lab/debs]
#   WORK       scratch directory, removed afterwards          [/var/tmp/abra-lab-base.<pid>]
set -euo pipefail
TAG=${1:?usage: build-base.sh TAG [INPUTS_HASH]}
INPUTS=${2:-}
SUITE=bookworm

host_mirror() {  # a ".../debian" archive URI from the host's apt sources (one-line and deb822 formats)
  local uris
  uris=$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
             | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }'
           cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
             | awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }'
         } | sed 's:/*$::' || true)
  # prefer a URI ending in /debian (skips -security, third-party repos such as nodesource)
  printf '%s\n' "$uris" | grep -E '^[a-z+]+://[^ ]*/debian$' | head -n1 || true
}
MIRROR=${MIRROR:-$(host_mirror)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
DEB_CACHE=${DEB_CACHE-/var/cache/abra-lab/debs}
WORK=${WORK:-/var/tmp/abra-lab-base.$$}

command -v debootstrap >/dev/null || { echo "debootstrap is not installed (setup.sh installs it)" >&2; exit 1; }

rm -rf "$WORK"; mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/rootfs
cache_args=()
if [ -n "$DEB_CACHE" ]; then mkdir -p "$DEB_CACHE"; cache_args=(--cache-dir="$DEB_CACHE"); fi

debootstrap --variant=minbase "${cache_args[@]}" "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -n 20 "$WORK/debootstrap.log" >&2; exit 1; }

# --- make it look like the official debian:bookworm-slim image --------------------------------
cat >"$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb ${MIRROR%/debian}/debian-security $SUITE-security main
EOF
# no docs/man/locales from later apt-get installs (what debian:*-slim does)
cat >"$ROOT/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
cat >"$ROOT/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
cat >"$ROOT/etc/apt/apt.conf.d/docker-small" <<'EOF'
Acquire::Languages "none";
Acquire::GzipIndexes "true";
Acquire::CompressionTypes::Order:: "gz";
APT::Install-Recommends "false";
APT::Install-Suggests "false";
APT::AutoRemove::SuggestsImportant "false";
EOF
# maintainer scripts must not start services (chroot installs, docker build)
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"; chmod 755 "$ROOT/usr/sbin/policy-rc.d"
# trim what debootstrap left behind
find "$ROOT/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$ROOT"/usr/share/{man,info,groff,lintian,linda}/* "$ROOT"/usr/share/locale/* \
       "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/lib/apt/lists/* \
       "$ROOT"/var/log/*.log "$ROOT"/var/log/apt/* "$ROOT"/var/cache/debconf/*-old \
       "$ROOT"/var/lib/dpkg/*-old "$ROOT"/tmp/* "$ROOT"/var/tmp/*
: >"$ROOT/etc/machine-id"; rm -f "$ROOT/etc/hostname" "$ROOT/etc/resolv.conf"

changes=(-c "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" -c 'CMD ["bash"]')
if [ -n "$INPUTS" ]; then changes+=(-c "LABEL abra-lab.inputs=$INPUTS"); fi
tar --numeric-owner --xattrs -C "$ROOT" -c . | docker import "${changes[@]}" - "$TAG" >/dev/null
