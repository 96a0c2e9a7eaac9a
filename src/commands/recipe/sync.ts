import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { bumpFromFlags } from '../../domain/release/next-version.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { recipeSync } from '../../services/recipe/sync.js';
import { renderVersionPlan } from '../../ui/release.js';
import { renderJson } from '../../ui/table.js';

interface SyncFlags {
  major?: boolean;
  minor?: boolean;
  patch?: boolean;
  dryRun?: boolean;
  machine?: boolean;
}

export function define(cmd: Command): void {
  cmd
    .argument('<recipe>', 'recipe name')
    .argument(
      '[version]',
      'the version to write (X.Y.Z or X.Y.Z+upstream); default: proposed from the changes',
    )
    .option('-x, --major', 'bump the major version')
    .option('-y, --minor', 'bump the minor version')
    .option('-z, --patch', 'bump the patch version')
    .option('-r, --dry-run', 'show the version; write nothing')
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nWrites the next version into the coop-cloud.${STACK_NAME}.version label of the "app" service in\n' +
        'compose.yml (only that value changes), chosen as `abra recipe release` would; no commit, no tag.\n',
    )
    .action(async (name: string, version: string | undefined, opts: SyncFlags, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await recipeSync(
          { name, version, bump: bumpFromFlags(opts), dryRun: opts.dryRun === true },
          recipeDeps(deps),
        );
        if (opts.machine) return deps.io.out(renderJson(res));
        const tail = res.dryRun
          ? 'Dry run: nothing was written.'
          : res.written
            ? `Wrote ${res.version} into ${res.dir}/${res.label.file} (not committed).`
            : 'Nothing to write.';
        deps.io.out(`${renderVersionPlan(res)}\n${tail}`);
      }),
    );
}
