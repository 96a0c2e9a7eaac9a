import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { serverPrune } from '../../services/server/prune.js';
import { renderJson, renderTable } from '../../ui/table.js';
import { formatBytes } from '../../ui/units.js';

export function define(cmd: Command): void {
  cmd
    .argument('<server>', 'server name (see `abra server ls`)')
    .option('-a, --all-images', 'remove every unused image, not only dangling ones')
    .option('-v, --volumes', 'also remove unused volumes (with their data; asks first)')
    .option(
      '-l, --label <label>',
      'only objects with this label (key or key=value; repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nThe engine removes only what nothing uses: stopped containers, networks with no container,\n' +
        'dangling (with --all-images: unused) images and, with --volumes, volumes no container uses.\n',
    )
    .action(
      async (
        server: string,
        opts: { allImages?: boolean; volumes?: boolean; label: string[]; machine?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps, globals) => {
          const res = await serverPrune(
            {
              server,
              volumes: opts.volumes === true,
              allImages: opts.allImages === true,
              labels: opts.label,
              noInput: globals.noInput,
            },
            deps,
          );
          if (opts.machine) return deps.io.out(renderJson(res));
          deps.io.out(
            `${renderTable(
              ['kind', 'removed', 'reclaimed'],
              res.results.map((r) => [r.kind, String(r.deleted.length), formatBytes(r.spaceReclaimed)]),
            )}\nTotal reclaimed on ${res.server}: ${formatBytes(res.spaceReclaimed)}`,
          );
        }),
    );
}
