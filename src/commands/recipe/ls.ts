import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { RECIPE_FEATURES } from '../../domain/catalogue/filter.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { recipeList } from '../../services/recipe/list.js';
import { renderJson, renderTable } from '../../ui/table.js';

interface Flags {
  machine?: boolean;
  category?: string;
  feature?: string[];
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function define(cmd: Command): void {
  cmd
    .argument('[words...]', 'only recipes whose name or description contains every word')
    .option('-m, --machine', 'print JSON')
    .option('-c, --category <category>', 'only recipes of this catalogue category (e.g. Apps, Utilities)')
    .option(
      '-f, --feature <feature>',
      `only recipes that have this feature (repeatable): ${RECIPE_FEATURES.join(', ')}`,
      collect,
    )
    .addHelpText(
      'after',
      '\nLists fetched recipes and the catalogue ($ABRA_DIR/catalogue, cloned on first use and refreshed\n' +
        'when older than a day; --offline reads it as it is). Filters narrow together.\n',
    )
    .action(async (words: string[], opts: Flags, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const filter: { category?: string; features: string[]; words: string[] } = {
          features: opts.feature ?? [],
          words,
        };
        if (opts.category !== undefined) filter.category = opts.category;
        const filtered = filter.category !== undefined || filter.features.length > 0 || words.length > 0;
        const rows = await recipeList({ offline: globals.offline, filter }, recipeDeps(deps));
        if (opts.machine) return deps.io.out(renderJson(rows));
        if (rows.length === 0)
          return deps.io.out(
            filtered
              ? 'No recipe matches these filters (`abra recipe ls` without them lists every recipe).'
              : 'No recipes: none fetched and no catalogue copy. Fetch one with `abra recipe fetch <name|git-url>`.',
          );
        deps.io.out(
          renderTable(
            ['name', 'local', 'latest', 'category'],
            rows.map((r) => [
              r.name,
              r.local ? (r.problem ? `yes (${r.problem})` : 'yes') : 'no',
              r.latest ?? '-',
              r.category ?? '-',
            ]),
          ),
        );
      }),
    );
}
