import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { serverBootstrap } from '../../services/server/bootstrap.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<server>', 'host name or ~/.ssh/config Host alias (need not be added yet)')
    .option('--advertise-addr <ip>', 'the address swarm advertises (default: the route back to you)')
    .option('-f, --force', 'go on although ports 80/443 are served by something other than a swarm service')
    .option('-m, --machine', 'print the result as JSON (steps as JSON lines on stderr)')
    .addHelpText(
      'after',
      '\nOn a Debian or Ubuntu host, over SSH as root or a user with passwordless sudo: installs\n' +
        'docker.io when missing, starts it, runs `swarm init` and creates the attachable overlay\n' +
        'network `proxy`. Each step looks first: a second run changes nothing and says so.\n' +
        'A swarm worker is refused; so is a host whose ports 80/443 something else serves.\n',
    )
    .action(
      async (
        server: string,
        opts: { advertiseAddr?: string; force?: boolean; machine?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          const res = await serverBootstrap(
            { server, advertiseAddr: opts.advertiseAddr, force: opts.force === true },
            { ...deps, shell: (s) => deps.docker.shell(s), engine: (s) => deps.docker.client(s) },
          );
          if (opts.machine) return deps.io.out(renderJson(res));
          const known = await deps.servers.exists(server);
          deps.io.out(
            `${res.changed ? 'Bootstrapped' : 'Nothing to change on'} ${server}: Docker ${res.dockerVersion ?? '?'}, ` +
              `swarm manager at ${res.advertiseAddr ?? '?'}, network proxy.` +
              (known ? '' : `\nNext: abra server add ${server}`),
          );
        }),
    );
}
