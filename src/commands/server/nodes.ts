import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { serverNodes } from '../../services/server/nodes.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<server>', 'server name')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nThe swarm nodes as the server (a manager) sees them, with the tasks each runs.\n',
    )
    .action(async (server: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await serverNodes({ server }, deps);
        if (opts.machine) return deps.io.out(renderJson(res));
        deps.io.out(
          renderTable(
            ['node', 'role', 'availability', 'state', 'engine', 'tasks', 'labels'],
            res.nodes.map((n) => [
              n.hostname,
              `${n.role}${n.leader ? ' (leader)' : ''}`,
              n.availability,
              n.state,
              n.engine ?? '',
              String(n.tasks),
              Object.entries(n.labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(','),
            ]),
          ),
        );
      }),
    );
}
