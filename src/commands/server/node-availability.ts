import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import type { Availability } from '../../domain/nodes/availability.js';
import { setNodeAvailability } from '../../services/nodes/change.js';
import { renderJson } from '../../ui/table.js';

const FORCE: Record<Availability, string | undefined> = {
  drain: 'do not ask; also drain the last manager abra reaches workers through',
  pause: 'also pause the last manager abra reaches workers through',
  active: undefined,
};

/** The shared flags of `server node drain|pause|activate`: they differ only in the target state. */
export function defineAvailability(cmd: Command, to: Availability, help: string): void {
  cmd.argument('<server>', 'server name').argument('<node>', 'node hostname or id (or a unique id prefix)');
  const force = FORCE[to];
  if (force) cmd.option('-f, --force', force);
  cmd
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText('after', `\n${help}\n`)
    .action(
      async (server: string, node: string, opts: { force?: boolean; machine?: boolean }, self: Command) =>
        withDeps(self, async (deps) => {
          const res = await setNodeAvailability({ server, node, to, force: opts.force === true }, deps);
          if (opts.machine) return deps.io.out(renderJson(res));
          deps.io.out(
            res.changed
              ? `${res.node} on ${res.server}: ${res.from} -> ${res.to}.`
              : `${res.node} on ${res.server} was already ${res.to}.`,
          );
        }),
    );
}
