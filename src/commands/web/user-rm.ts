import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { WebUserStore } from '../../web/auth/users.js';

export function define(cmd: Command): void {
  cmd.argument('<name>', 'account name').action(async (name: string, _opts: unknown, self: Command) =>
    withDeps(self, async (deps) => {
      await new WebUserStore(deps.paths.root).remove(name);
      deps.io.out(`Removed dashboard account ${name} (a running dashboard refuses its sessions at once).`);
    }),
  );
}
