import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { UserError } from '../../errors.js';
import { appRestart } from '../../services/app/restart.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('[service]', 'service to restart (e.g. app)')
    .option('-a, --all-services', 'restart every service of the app')
    .action(
      async (app: string, service: string | undefined, opts: { allServices?: boolean }, self: Command) =>
        withDeps(self, async (deps) => {
          const res = await appRestart({ app, service, all: opts.allServices === true }, deps);
          if (!res.ok) {
            const failed = Object.entries(res.progress).filter(([, p]) => p.state !== 'converged');
            throw new UserError(
              `Restart of ${res.app} did not converge: ${failed.map(([n, p]) => `${n} (${p.state === 'failed' ? `${p.reason}${p.taskError ? `: ${p.taskError}` : ''}` : p.state === 'pending' ? `timed out: ${p.detail}` : 'timed out'})`).join('; ')}`,
              {
                hint: `See \`abra app ps ${res.app}\` and \`abra app logs ${res.app}\`.`,
                code: 'restart_failed',
              },
            );
          }
          deps.io.out(`Restarted ${res.services.join(', ')} of ${res.app}.`);
        }),
    );
}
