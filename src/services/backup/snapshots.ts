import { parseSnapshots, type Repository, type Snapshot, tagValues } from '../../domain/backup/restic.js';
import { UserError } from '../../errors.js';
import type { SwarmObject } from '../../infra/docker/swarm-types.js';
import { type ResolvedApp, resolveApp } from '../app/resolve.js';
import type { Deps } from '../deps.js';
import { resticFailure } from './failure.js';
import { repositoryForApp, requirePasswordSecret } from './repository.js';
import { managerNode, runResticTask } from './task.js';

/** The repository's snapshots (all, or only those tagged with one app), oldest first. */
export async function readSnapshots(
  app: ResolvedApp,
  repo: Repository,
  secret: SwarmObject,
  deps: Pick<Deps, 'env' | 'clock'>,
  opts: { onlyApp: boolean; signal?: AbortSignal },
): Promise<Snapshot[]> {
  const outcome = await runResticTask(
    {
      docker: app.docker,
      stack: app.stack,
      purpose: 'snapshots',
      nodeId: await managerNode(app.docker),
      argv: ['restic', 'snapshots', '--json', ...(opts.onlyApp ? ['--tag', `app=${app.name}`] : [])],
      mounts: [],
      repository: repo,
      secret,
    },
    deps,
    opts.signal ? { signal: opts.signal } : {},
  );
  const snaps = outcome.exitCode === 0 ? parseSnapshots(outcome.lines) : undefined;
  if (!snaps)
    throw resticFailure(outcome, `Listing the snapshots of ${app.name}`, { repo, server: app.server });
  return snaps;
}

export interface SnapshotList {
  app: string;
  repository: string;
  snapshots: Snapshot[];
}

/** `abra app backup ls <app>`: read-only (a short task on the manager, no lock). */
export async function appBackupList(
  opts: { app: string },
  deps: Pick<Deps, 'paths' | 'docker' | 'env' | 'clock' | 'servers'>,
): Promise<SnapshotList> {
  const app = await resolveApp(opts.app, deps);
  const repo = await repositoryForApp(app, deps);
  const secret = await requirePasswordSecret(app.docker, repo, app.server);
  const snapshots = await readSnapshots(app, repo, secret, deps, { onlyApp: true });
  return { app: app.name, repository: repo.url, snapshots };
}

/**
 * The snapshot to restore: the given id (a prefix of at least 4 characters) or the app's
 * newest. A snapshot not tagged with this app is refused: restoring another app's data into
 * this one's volumes is never what was meant.
 */
export function chooseSnapshot(app: string, all: Snapshot[], wanted: string | undefined): Snapshot {
  if (wanted === undefined || wanted === 'latest') {
    const mine = all.filter((s) => tagValues(s, 'app').includes(app));
    const latest = mine[mine.length - 1];
    if (!latest)
      throw new UserError(`There is no snapshot of ${app} in the repository`, {
        hint: `Take one with \`abra app backup create ${app}\`.`,
        code: 'backup_no_snapshot',
      });
    return latest;
  }
  if (!/^[0-9a-f]{4,64}$/.test(wanted))
    throw new UserError(`"${wanted}" is not a snapshot id`, {
      hint: `See the snapshots with \`abra app backup ls ${app}\`.`,
      code: 'backup_snapshot_invalid',
    });
  const found = all.filter((s) => s.id.startsWith(wanted));
  if (found.length > 1)
    throw new UserError(`Snapshot id ${wanted} is ambiguous (${found.length} snapshots start with it)`, {
      hint: 'Give more characters of the id.',
      code: 'backup_snapshot_ambiguous',
    });
  const snap = found[0];
  if (!snap)
    throw new UserError(`There is no snapshot ${wanted} in the repository`, {
      hint: `See the snapshots with \`abra app backup ls ${app}\`.`,
      code: 'backup_snapshot_unknown',
    });
  const apps = tagValues(snap, 'app');
  if (!apps.includes(app))
    throw new UserError(
      `Snapshot ${snap.shortId} was taken of ${apps.length > 0 ? apps.join(', ') : 'something other than an app'}, not of ${app}; it is not restored`,
      {
        hint: `See ${app}'s own snapshots with \`abra app backup ls ${app}\`.`,
        code: 'backup_snapshot_other_app',
      },
    );
  return snap;
}
