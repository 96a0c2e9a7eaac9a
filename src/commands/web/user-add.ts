import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { UserError } from '../../errors.js';
import { isRole } from '../../web/auth/roles.js';
import { WebUserStore } from '../../web/auth/users.js';
import { readPassword } from './password.js';

export function define(cmd: Command): void {
  cmd
    .argument('<name>', 'account name')
    .option('-r, --role <role>', 'admin, operator or viewer', 'viewer')
    .option('-s, --server <server...>', 'limit the account to these servers (default: every server)')
    .addHelpText(
      'after',
      '\nThe password is read from stdin when it is a pipe, else asked for (not echoed).\n',
    )
    .action(async (name: string, opts: { role: string; server?: string[] }, self: Command) =>
      withDeps(self, async (deps) => {
        if (!isRole(opts.role))
          throw new UserError(`"${opts.role}" is not a role`, {
            hint: 'Use --role admin, operator or viewer.',
            code: 'usage',
          });
        for (const s of opts.server ?? [])
          if (!(await deps.servers.exists(s)))
            throw new UserError(`Unknown server "${s}"`, {
              where: deps.servers.dirOf(s),
              hint: 'See the servers with `abra server ls`.',
              code: 'server_unknown',
            });
        const password = await readPassword(`Password for ${name}: `);
        const user = await new WebUserStore(deps.paths.root).add({
          name,
          password,
          role: opts.role,
          servers: opts.server,
        });
        deps.io.out(
          `Added dashboard account ${user.name} (${user.role}${user.servers ? ` on ${user.servers.join(', ')}` : ''}).`,
        );
      }),
    );
}
