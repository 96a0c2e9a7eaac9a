import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { NAMESPACE_LABEL } from '../../../domain/stack/contract.js';
import { secretRemove } from '../../../services/secret/remove.js';
import { renderJson } from '../../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('[secret]', 'the secret, as named in the recipe (see `abra app secret ls`)')
    .option('-a, --all', "remove all of the app's secrets (at the versions in the app env)")
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      `\nOnly secrets labelled ${NAMESPACE_LABEL}=<stack> and named as the app env selects are\n` +
        'removed; asks first unless --no-input.\n',
    )
    .action(
      async (
        app: string,
        secret: string | undefined,
        opts: { all?: boolean; machine?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          const res = await secretRemove({ app, name: secret, all: opts.all === true }, deps);
          if (opts.machine) return deps.io.out(renderJson(res));
          for (const n of res.notOwned)
            deps.io.warn(
              `left ${n} alone: it lacks the app's ${NAMESPACE_LABEL} label (remove it by hand if it is this app's)`,
            );
          if (res.cancelled) return deps.io.out('Nothing removed.');
          deps.io.out(
            res.removed.length > 0
              ? `Removed ${res.removed.join(', ')} from ${res.server}.`
              : `No secrets of ${res.app} to remove on ${res.server}.`,
          );
        }),
    );
}
