import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appConfig } from '../../services/app/config.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .addHelpText(
      'after',
      "\nOpens the app's env file in $EDITOR (else $VISUAL, else vi) on a private copy. The file is replaced\n" +
        'only if the edit parses, names a recipe (RECIPE= or TYPE=) and every COMPOSE_FILE entry exists in\n' +
        'the recipe; otherwise it is left unchanged, the reason is shown, and the command exits 1.\n',
    )
    .action(async (app: string, _opts: unknown, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await appConfig({ app }, deps);
        for (const w of res.warnings) deps.io.warn(w);
        deps.io.out(res.changed ? `Saved ${res.envFile}.` : `No changes to ${res.envFile}.`);
      }),
    );
}
