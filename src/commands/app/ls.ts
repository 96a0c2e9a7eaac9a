import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appList } from '../../services/app/list.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .option('-s, --server <server>', 'only apps on this server')
    .option('-r, --recipe <recipe>', 'only apps of this recipe')
    .option('-m, --machine', 'print JSON: server -> {apps, appCount}')
    .addHelpText('after', '\nReads only the local env files ($ABRA_DIR/servers/<server>/<app>.env).\n')
    .action(async (opts: { server?: string; recipe?: string; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const listing = await appList({ server: opts.server, recipe: opts.recipe }, deps);
        const groups = Object.entries(listing);
        for (const [, group] of groups)
          for (const app of group.apps) if (app.problem) deps.io.warn(`${app.appName}: ${app.problem}`);
        if (opts.machine) return deps.io.out(renderJson(listing));
        if (groups.length === 0)
          return deps.io.out(
            opts.server || opts.recipe
              ? 'No apps match.'
              : 'No apps yet. Create one with `abra app new <recipe> --server <server> --domain <domain>`.',
          );
        const blocks = groups.map(
          ([server, group]) =>
            `SERVER: ${server} (${group.appCount} app${group.appCount === 1 ? '' : 's'})\n` +
            renderTable(
              ['app', 'recipe', 'version', 'domain'],
              group.apps.map((a) => [a.appName, a.recipe || '?', a.envVersion || '-', a.domain || '-']),
            ),
        );
        const total = groups.reduce((n, [, g]) => n + g.appCount, 0);
        deps.io.out(
          `${blocks.join('\n\n')}\n\n${total} app${total === 1 ? '' : 's'} on ${groups.length} server${groups.length === 1 ? '' : 's'}`,
        );
      }),
    );
}
