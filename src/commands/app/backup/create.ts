import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { UserError } from '../../../errors.js';
import { appBackupAll, appBackupCreate } from '../../../services/backup/create.js';
import { renderJson, renderTable } from '../../../ui/table.js';
import { formatBytes } from '../../../ui/units.js';

export function define(cmd: Command): void {
  cmd
    .argument('[app]', 'app name (its domain); with --all: a server name')
    .argument('[service]', 'only this service')
    .option('-a, --all', 'back up every app of the server named as first argument')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      `
Backs up the volumes the app's deployed services select with backupbot.* labels, with restic in
a short-lived task on the node that holds them. Pre-hooks run first in the service's container
(a failing one aborts the backup); post-hooks always run. The repository comes from the app's
RESTIC_REPOSITORY or \`abra server backup-config\`; its password is a swarm secret made by
\`abra server backup-init\`.
`,
    )
    .action(
      async (
        app: string | undefined,
        service: string | undefined,
        opts: { all?: boolean; machine?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          if (!app)
            throw new UserError('Which app? Name one (or a server with --all)', {
              hint: 'See the apps with `abra app ls`.',
              code: 'usage',
            });
          if (opts.all) {
            const rows = await appBackupAll({ server: app }, deps);
            if (opts.machine) deps.io.out(renderJson(rows));
            else
              deps.io.out(
                renderTable(
                  ['app', 'result', 'snapshots', 'files', 'size', 'time', 'message'],
                  rows.map((r) => [
                    r.app,
                    r.result,
                    r.snapshots.join(' ') || '-',
                    String(r.files),
                    formatBytes(r.bytes),
                    `${(r.durationMs / 1000).toFixed(1)}s`,
                    r.message,
                  ]),
                ),
              );
            const failed = rows.filter((r) => r.result === 'failed');
            if (failed.length > 0)
              throw new UserError(`The backup of ${failed.map((r) => r.app).join(', ')} failed`, {
                hint: `Retry one with \`abra app backup create <app>\` to see the details.`,
                code: 'backup_all_failed',
              });
            return;
          }
          const run = await appBackupCreate({ app, service }, deps);
          if (opts.machine) return deps.io.out(renderJson(run));
          deps.io.out(
            renderTable(
              ['snapshot', 'services', 'volumes', 'files', 'size', 'added', 'duration'],
              run.snapshots.map((s) => [
                s.summary.snapshotId.slice(0, 8),
                s.services.join(', '),
                s.volumes.join(', '),
                String(s.summary.filesTotal),
                formatBytes(s.summary.bytesTotal),
                formatBytes(s.summary.bytesAdded),
                `${s.summary.durationS.toFixed(1)}s`,
              ]),
            ),
          );
          for (const s of run.services) if (!s.included) deps.io.out(`${s.service}: skipped (${s.reason})`);
        }),
    );
}
