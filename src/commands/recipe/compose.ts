import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { canonicalCompose, renderComposeYaml } from '../../domain/compose/render.js';
import { recipeCompose } from '../../services/recipe/compose.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<recipe>', 'recipe name (a directory under $ABRA_DIR/recipes)')
    .option('-e, --env <file>', "app env file to interpolate with (default: the recipe's .env.sample)")
    .option('-D, --domain <domain>', 'domain giving STACK_NAME (default: from the env file)')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nPrints the merged, interpolated compose config, as `docker stack config` would.\n',
    )
    .action(
      async (recipe: string, opts: { env?: string; domain?: string; machine?: boolean }, self: Command) =>
        withDeps(self, async (deps) => {
          const res = await recipeCompose({ recipe, envFile: opts.env, domain: opts.domain }, deps);
          deps.io.out(
            opts.machine ? renderJson(canonicalCompose(res.config)) : renderComposeYaml(res.config),
          );
        }),
    );
}
