import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appCheck } from '../../services/app/check.js';
import { appPlacementCheck } from '../../services/app/check-placement.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      "\nCompares the app's env file with the .env.sample of the recipe version it uses (RECIPE=name:version,\n" +
        'read from that tag; without a version, from the working tree). Missing keys are required settings\n' +
        'the app lacks (exit 1); optional keys are commented out in the sample; extra keys are not in it.\n' +
        "Then the release a deploy would use is checked against the server's nodes: a warning for a service\n" +
        'with a named volume that may run on more than one node (volumes are node-local), and for one whose\n' +
        'placement constraints no node meets (a deploy refuses it).\n',
    )
    .action(async (app: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const r = recipeDeps(deps);
        const res = await appCheck({ app }, { paths: deps.paths, git: r.git, recipes: r.recipes });
        const placement = await appPlacementCheck({ app }, deps);
        if (!res.ok) process.exitCode = 1;
        if (opts.machine) return deps.io.out(renderJson({ ...res, placement }));
        const rows = [
          ...res.missing.map((k) => [k.key, 'missing', `${res.sample}:${k.line}`]),
          ...res.optional.map((k) => [k.key, 'optional (unset)', `${res.sample}:${k.line}`]),
          ...res.extra.map((k) => [k.key, 'extra', `${res.envFile}:${k.line}`]),
        ];
        if (rows.length > 0) deps.io.out(renderTable(['key', 'status', 'where'], rows));
        deps.io.out(
          `${rows.length > 0 ? '\n' : ''}${res.app} (recipe ${res.recipe}${res.version ? ` ${res.version}` : ', working tree'}): ` +
            `${res.missing.length} missing, ${res.optional.length} optional unset, ${res.extra.length} extra`,
        );
        if (!res.ok)
          deps.io.err(
            `Add the missing keys to ${res.envFile} (\`abra app config ${res.app}\`); values are in ${res.sample}.`,
          );
      }),
    );
}
