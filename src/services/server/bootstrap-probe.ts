// The one shell round trip that tells bootstrap what a host has. POSIX sh, no bashisms: the
// login shell of a fresh Debian root is dash or bash. Prints `key=value` lines that
// domain/bootstrap/facts.ts parses; a probe that fails halfway still says what it learned.

export const PROBE_SCRIPT = `
uid=$(id -u); echo "uid=$uid"; echo "user=$(id -un)"; echo "groups=$(id -nG)"
S=""
if [ "$uid" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then echo sudo=yes; S="sudo -n"; else echo sudo=no; fi
fi
if [ -r /etc/os-release ]; then
  sed -n -e 's/^ID=/os.ID=/p' -e 's/^ID_LIKE=/os.ID_LIKE=/p' -e 's/^VERSION_ID=/os.VERSION_ID=/p' -e 's/^PRETTY_NAME=/os.PRETTY_NAME=/p' /etc/os-release
fi
command -v apt-get >/dev/null 2>&1 && echo apt=yes || echo apt=no
command -v docker >/dev/null 2>&1 && echo docker=yes || echo docker=no
command -v dockerd >/dev/null 2>&1 && echo dockerd=yes || echo dockerd=no
if command -v docker >/dev/null 2>&1; then
  v=$($S docker version --format '{{.Server.Version}}' 2>/dev/null) && echo "docker.server=$v"
fi
if [ -d /run/systemd/system ]; then echo init=systemd
elif command -v service >/dev/null 2>&1; then echo init=service
else echo init=none; fi
if command -v ss >/dev/null 2>&1; then
  $S ss -Hltnp 2>/dev/null | while read -r line; do
    case "$line" in *:80\\ *|*:443\\ *) echo "listen=$line";; esac
  done
fi
echo "ssh=$SSH_CONNECTION"
if command -v ip >/dev/null 2>&1; then
  set -- $SSH_CONNECTION
  [ -n "\${1:-}" ] && ip -o route get "$1" 2>/dev/null | head -n 1 | sed 's/^/route.operator=/'
  ip -o route get 192.0.2.1 2>/dev/null | head -n 1 | sed 's/^/route.default=/'
fi
true
`;
