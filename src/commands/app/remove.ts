import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appRemove } from '../../services/app/remove.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-f, --force', 'do not ask before deleting')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nDeletes the volumes, secrets and configs of an undeployed app, then its env file.\n',
    )
    .action(async (app: string, opts: { force?: boolean; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await appRemove({ app, force: opts.force === true, noInput: globals.noInput }, deps);
        if (opts.machine) return deps.io.out(renderJson(res));
        deps.io.out(
          `Removed ${res.app}: ${res.volumes.length} volume(s), ${res.secrets.length} secret(s), ${res.configs.length} config(s) and ${res.envPath}.`,
        );
      }),
    );
}
