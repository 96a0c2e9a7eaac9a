import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appRestore } from '../../services/backup/restore.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('[snapshot]', "snapshot id (default: the app's newest)")
    .option('-s, --service <service>', 'restore only this service')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      `
Restore pre-hooks run while the services still run; then the affected services are scaled to 0,
their volumes restored (into a staging directory on each volume first, swapped in only when all
of it was restored), the services scaled back and watched until they converge, and the restore
post-hooks run in the new containers. A snapshot taken of another app is refused.
`,
    )
    .action(
      async (
        app: string,
        snapshot: string | undefined,
        opts: { service?: string; machine?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          const res = await appRestore({ app, snapshot, service: opts.service }, deps);
          if (opts.machine) return deps.io.out(renderJson(res));
          deps.io.out(
            `Restored ${res.services.join(', ')} of ${res.app} from snapshot ${res.snapshot.shortId} (${res.snapshot.time}).`,
          );
        }),
    );
}
