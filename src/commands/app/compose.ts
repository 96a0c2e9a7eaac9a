import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { canonicalCompose, renderComposeYaml } from '../../domain/compose/render.js';
import { appCompose } from '../../services/app/compose.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-C, --chaos', "use the recipe's working tree instead of the version recorded in the app env")
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nPrints the merged, interpolated compose config abra deploys, as `docker stack config` would.\n',
    )
    .action(async (app: string, opts: { chaos?: boolean; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await appCompose({ app, chaos: opts.chaos === true }, deps);
        deps.io.debug(
          `app compose ${app}: recipe ${res.recipe} (${res.source}), files ${res.files.join(', ')}`,
        );
        deps.io.out(opts.machine ? renderJson(canonicalCompose(res.config)) : renderComposeYaml(res.config));
      }),
    );
}
