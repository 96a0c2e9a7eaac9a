// restic on the server: repository forms, snapshot tags, the one-shot task's spec and what
// restic's --json output says. Pure.

import { createHash } from 'node:crypto';
import type { Mount, ServiceSpec } from '../swarm/spec.js';

/** The official image real servers pull; the lab loads its own (ABRA_RESTIC_IMAGE). */
export const DEFAULT_RESTIC_IMAGE = 'restic/restic:0.16.4';
/** Where the password secret is mounted in the restic task. */
export const PASSWORD_FILE = '/run/secrets/restic_password';

export type Repository =
  | { kind: 'local'; url: string; path: string }
  | { kind: 'remote'; url: string; scheme: string };

const REMOTE = ['sftp', 's3', 'rest', 'b2', 'azure', 'gs', 'swift', 'rclone'];

/**
 * A restic repository URL: a local path on the server (`/srv/backups`, `local:/srv/backups`),
 * or one of restic's own remote forms, passed through unchanged. Undefined when neither.
 */
export function parseRepository(url: string): Repository | undefined {
  const u = url.trim();
  if (u !== url || u === '' || /[\0\n\r]/.test(u)) return undefined;
  const local = u.startsWith('local:') ? u.slice('local:'.length) : u;
  if (local.startsWith('/')) {
    if (local.split('/').includes('..')) return undefined;
    const path = local.length > 1 ? local.replace(/\/+$/, '') : local;
    return { kind: 'local', url: u, path };
  }
  const scheme = /^([a-z0-9]+):/.exec(u)?.[1];
  if (scheme && REMOTE.includes(scheme)) return { kind: 'remote', url: u, scheme };
  return undefined;
}

/** The swarm secret holding a repository's password: one per repository, any app using it. */
export function passwordSecretName(repositoryUrl: string): string {
  return `abra-backup_${createHash('sha256').update(repositoryUrl).digest('hex').slice(0, 16)}`;
}

/** Snapshot tags: restic tags may not contain commas, and ours never do. */
export function snapshotTags(t: { app: string; services: string[]; version?: string | undefined }): string[] {
  const tags = [`app=${t.app}`, ...t.services.map((s) => `service=${s}`)];
  if (t.version) tags.push(`version=${t.version}`);
  return tags.map((x) => x.replaceAll(',', '_'));
}

export interface TaskMount {
  type: 'volume' | 'bind';
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ResticTask {
  name: string;
  image: string;
  /** argv of the container (the image's entrypoint is replaced by argv[0]). */
  argv: string[];
  nodeId: string;
  mounts: TaskMount[];
  secret: { id: string; name: string };
  repository: string;
  env?: string[];
  labels: Record<string, string>;
  /** The container's hostname, which restic writes into the locks it takes (default SNAPSHOT_HOST). */
  hostname?: string;
}

/**
 * The host name every snapshot is recorded under (`restic backup --host`), whatever task took it,
 * so restic finds the previous snapshot of the same paths as its parent.
 */
export const SNAPSHOT_HOST = 'abra-backup';

/**
 * A one-shot swarm job pinned to a node: mode ReplicatedJob (one completion, never restarted),
 * the password as a secret file, the volumes mounted where the snapshot expects them.
 */
export function resticTaskSpec(t: ResticTask): ServiceSpec {
  const mounts: Mount[] = t.mounts.map((m) => ({
    Type: m.type,
    Source: m.source,
    Target: m.target,
    ReadOnly: m.readOnly,
    ...(m.type === 'volume' ? { VolumeOptions: { NoCopy: true } } : {}),
  }));
  return {
    Name: t.name,
    Labels: t.labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: t.image,
        Command: [t.argv[0] ?? 'restic'],
        Args: t.argv.slice(1),
        Env: [`RESTIC_REPOSITORY=${t.repository}`, `RESTIC_PASSWORD_FILE=${PASSWORD_FILE}`, ...(t.env ?? [])],
        Hostname: t.hostname ?? SNAPSHOT_HOST,
        Labels: t.labels,
        Mounts: mounts,
        Secrets: [
          {
            File: { Name: PASSWORD_FILE, UID: '0', GID: '0', Mode: 0o400 },
            SecretID: t.secret.id,
            SecretName: t.secret.name,
          },
        ],
      },
      Resources: {},
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: { Constraints: [`node.id==${t.nodeId}`] },
      ForceUpdate: 0,
    },
    Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
    EndpointSpec: { Mode: 'vip' },
  } as ServiceSpec;
}

/** POSIX shell quoting (dash and busybox): one word whatever the string holds. */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

export interface BackupSummary {
  snapshotId: string;
  filesNew: number;
  filesChanged: number;
  filesTotal: number;
  bytesTotal: number;
  bytesAdded: number;
  durationS: number;
}

/** The `summary` message of `restic backup --json` among its output lines, if there is one. */
export function parseBackupSummary(lines: readonly string[]): BackupSummary | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim();
    if (!line?.startsWith('{')) continue;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (m.message_type !== 'summary' || typeof m.snapshot_id !== 'string') continue;
    const n = (k: string) => (typeof m[k] === 'number' ? (m[k] as number) : 0);
    return {
      snapshotId: m.snapshot_id,
      filesNew: n('files_new'),
      filesChanged: n('files_changed'),
      filesTotal: n('total_files_processed'),
      bytesTotal: n('total_bytes_processed'),
      bytesAdded: n('data_added'),
      durationS: n('total_duration'),
    };
  }
  return undefined;
}

export interface Snapshot {
  id: string;
  shortId: string;
  time: string;
  paths: string[];
  tags: string[];
  hostname: string;
}

/** `restic snapshots --json`: a JSON array (restic prints it on one line). */
export function parseSnapshots(lines: readonly string[]): Snapshot[] | undefined {
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith('[')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      continue;
    }
    if (!Array.isArray(parsed)) continue;
    return parsed
      .filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object')
      .map((s) => ({
        id: String(s.id ?? ''),
        shortId: String(s.short_id ?? String(s.id ?? '').slice(0, 8)),
        time: String(s.time ?? ''),
        paths: Array.isArray(s.paths) ? s.paths.map(String) : [],
        tags: Array.isArray(s.tags) ? s.tags.map(String) : [],
        hostname: String(s.hostname ?? ''),
      }))
      .sort((a, b) => a.time.localeCompare(b.time));
  }
  return undefined;
}

/** The value of a `key=value` tag of a snapshot. */
export function tagValues(snapshot: Snapshot, key: string): string[] {
  return snapshot.tags.filter((t) => t.startsWith(`${key}=`)).map((t) => t.slice(key.length + 1));
}

export type ResticFailure =
  | 'wrong_password'
  | 'repository_missing'
  | 'repository_exists'
  | 'unreachable'
  | 'no_space'
  | 'locked'
  | 'other';

/** What restic's fatal message means, for a clear error. */
export function classifyFailure(lines: readonly string[]): { kind: ResticFailure; line: string } {
  const text = lines.join('\n');
  const fatal =
    [...lines].reverse().find((l) => /^Fatal:|error:|"message_type":"error"/i.test(l)) ??
    [...lines].reverse().find((l) => l.trim() !== '') ??
    '';
  if (/wrong password or no key found/i.test(text)) return { kind: 'wrong_password', line: fatal };
  if (/config file already exists|repository master key and config already initialized/i.test(text))
    return { kind: 'repository_exists', line: fatal };
  // Before "missing": restic says "Is there a repository at the following location?" whenever it
  // cannot read the config file, also when it could not connect at all.
  if (/connection refused|no such host|dial tcp|i\/o timeout|network is unreachable|ssh: /i.test(text))
    return { kind: 'unreachable', line: fatal };
  if (
    /unable to open config file|Is there a repository at the following location|repository does not exist/i.test(
      text,
    )
  )
    return { kind: 'repository_missing', line: fatal };
  if (/no space left on device/i.test(text)) return { kind: 'no_space', line: fatal };
  if (/repository is already locked/i.test(text)) return { kind: 'locked', line: fatal };
  return { kind: 'other', line: fatal };
}

/** `--keep-daily 7` ...: restic's retention flags, only the ones given, in a stable order. */
export const KEEP_FLAGS = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type KeepPolicy = Partial<Record<(typeof KEEP_FLAGS)[number], number>>;

export function forgetArgs(policy: KeepPolicy): string[] {
  const out: string[] = [];
  for (const k of KEEP_FLAGS) {
    const n = policy[k];
    if (n !== undefined) out.push(`--keep-${k}`, String(n));
  }
  return out;
}

/** The signal that ended a task whose container exited with this code (128 + n), if any. */
export function killedBy(exitCode: number | undefined): string | undefined {
  if (exitCode === undefined || exitCode <= 128 || exitCode > 128 + 64) return undefined;
  const names: Record<number, string> = {
    1: 'SIGHUP',
    2: 'SIGINT',
    6: 'SIGABRT',
    9: 'SIGKILL',
    15: 'SIGTERM',
  };
  const n = exitCode - 128;
  return names[n] ?? `signal ${n}`;
}

/**
 * A shell script for the restic image that removes the locks a dead restic left in a LOCAL
 * repository: only those written from the host name `$DEAD_HOST` (one task's own, random), so
 * no live run's lock is touched. restic's own `unlock` cannot tell: in a container the dead
 * run's PID is usually alive (PID 1, or one of the new restic's threads). Prints "removed <id>".
 */
export const REMOVE_DEAD_LOCKS_SCRIPT = [
  'set -e',
  'for id in $(restic list locks --no-lock); do',
  '  if restic cat lock "$id" --no-lock | grep -qxF "  \\"hostname\\": \\"$DEAD_HOST\\","; then',
  '    rm -f -- "$REPO_PATH/locks/$id" && echo "removed $id"',
  '  fi',
  'done',
].join('\n');
