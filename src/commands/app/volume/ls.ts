import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { appVolumeList } from '../../../services/app/volume.js';
import { renderJson, renderTable } from '../../../ui/table.js';
import { formatBytes } from '../../../ui/units.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      "\nLists only volumes labelled as the app's. Volumes live on one node each: NODE names it. Volumes on\n" +
        "other nodes of the swarm are found from the app's tasks (no size or mountpoint shown for them);\n" +
        'a volume listed on two nodes is two volumes with different data.\n',
    )
    .action(async (app: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await appVolumeList({ app }, deps);
        if (opts.machine) return deps.io.out(renderJson(res));
        if (res.volumes.length === 0) return deps.io.out(`${res.app} has no volumes on ${res.server}.`);
        deps.io.out(
          renderTable(
            ['volume', 'driver', 'size', 'node', 'mountpoint'],
            res.volumes.map((v) => [
              v.name,
              v.driver,
              v.size === undefined ? '-' : formatBytes(v.size),
              v.node,
              v.mountpoint || '-',
            ]),
          ),
        );
      }),
    );
}
