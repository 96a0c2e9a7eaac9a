// What an app's deployed services say about backups, as the Co-op Cloud commons writes it
// (backupbot.* deploy labels, read from the services' specs on the engine: what runs is what is
// backed up). Pure: the service layer passes each service's labels and mounts.

export const BACKUP_LABEL = 'backupbot.backup';
const PREFIX = 'backupbot.';

/** One mount of a deployed service, as its spec has it. */
export interface ServiceMountInput {
  type: string;
  /** The engine's volume name (`<stack>_<vol>` for stack volumes). */
  source: string;
  target: string;
}

export interface ServiceInput {
  /** The service's short name (`app`, `db`). */
  service: string;
  labels: Readonly<Record<string, string>>;
  mounts: readonly ServiceMountInput[];
}

/** One volume to back up: where it is, and which paths inside it ('' = all of it). */
export interface VolumeSelection {
  /** The compose name (`<stack>_` cut off): the label key and the path in the snapshot. */
  volume: string;
  /** The engine's volume name. */
  source: string;
  /** Where the service mounts it (for `backupbot.backup.path` and messages). */
  target: string;
  /** Relative paths inside the volume, normalised; [''] = the whole volume. */
  paths: string[];
}

export interface Hooks {
  backupPre?: string;
  backupPost?: string;
  restorePre?: string;
  restorePost?: string;
}

export type ServiceBackup =
  | { service: string; included: true; volumes: VolumeSelection[]; hooks: Hooks; warnings: string[] }
  | { service: string; included: false; reason: string };

export interface BackupConfig {
  /** False when no service carries any backupbot.* label ("no backup configs discovered"). */
  discovered: boolean;
  services: ServiceBackup[];
}

/** Go's strconv.ParseBool, which backup-bot-two uses on `backupbot.backup`. */
export function parseBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/**
 * A relative path inside a volume: `./a/b/`, `/a/b` -> `a/b`; `.` or empty -> '' (all of it).
 * A `..` segment is refused (undefined): a label must not reach outside its volume.
 */
export function normaliseSubpath(raw: string): string | undefined {
  const parts = raw
    .trim()
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return undefined;
  return parts.join('/');
}

/** `<stack>_<vol>` -> `<vol>`; external volumes keep their own name. */
function volumeShortName(stack: string, source: string): string {
  return source.startsWith(`${stack}_`) ? source.slice(stack.length + 1) : source;
}

/** Drop paths covered by another one ('' covers all); sorted for stable output. */
function minimalPaths(paths: string[]): string[] {
  const uniq = [...new Set(paths)].sort();
  if (uniq.includes('')) return [''];
  return uniq.filter((p) => !uniq.some((q) => q !== p && p.startsWith(`${q}/`)));
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function readHooks(labels: Readonly<Record<string, string>>): Hooks {
  const hooks: Hooks = {};
  const take = (key: string, field: keyof Hooks) => {
    const v = labels[key]?.trim();
    if (v) hooks[field] = v;
  };
  take('backupbot.backup.pre-hook', 'backupPre');
  take('backupbot.backup.post-hook', 'backupPost');
  take('backupbot.restore.pre-hook', 'restorePre');
  take('backupbot.restore.post-hook', 'restorePost');
  return hooks;
}

function serviceBackup(stack: string, input: ServiceInput): ServiceBackup {
  const { labels, service } = input;
  const enabled = labels[BACKUP_LABEL];
  if (enabled === undefined) return { service, included: false, reason: `no ${BACKUP_LABEL} label` };
  const on = parseBool(enabled.trim());
  if (on === undefined)
    return {
      service,
      included: false,
      reason: `${BACKUP_LABEL}=${JSON.stringify(enabled)} is neither true nor false`,
    };
  if (!on) return { service, included: false, reason: `${BACKUP_LABEL}=${enabled}` };

  const warnings: string[] = [];
  const volumes = new Map<string, VolumeSelection>();
  const volumeMounts = input.mounts.filter((m) => m.type === 'volume' && m.source);
  for (const m of input.mounts)
    if (m.type !== 'volume')
      warnings.push(`${m.type} mount ${m.target} is not a volume and is not backed up`);

  const legacy = labels['backupbot.backup.path'];
  if (legacy !== undefined) {
    // The older form: container paths; each must lie on a volume (the restic task sees volumes).
    for (const path of splitList(legacy)) {
      const abs = `/${normaliseSubpath(path) ?? ''}`;
      if (normaliseSubpath(path) === undefined) {
        warnings.push(
          `backupbot.backup.path entry ${JSON.stringify(path)} has a ".." segment and is ignored`,
        );
        continue;
      }
      const mount = volumeMounts
        .filter((m) => {
          const t = m.target.replace(/\/+$/, '');
          return abs === t || abs.startsWith(`${t}/`) || t === '';
        })
        .sort((a, b) => b.target.length - a.target.length)[0];
      if (!mount) {
        warnings.push(`backupbot.backup.path entry ${path} is not on a volume and is not backed up`);
        continue;
      }
      const volume = volumeShortName(stack, mount.source);
      const sub = normaliseSubpath(abs.slice(mount.target.replace(/\/+$/, '').length)) ?? '';
      const sel = volumes.get(volume) ?? { volume, source: mount.source, target: mount.target, paths: [] };
      sel.paths.push(sub);
      volumes.set(volume, sel);
    }
  } else {
    for (const m of volumeMounts) {
      const volume = volumeShortName(stack, m.source);
      const flag = labels[`backupbot.backup.volumes.${volume}`];
      if (flag !== undefined && parseBool(flag.trim()) === false) continue;
      const pathLabel = labels[`backupbot.backup.volumes.${volume}.path`];
      const paths: string[] = [];
      if (pathLabel !== undefined) {
        for (const p of splitList(pathLabel)) {
          const sub = normaliseSubpath(p);
          if (sub === undefined)
            warnings.push(
              `backupbot.backup.volumes.${volume}.path entry ${JSON.stringify(p)} has a ".." segment and is ignored`,
            );
          else paths.push(sub);
        }
        if (paths.length === 0) continue;
      } else paths.push('');
      const sel = volumes.get(volume) ?? { volume, source: m.source, target: m.target, paths: [] };
      sel.paths.push(...paths);
      volumes.set(volume, sel);
    }
  }
  for (const key of Object.keys(labels)) {
    const m = /^backupbot\.backup\.volumes\.(.+?)(\.path)?$/.exec(key);
    if (m?.[1] && !volumeMounts.some((v) => volumeShortName(stack, v.source) === m[1]))
      warnings.push(`${key} names a volume the service does not mount`);
  }
  const selected = [...volumes.values()]
    .map((v) => ({ ...v, paths: minimalPaths(v.paths) }))
    .sort((a, b) => a.volume.localeCompare(b.volume));
  const hooks = readHooks(labels);
  if (selected.length === 0)
    return { service, included: false, reason: 'backup enabled but no volume selected' };
  return { service, included: true, volumes: selected, hooks, warnings };
}

/** Read the backup configuration of an app's deployed services. */
export function backupConfig(stack: string, services: readonly ServiceInput[]): BackupConfig {
  const discovered = services.some((s) => Object.keys(s.labels).some((k) => k.startsWith(PREFIX)));
  const out = [...services]
    .sort((a, b) => a.service.localeCompare(b.service))
    .map((s) => serviceBackup(stack, s));
  return { discovered, services: out };
}

/** The included services, optionally only one of them. */
export function includedServices(config: BackupConfig): Extract<ServiceBackup, { included: true }>[] {
  return config.services.filter((s): s is Extract<ServiceBackup, { included: true }> => s.included);
}

/** The path a volume has inside the restic task and therefore inside snapshots. */
export function snapshotRoot(volume: string): string {
  return `/backup/${volume}`;
}

/** The snapshot paths of a selection: `/backup/<vol>` or `/backup/<vol>/<sub>`. */
export function snapshotPaths(sel: VolumeSelection): string[] {
  return sel.paths.map((p) => (p ? `${snapshotRoot(sel.volume)}/${p}` : snapshotRoot(sel.volume)));
}
