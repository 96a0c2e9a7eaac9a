import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { appVolumeRemove } from '../../../services/app/volume.js';
import { renderJson } from '../../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('[volume...]', 'volumes to remove (full or recipe name, see `abra app volume ls`)')
    .option('-a, --all', "remove all of the app's volumes")
    .option('-f, --force', 'try even while the app is deployed')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      "\nOnly volumes labelled as the app's are removed; lists them and asks first unless --no-input.\n",
    )
    .action(
      async (
        app: string,
        volumes: string[],
        opts: { all?: boolean; force?: boolean; machine?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps, globals) => {
          const res = await appVolumeRemove(
            { app, volumes, all: opts.all === true, force: opts.force === true, noInput: globals.noInput },
            deps,
          );
          if (opts.machine) return deps.io.out(renderJson(res));
          deps.io.out(
            res.removed.length > 0
              ? `Removed ${res.removed.length} volume(s) of ${res.app} from ${res.server}: ${res.removed.join(', ')}.`
              : `No volumes of ${res.app} removed.`,
          );
        }),
    );
}
