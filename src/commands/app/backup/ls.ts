import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { appBackupList } from '../../../services/backup/snapshots.js';
import { renderJson, renderTable } from '../../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-m, --machine', 'print JSON')
    .action(async (app: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await appBackupList({ app }, deps);
        if (opts.machine) return deps.io.out(renderJson(res));
        if (res.snapshots.length === 0)
          return deps.io.out(`No snapshots of ${res.app} in ${res.repository}.`);
        deps.io.out(
          renderTable(
            ['snapshot', 'time', 'tags', 'paths'],
            res.snapshots.map((s) => [
              s.shortId,
              s.time.replace(/\.\d+/, ''),
              s.tags.filter((t) => !t.startsWith('app=')).join(' '),
              s.paths.join(' '),
            ]),
          ),
        );
      }),
    );
}
