import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { recipeList } from '../../services/recipe/list.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd.option('-m, --machine', 'print JSON').action(async (opts: { machine?: boolean }, self: Command) =>
    withDeps(self, async (deps) => {
      const rows = await recipeList(recipeDeps(deps));
      if (opts.machine) return deps.io.out(renderJson(rows));
      if (rows.length === 0)
        return deps.io.out(
          'No recipes: none fetched and no catalogue copy. Fetch one with `abra recipe fetch <name|git-url>`.',
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
