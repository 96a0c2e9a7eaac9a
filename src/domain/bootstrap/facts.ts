// What `server bootstrap` learns about a host from one shell probe (services/server/
// bootstrap-probe.ts prints `key=value` lines; this reads them). Pure, so every odd host is a
// golden case rather than a machine.

export interface OsRelease {
  /** `ID` of /etc/os-release: debian, ubuntu, ... */
  id: string;
  /** `ID_LIKE`, split: derivatives say `debian` here. */
  idLike: string[];
  versionId: string | undefined;
  prettyName: string | undefined;
}

/** Something listening on 80 or 443, as `ss -ltnp` shows it. */
export interface Listener {
  port: number;
  /** The process name ss reports; '' when it could not tell (another user's socket without root). */
  process: string;
}

export type InitSystem = 'systemd' | 'service' | 'none';

export interface HostFacts {
  os: OsRelease | undefined;
  uid: number;
  user: string;
  groups: string[];
  /** `sudo -n true` worked (only asked when not root). */
  sudo: boolean;
  apt: boolean;
  /** Both the docker CLI and dockerd are on PATH. */
  dockerInstalled: boolean;
  /** The daemon answered `docker version` (as root or through sudo). */
  dockerRunning: boolean;
  dockerVersion: string | undefined;
  init: InitSystem;
  listeners: Listener[];
  /** The source address of the route back to the operator (from SSH_CONNECTION). */
  operatorRouteSrc: string | undefined;
  /** The address the operator's SSH connection arrived at. */
  sshServerAddr: string | undefined;
  /** The source address of the default route. */
  defaultRouteSrc: string | undefined;
}

/** The ports a Co-op Cloud proxy needs for itself. */
export const PROXY_PORTS = [80, 443] as const;

export function parseProbe(text: string): HostFacts {
  const kv = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i <= 0) continue;
    const key = line.slice(0, i).trim();
    const list = kv.get(key) ?? [];
    list.push(line.slice(i + 1).replace(/\r$/, ''));
    kv.set(key, list);
  }
  const one = (k: string): string | undefined => kv.get(k)?.[0];
  const yes = (k: string): boolean => one(k) === 'yes';
  const osId = unquote(one('os.ID'));
  const ssh = (one('ssh') ?? '').trim().split(/\s+/);
  const uid = Number(one('uid'));
  return {
    os: osId
      ? {
          id: osId.toLowerCase(),
          idLike: (unquote(one('os.ID_LIKE')) ?? '').toLowerCase().split(/\s+/).filter(Boolean),
          versionId: unquote(one('os.VERSION_ID')),
          prettyName: unquote(one('os.PRETTY_NAME')),
        }
      : undefined,
    uid: Number.isInteger(uid) ? uid : -1,
    user: one('user') ?? '',
    groups: (one('groups') ?? '').split(/\s+/).filter(Boolean),
    sudo: yes('sudo'),
    apt: yes('apt'),
    dockerInstalled: yes('docker') && yes('dockerd'),
    dockerRunning: one('docker.server') !== undefined && one('docker.server') !== '',
    dockerVersion: one('docker.server') || undefined,
    init: parseInit(one('init')),
    listeners: (kv.get('listen') ?? []).flatMap(parseSsLine),
    operatorRouteSrc: routeSrc(one('route.operator')),
    sshServerAddr: ssh.length >= 4 ? ssh[2] : undefined,
    defaultRouteSrc: routeSrc(one('route.default')),
  };
}

function parseInit(v: string | undefined): InitSystem {
  return v === 'systemd' || v === 'service' ? v : 'none';
}

/** os-release values may be quoted with " or ' (shell syntax). */
function unquote(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  const m = /^"(.*)"$|^'(.*)'$/.exec(t);
  const out = m ? (m[1] ?? m[2] ?? '') : t;
  return out === '' ? undefined : out.replace(/\\(["$`\\])/g, '$1');
}

/** `ip -o route get X` prints `... src 192.0.2.10 ...`. */
function routeSrc(line: string | undefined): string | undefined {
  const m = /\bsrc\s+(\S+)/.exec(line ?? '');
  return m?.[1];
}

/**
 * One `ss -Hltnp` line: `LISTEN 0 4096 0.0.0.0:80 0.0.0.0:* users:(("dockerd",pid=1,fd=3))`.
 * Only the local port and the first process name matter.
 */
export function parseSsLine(line: string): Listener[] {
  const fields = line.trim().split(/\s+/);
  const local = fields.find((f, i) => i > 0 && /:(\d+)$/.test(f) && !f.endsWith(':*'));
  const port = Number(/:(\d+)$/.exec(local ?? '')?.[1]);
  if (!Number.isInteger(port) || port <= 0) return [];
  const proc = /users:\(\("([^"]*)"/.exec(line)?.[1] ?? '';
  return [{ port, process: proc }];
}
