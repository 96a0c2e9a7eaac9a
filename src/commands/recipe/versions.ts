import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { recipeVersions } from '../../services/recipe/versions.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<recipe>', 'recipe name')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      "\nLists version tags newest first, with the image of each service in that version's compose.yml.\n" +
        'Reads the local clone (run `abra recipe fetch <recipe>` to update it); a recipe that is not\n' +
        'fetched is shown from the catalogue.\n',
    )
    .action(async (name: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await recipeVersions({ name, offline: globals.offline }, recipeDeps(deps));
        if (opts.machine) return deps.io.out(renderJson(res));
        for (const v of res.versions) for (const w of v.warnings) deps.io.warn(w.message);
        for (const s of res.skipped) deps.io.warn(`skipped tag ${s.tag}: ${s.reason}`);
        if (res.versions.length === 0)
          return deps.io.out(
            `Recipe ${name} has no published versions yet (no version tags${res.source === 'catalogue' ? ' in the catalogue' : ''}).`,
          );
        const rows = res.versions.flatMap((v) =>
          (v.services.length > 0 ? v.services : [{ service: '-', image: '-', tag: '-' }]).map((s) => [
            v.version,
            s.service,
            s.image || '-',
            s.tag || '-',
          ]),
        );
        deps.io.out(renderTable(['version', 'service', 'image', 'tag'], rows));
        if (res.source === 'catalogue')
          deps.io.out(`(from the catalogue; run \`abra recipe fetch ${name}\` for tags)`);
      }),
    );
}
