import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import type { BumpLevel } from '../../domain/upgrade/tag-style.js';
import { UserError } from '../../errors.js';
import { catalogueDeps } from '../../services/catalogue/deps.js';
import { recipeUpgrade } from '../../services/recipe/upgrade-images.js';
import { renderJson, renderTable } from '../../ui/table.js';

interface Flags {
  major?: boolean;
  minor?: boolean;
  patch?: boolean;
  dryRun?: boolean;
  machine?: boolean;
}

export function define(cmd: Command): void {
  cmd
    .argument('<recipe>', 'recipe name (fetched)')
    .option('-x, --major', 'allow any newer tag (the default)')
    .option('-y, --minor', 'only tags with the same major version')
    .option('-z, --patch', 'only tags with the same major and minor version')
    .option('-r, --dry-run', 'show what would change, write nothing')
    .option('-m, --machine', 'list the candidates as JSON; write nothing')
    .addHelpText(
      'after',
      "\nAsks each image's registry for its tags and keeps those newer than the recipe's, in the same\n" +
        'style: same prefix, suffix and number of parts (1.25.3-alpine -> 1.27.1-alpine, never 1.27.1;\n' +
        'bookworm-20240110 -> bookworm-20240211). A date counts as a patch. A reference pinned by digest\n' +
        "is re-pinned to the new tag's digest. Without a terminal (or with -n) the newest candidate is\n" +
        'taken; otherwise you choose per image. Only the `image:` values change in the compose files;\n' +
        'comments and formatting stay. Then release the recipe (a new X.Y.Z+upstream tag).\n',
    )
    .action(async (name: string, opts: Flags, self: Command) =>
      withDeps(self, async (deps) => {
        const chosen = (['major', 'minor', 'patch'] as const).filter((l) => opts[l]);
        if (chosen.length > 1)
          throw new UserError(
            `Give one of --major, --minor and --patch, not ${chosen.map((c) => `--${c}`).join(' and ')}`,
            {
              hint: 'The flag is the biggest step allowed: --patch is the smallest.',
              code: 'usage',
            },
          );
        const up: Parameters<typeof recipeUpgrade>[0] = {
          name,
          dryRun: opts.dryRun === true,
          listOnly: opts.machine === true,
        };
        if (chosen[0] !== undefined) up.level = chosen[0] as BumpLevel;
        const res = await recipeUpgrade(up, catalogueDeps(deps));
        if (opts.machine) return deps.io.out(renderJson(res));
        deps.io.out(
          renderTable(
            ['file', 'service', 'image', 'tag', 'newer', 'upgrade'],
            res.images.map((i) => [
              i.file,
              i.service,
              i.image,
              i.tag || '-',
              i.candidates.map((c) => c.tag).join(', ') || '-',
              i.to !== undefined
                ? (i.to.split('@')[0]?.slice(i.image.length + 1) ?? i.to)
                : (i.skipped ?? 'up to date'),
            ]),
          ),
        );
        if (res.files.length === 0)
          deps.io.out(`Nothing to upgrade in ${name} (${res.level} steps allowed).`);
        else if (res.written) deps.io.out(`Rewrote ${res.files.join(', ')} in ${res.dir}.`);
        else deps.io.out(`Dry run: would rewrite ${res.files.join(', ')}; nothing was written.`);
      }),
    );
}
