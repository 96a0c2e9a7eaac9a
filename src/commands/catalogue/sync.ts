import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { catalogueDeps } from '../../services/catalogue/deps.js';
import { catalogueSync } from '../../services/catalogue/sync.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .option(
      '--url <git-url>',
      "catalogue repository to clone (default: ABRA_CATALOGUE_URL, else Co-op Cloud's)",
    )
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nClones the catalogue repository into $ABRA_DIR/catalogue when it is not there, else fast-forwards\n' +
        'the clone (local commits or changes are never overwritten).\n',
    )
    .action(async (opts: { url?: string; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const sync: Parameters<typeof catalogueSync>[0] = { offline: globals.offline };
        if (opts.url !== undefined) sync.url = opts.url;
        const res = await catalogueSync(sync, catalogueDeps(deps));
        if (opts.machine) return deps.io.out(renderJson(res));
        deps.io.out(
          res.action === 'cloned'
            ? `catalogue cloned from ${res.source} into ${res.dir}`
            : `catalogue ${res.action === 'updated' ? 'updated' : 'already up to date'} (${res.commit.slice(0, 8)}, ${res.source})`,
        );
      }),
    );
}
