import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { UserError } from '../../errors.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { type RecipeFetchItem, recipeFetch } from '../../services/recipe/fetch.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument(
      '[recipe]',
      'recipe name (from the catalogue), git path (mygit.org/org/recipe), git URL, or path to a local git repository',
    )
    .option('-a, --all', 'fetch every recipe in the catalogue and every recipe already fetched')
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nRecipes are cloned into $ABRA_DIR/recipes/<name> (default ~/.abra/recipes). A recipe that is\n' +
        'already there gets its tags fetched instead; its working tree is not touched.\n\n' +
        'Examples:\n  abra recipe fetch wordpress\n  abra recipe fetch https://git.coopcloud.tech/coop-cloud/traefik.git\n' +
        '  abra recipe fetch ../my-recipe\n  abra recipe fetch --all\n',
    )
    .action(async (target: string | undefined, opts: { all?: boolean; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await recipeFetch(
          { target, all: opts.all === true, offline: globals.offline },
          recipeDeps(deps),
        );
        if (opts.machine) deps.io.out(renderJson(res));
        else for (const item of res.items) deps.io.out(line(item));
        if (res.failed > 0)
          throw new UserError(`${res.failed} of ${res.items.length} recipes could not be fetched`, {
            hint: 'See the messages above for each one; fetch them one by one to retry.',
            code: 'recipe_fetch_failed',
          });
      }),
    );
}

function line(i: RecipeFetchItem): string {
  const tags = i.newTags.length;
  switch (i.action) {
    case 'cloned':
      return `${i.name}: cloned from ${i.source} into ${i.dir} (${tags} tag${tags === 1 ? '' : 's'})`;
    case 'updated':
      return `${i.name}: fetched${i.source ? ` from ${i.source}` : ''}, ${tags === 0 ? 'no new tags' : `new tags: ${i.newTags.join(', ')}`}`;
    case 'skipped-offline':
      return `${i.name}: already present in ${i.dir}; not fetching (--offline)`;
    case 'skipped-no-remote':
      return `${i.name}: already present in ${i.dir}; it has no git remote to fetch from`;
    case 'failed':
      return `${i.name}: FAILED: ${i.error?.message ?? 'unknown error'}${i.error?.hint ? `\n  fix: ${i.error.hint}` : ''}`;
  }
}
