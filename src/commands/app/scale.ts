import { type Command, InvalidArgumentError } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appScale } from '../../services/app/scale.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('<service=replicas...>', 'e.g. app=3 worker=0')
    .option('-t, --timeout <seconds>', 'how long to wait for the tasks (default 120)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of seconds');
      return n;
    })
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nSets replica counts under the app lock (audited) and waits until the tasks run. If they do not\n' +
        '(a placement constraint no node meets, a host port already taken), the previous counts are put\n' +
        'back and the scheduler says why. Example: abra app scale cloud.example.com app=3\n',
    )
    .action(
      async (app: string, targets: string[], opts: { machine?: boolean; timeout?: number }, self: Command) =>
        withDeps(self, async (deps) => {
          const res = await appScale(
            { app, targets, ...(opts.timeout === undefined ? {} : { timeoutMs: opts.timeout * 1000 }) },
            deps,
          );
          if (opts.machine) return deps.io.out(renderJson(res));
          deps.io.out(
            `Scaled ${res.app} on ${res.server}: ${res.services.map((s) => `${s.service} ${s.from} -> ${s.to}`).join(', ')}.`,
          );
        }),
    );
}
