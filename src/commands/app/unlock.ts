import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appUnlockService } from '../../services/app/unlock.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .addHelpText(
      'after',
      '\nFor a deploy lock whose holder crashed on another machine; a holder on this machine is recovered automatically.\n',
    )
    .action(async (app: string, _opts: unknown, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await appUnlockService(
          { app, noInput: globals.noInput, argv: process.argv.slice(2) },
          deps,
        );
        deps.io.out(
          res.removed
            ? `Removed the lock of ${res.removed.operator} (${res.removed.command}, since ${res.removed.since}) on ${res.app}.`
            : `${res.app} is not locked.`,
        );
      }),
    );
}
