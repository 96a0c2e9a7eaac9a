import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { labelNode } from '../../services/nodes/change.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<server>', 'server name')
    .argument('<node>', 'node hostname or id (or a unique id prefix)')
    .argument('[key=value...]', 'labels to set')
    .option(
      '--rm <key>',
      'remove this label (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      "\nSets and removes the node's labels; the others are kept. Recipes place services with them:\n" +
        'deploy.placement.constraints: ["node.labels.db == primary"].\n',
    )
    .action(
      async (
        server: string,
        node: string,
        set: string[],
        opts: { rm: string[]; machine?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          const res = await labelNode({ server, node, set, remove: opts.rm }, deps);
          if (opts.machine) return deps.io.out(renderJson(res));
          const labels = Object.entries(res.labels).map(([k, v]) => `${k}=${v}`);
          deps.io.out(
            `${res.changed.length > 0 ? `Changed ${res.changed.join(' ')} on` : 'Nothing changed on'} ${res.node} (${res.server}); labels: ${labels.join(' ') || 'none'}.`,
          );
        }),
    );
}
