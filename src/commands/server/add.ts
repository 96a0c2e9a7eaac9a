import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { serverAdd } from '../../services/server/add.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('[host]', 'host name or ~/.ssh/config Host alias of the server')
    .option('-l, --local', 'use the Docker engine on this machine (server name "default")')
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nabra reads ~/.ssh/config (HostName, User, Port, IdentityFile), ssh-agent and ~/.ssh/known_hosts.\n' +
        'The server must run Docker with Swarm active on a manager node. When Docker or Swarm is\n' +
        'missing, abra offers to bootstrap it on a terminal; otherwise it names `abra server bootstrap`.\n\n' +
        'Examples:\n  abra server add --local\n  abra server add swarm.example.com\n',
    )
    .action(async (host: string | undefined, opts: { local?: boolean; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await serverAdd({ name: host, local: opts.local === true }, deps);
        for (const w of res.warnings) deps.io.warn(w);
        if (opts.machine) return deps.io.out(renderJson(res));
        const s = res.status;
        deps.io.out(
          `${res.created ? 'Added' : 'Already added:'} server ${res.name} (${res.endpoint}): Docker ${s.dockerVersion}, ` +
            `Swarm active (${s.nodes} node${s.nodes === 1 ? '' : 's'}). Config: ${res.dir}`,
        );
      }),
    );
}
