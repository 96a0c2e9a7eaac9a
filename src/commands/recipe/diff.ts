import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { recipeDiff } from '../../services/recipe/diff.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<recipe>', 'recipe name')
    .option('-m, --machine', 'print JSON')
    .action(async (name: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await recipeDiff({ name }, recipeDeps(deps));
        if (opts.machine) return deps.io.out(renderJson(res));
        if (res.clean) return deps.io.out(`Recipe ${name} has no uncommitted changes.`);
        if (res.diff !== '') deps.io.out(res.diff);
        if (res.untracked.length > 0)
          deps.io.out(`Untracked files:\n${res.untracked.map((p) => `  ${p}`).join('\n')}`);
      }),
    );
}
