import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { serverBackupInit } from '../../services/backup/init.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<server>', 'server name')
    .option(
      '-r, --repository <url>',
      "another repository than the server's (e.g. an app's RESTIC_REPOSITORY)",
    )
    .option('-m, --machine', 'print JSON')
    .action(async (server: string, opts: { repository?: string; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await serverBackupInit({ server, repository: opts.repository }, deps);
        if (opts.machine) return deps.io.out(renderJson(res));
        deps.io.out(
          res.created
            ? `Created the restic repository ${res.repository}; its password is a swarm secret on ${server}.`
            : `The repository ${res.repository} has its password on ${server} already.`,
        );
      }),
    );
}
