import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appServices } from '../../services/app/services.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-m, --machine', 'print JSON')
    .action(async (app: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const rows = await appServices({ app }, deps);
        if (opts.machine) return deps.io.out(renderJson(rows));
        if (rows.length === 0) return deps.io.out(`${app} is not deployed.`);
        deps.io.out(
          renderTable(
            ['service', 'name', 'image', 'replicas'],
            rows.map((r) => [r.service, r.name, r.image, r.replicas]),
          ),
        );
      }),
    );
}
