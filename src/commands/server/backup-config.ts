import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { readServerBackupConfig, setServerBackupConfig } from '../../services/backup/repository.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<server>', 'server name')
    .option('-r, --repository <url>', 'restic repository: a path on the server, or sftp:/s3:/rest: URLs')
    .option('-m, --machine', 'print JSON')
    .action(async (server: string, opts: { repository?: string; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        if (opts.repository === undefined) {
          const conf = await readServerBackupConfig(server, deps);
          if (opts.machine) return deps.io.out(renderJson(conf ?? null));
          return deps.io.out(
            conf ? `${server}: ${conf.repository}` : `${server}: no backup repository configured`,
          );
        }
        const res = await setServerBackupConfig({ server, repository: opts.repository }, deps);
        if (opts.machine) return deps.io.out(renderJson({ server, repository: res.repository.url }));
        deps.io.out(
          `Backups of apps on ${server} go to ${res.repository.url}. Create it with \`abra server backup-init ${server}\`.`,
        );
      }),
    );
}
