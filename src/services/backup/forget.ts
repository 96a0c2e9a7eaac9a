import { forgetArgs, type KeepPolicy } from '../../domain/backup/restic.js';
import { UserError } from '../../errors.js';
import { resolveApp } from '../app/resolve.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { resticFailure } from './failure.js';
import { repositoryForApp, requirePasswordSecret } from './repository.js';
import { managerNode, removeLeftoverTasks, runResticTask } from './task.js';

export interface ForgetResult {
  app: string;
  repository: string;
  /** restic's own report (the kept and removed snapshots), line by line. */
  report: string[];
}

/**
 * `abra app backup forget <app> --keep-daily N ...`: restic's retention over this app's
 * snapshots only (--tag app=<app>), then prune. Changes the repository: locked and audited.
 */
export async function appBackupForget(
  opts: { app: string; keep: KeepPolicy; prune: boolean; argv?: readonly string[] },
  deps: Pick<
    Deps,
    'paths' | 'docker' | 'events' | 'env' | 'signals' | 'machineId' | 'argv' | 'clock' | 'servers'
  >,
): Promise<ForgetResult> {
  const keep = forgetArgs(opts.keep);
  if (keep.length === 0)
    throw new UserError('Say what to keep, e.g. --keep-daily 7 --keep-weekly 4', {
      hint: 'Flags: --keep-last, --keep-hourly, --keep-daily, --keep-weekly, --keep-monthly, --keep-yearly.',
      code: 'usage',
    });
  const app = await resolveApp(opts.app, deps);
  return runOperation(
    { kind: 'backup forget', app: app.name, server: app.server, argv: opts.argv },
    deps,
    async (op) => {
      const repo = await repositoryForApp(app, deps);
      const secret = await requirePasswordSecret(app.docker, repo, app.server);
      op.checkpoint();
      await removeLeftoverTasks(app.docker, app.stack);
      const outcome = await runResticTask(
        {
          docker: app.docker,
          stack: app.stack,
          purpose: 'forget',
          nodeId: await managerNode(app.docker),
          argv: [
            'restic',
            'forget',
            '--tag',
            `app=${app.name}`,
            '--group-by',
            'tags',
            ...keep,
            ...(opts.prune ? ['--prune'] : []),
          ],
          mounts: [],
          repository: repo,
          secret,
        },
        deps,
        { signal: op.signal },
      );
      if (outcome.exitCode !== 0)
        throw resticFailure(outcome, `Forgetting snapshots of ${app.name}`, { repo, server: app.server });
      op.changes.push(`applied retention ${keep.join(' ')}`);
      return { app: app.name, repository: repo.url, report: outcome.lines };
    },
  );
}
