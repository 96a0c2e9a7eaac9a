import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { renderJson, renderTable } from '../../ui/table.js';
import { WebUserStore } from '../../web/auth/users.js';

export function define(cmd: Command): void {
  cmd.option('-m, --machine', 'print JSON').action(async (opts: { machine?: boolean }, self: Command) =>
    withDeps(self, async (deps) => {
      const users = (await new WebUserStore(deps.paths.root).list()).map(({ hash: _h, ...u }) => u);
      if (opts.machine) return deps.io.out(renderJson(users));
      if (users.length === 0)
        return deps.io.out('No dashboard accounts. Add one with `abra web user add <name> --role admin`.');
      deps.io.out(
        renderTable(
          ['name', 'role', 'servers', 'created'],
          users.map((u) => [u.name, u.role, u.servers?.join(', ') || 'all', u.created]),
        ),
      );
    }),
  );
}
