import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { recipeNew } from '../../services/recipe/new.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<recipe>', 'name of the new recipe (one word: letters, digits, ".", "-", "_")')
    .option('--git-name <name>', 'author name for the initial commit (default: git config user.name)')
    .option('--git-email <email>', 'author email for the initial commit (default: git config user.email)')
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nCreates $ABRA_DIR/recipes/<recipe> with compose.yml, .env.sample, abra.sh, README.md and\n' +
        'release/, as a git repository with one commit. Refuses an existing directory.\n',
    )
    .action(
      async (name: string, opts: { gitName?: string; gitEmail?: string; machine?: boolean }, self: Command) =>
        withDeps(self, async (deps) => {
          const newOpts: Parameters<typeof recipeNew>[0] = { name };
          if (opts.gitName !== undefined) newOpts.gitName = opts.gitName;
          if (opts.gitEmail !== undefined) newOpts.gitEmail = opts.gitEmail;
          const res = await recipeNew(newOpts, recipeDeps(deps));
          if (opts.machine) return deps.io.out(renderJson(res));
          deps.io.out(
            `Created recipe ${res.name} in ${res.dir} (${res.files.length} files, branch ${res.branch}, commit ${res.commit.slice(0, 8)}).\n` +
              `Next: edit compose.yml and .env.sample, then try it with \`abra app new ${res.name}\`.`,
          );
        }),
    );
}
