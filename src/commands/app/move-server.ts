import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appMovePlan, appMoveServer } from '../../services/move/move.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('<server>', 'the server to move it to')
    .option('-P, --plan', 'only show what the move would do (reads both servers, changes nothing)')
    .option('-k, --keep-source', 'keep the volumes and secrets on the old server after the move')
    .option('-D, --no-domain-checks', 'do not check that DOMAIN resolves to the new server')
    .option('-c, --no-converge-checks', 'do not wait for the services to converge on the new server')
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nReads the secrets through a short-lived helper on the old server (never shown), undeploys the\n' +
        'app there, streams each volume as a tar from a helper on the old server into one on the new\n' +
        'server, creates the secrets there, moves the env file and deploys the same version. Refused\n' +
        'when the new server already has the app. If anything fails before the new deploy converged,\n' +
        'what was made on the new server is removed and the old server keeps everything.\n\n' +
        'Examples:\n' +
        '  abra app move blog.example.com new-server\n' +
        '  abra app move blog.example.com new-server --plan\n' +
        '  abra -n app move blog.example.com new-server --keep-source\n',
    )
    .action(
      async (
        app: string,
        server: string,
        opts: {
          plan?: boolean;
          keepSource?: boolean;
          domainChecks?: boolean;
          convergeChecks?: boolean;
          machine?: boolean;
        },
        self: Command,
      ) =>
        withDeps(self, async (deps, globals) => {
          if (opts.plan) {
            const planned = await appMovePlan(
              { app, server, noDomainChecks: opts.domainChecks === false },
              deps,
            );
            return deps.io.out(opts.machine ? renderJson(planned) : planned.steps.join('\n'));
          }
          const res = await appMoveServer(
            {
              app,
              server,
              noInput: globals.noInput,
              keepSource: opts.keepSource === true,
              noDomainChecks: opts.domainChecks === false,
              noConvergeChecks: opts.convergeChecks === false,
            },
            deps,
          );
          if (opts.machine) return deps.io.out(renderJson(res));
          deps.io.out(
            `Moved ${res.app} from ${res.from} to ${res.to} at ${res.version}: ${res.volumes.length} volume(s), ` +
              `${res.secrets.length} secret(s); env file ${res.envFile}.` +
              (res.sourceRemoved.length > 0
                ? ` Removed from ${res.from}: ${res.sourceRemoved.join(', ')}.`
                : ` Volumes and secrets kept on ${res.from}.`),
          );
        }),
    );
}
