import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { serverRemove } from '../../services/server/remove.js';

export function define(cmd: Command): void {
  cmd
    .argument('<server>', 'server name as shown by `abra server ls`')
    .option('-f, --force', 'do not ask, and also delete app env files kept under this server')
    .action(async (server: string, opts: { force?: boolean }, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await serverRemove(
          { name: server, force: opts.force === true, noInput: globals.noInput },
          deps,
        );
        if (!res.removed) return deps.io.out('Nothing removed.');
        const apps = res.appsRemoved.length > 0 ? ` and ${res.appsRemoved.length} app config(s)` : '';
        deps.io.out(
          `Removed server ${res.name}${apps} from local config. Nothing on the server was changed.`,
        );
      }),
    );
}
