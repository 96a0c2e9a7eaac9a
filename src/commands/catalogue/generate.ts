import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { catalogueDeps } from '../../services/catalogue/deps.js';
import { catalogueGenerate } from '../../services/catalogue/generate.js';
import { renderJson, renderTable } from '../../ui/table.js';

interface Flags {
  publish?: boolean;
  dryRun?: boolean;
  skipUpdates?: boolean;
  digests?: boolean;
  machine?: boolean;
}

export function define(cmd: Command): void {
  cmd
    .argument('[recipe...]', 'recipes to rebuild (default: every fetched recipe)')
    .option('-p, --publish', 'commit recipes.json in the catalogue clone and push it')
    .option('-r, --dry-run', 'build everything, write nothing, say what would change')
    .option('-s, --skip-updates', "do not fetch the recipes' new tags first")
    .option('--no-digests', 'do not ask registries for image digests')
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      "\nWrites $ABRA_DIR/catalogue/recipes.json in Go abra's format: per recipe its README metadata\n" +
        "(category, features), repository, and every version tag with each service's image, tag and\n" +
        "digest (from the image's registry; ABRA_INSECURE_REGISTRIES=host:port,... for plain-HTTP ones\n" +
        'besides loopback). A recipe whose tags and default branch have not changed since the last run\n' +
        'is taken from the cache ($ABRA_DIR/cache/catalogue.json); entries of recipes not named are kept.\n',
    )
    .action(async (recipes: string[], opts: Flags, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await catalogueGenerate(
          {
            recipes,
            update: opts.skipUpdates !== true,
            digests: opts.digests !== false,
            offline: globals.offline,
            dryRun: opts.dryRun === true,
            publish: opts.publish === true,
          },
          catalogueDeps(deps),
        );
        if (opts.machine) return deps.io.out(renderJson(res));
        deps.io.out(
          renderTable(
            ['recipe', 'versions', 'latest', 'read'],
            res.recipes.map((r) => [r.name, String(r.versions), r.latest ?? '-', r.state]),
          ),
        );
        const verb = !res.changed ? 'unchanged:' : res.dryRun ? 'would write' : 'wrote';
        deps.io.out(`${verb} ${res.file} (${res.total} recipe${res.total === 1 ? '' : 's'})`);
        if (res.published && 'commit' in res.published)
          deps.io.out(`published ${res.published.commit.slice(0, 8)} to ${res.published.remote}`);
        else if (res.published) deps.io.out('nothing to publish: recipes.json is already committed');
      }),
    );
}
