import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appCp } from '../../services/app/cp.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('<src>', 'local path, or <service>:<path> in the container')
    .argument('<dst>', 'local path, or <service>:<path> in the container')
    .option('-m, --machine', 'print JSON')
    .action(async (app: string, src: string, dst: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await appCp({ app, src, dst }, deps);
        if (opts.machine) return deps.io.out(renderJson(res));
        deps.io.out(
          res.direction === 'from-container'
            ? `Copied ${src} to ${res.destination} (${res.files} files, ${res.bytes} bytes).`
            : `Copied ${src} to ${res.destination} in ${res.app}.`,
        );
      }),
    );
}
