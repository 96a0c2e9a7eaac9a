import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { recipeReset } from '../../services/recipe/reset.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<recipe>', 'recipe name')
    .option('-f, --force', 'do not ask')
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nDiscards uncommitted changes and deletes untracked files (ignored files are kept).\n',
    )
    .action(async (name: string, opts: { force?: boolean; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await recipeReset(
          { name, force: opts.force === true || globals.noInput },
          recipeDeps(deps),
        );
        if (opts.machine) return deps.io.out(renderJson(res));
        if (res.reset)
          return deps.io.out(
            `Reset recipe ${name}: discarded changes to ${res.changed.length} file(s), deleted ${res.deleted.length} untracked file(s).`,
          );
        deps.io.out(
          res.changed.length + res.deleted.length === 0
            ? `Recipe ${name} has no uncommitted changes.`
            : 'Nothing changed.',
        );
      }),
    );
}
