import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { describeDeployed } from '../../domain/status/app-status.js';
import { type AppListing, appList, type ListedApp, type ServerApps } from '../../services/app/list.js';
import { appStatuses } from '../../services/app/status.js';
import { printable } from '../../ui/sanitize.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .option('-s, --server <server>', 'only apps on this server')
    .option('-r, --recipe <recipe>', 'only apps of this recipe')
    .option('-S, --status', 'ask each server what is deployed (one connection and one API call per server)')
    .option('-u, --upgrades', 'only apps with a newer release than the deployed one (implies --status)')
    .option('-m, --machine', 'print JSON: server -> {apps, appCount}')
    .addHelpText(
      'after',
      '\nWithout --status, reads only the local env files ($ABRA_DIR/servers/<server>/<app>.env).\n' +
        'With --status, servers are asked in parallel; one that cannot be reached lists its apps as\n' +
        '"unknown" with the reason. UPGRADE compares with the tags of the local recipe clone\n' +
        '(`abra recipe fetch` updates them). --offline skips the servers.\n',
    )
    .action(
      async (
        opts: { server?: string; recipe?: string; status?: boolean; upgrades?: boolean; machine?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps, globals) => {
          if (opts.upgrades) opts.status = true;
          const status = opts.status ? appStatuses({ offline: globals.offline }, deps) : undefined;
          const listing = await appList(
            { server: opts.server, recipe: opts.recipe, upgrades: opts.upgrades === true },
            deps,
            status,
          );
          const groups = Object.entries(listing);
          for (const [, group] of groups)
            for (const app of group.apps)
              if (app.problem) deps.io.warn(printable(`${app.appName}: ${app.problem}`));
          if (opts.machine) return deps.io.out(renderJson(listing));
          if (groups.length === 0)
            return deps.io.out(
              opts.upgrades
                ? "No app has an upgrade available (`abra recipe fetch` updates the recipes' tags)."
                : opts.server || opts.recipe
                  ? 'No apps match.'
                  : 'No apps yet. Create one with `abra app new <recipe> --server <server> --domain <domain>`.',
            );
          const blocks = groups.map(([server, group]) =>
            [
              `SERVER: ${server} (${plural(group.appCount, 'app')})`,
              ...reasonsOf(group).map((r) => `unknown: ${printable(r)}`),
              opts.status ? statusTable(group) : localTable(group),
            ].join('\n'),
          );
          deps.io.out(`${blocks.join('\n\n')}\n\n${footer(listing, opts.status === true)}`);
        }),
    );
}

function localTable(group: ServerApps): string {
  return renderTable(
    ['app', 'recipe', 'version', 'domain'],
    group.apps.map((a) => [a.appName, a.recipe || '?', a.envVersion || '-', a.domain || '-']),
  );
}

function statusTable(group: ServerApps): string {
  return renderTable(
    ['app', 'recipe', 'status', 'version', 'tasks', 'upgrade', 'domain'],
    group.apps.map((a) => [
      a.appName,
      a.recipe || '?',
      a.status ?? 'unknown',
      versionCell(a),
      a.desired === undefined ? '-' : `${a.running ?? 0}/${a.desired}`,
      a.upgrade ?? '-',
      a.domain || '-',
    ]),
  );
}

function versionCell(a: ListedApp): string {
  if (a.status !== 'deployed') return '-';
  return describeDeployed(a);
}

/** One line per distinct reason: every app of an unreachable server shares it. */
function reasonsOf(group: ServerApps): string[] {
  return [...new Set(group.apps.flatMap((a) => (a.reason ? [a.reason] : [])))];
}

function footer(listing: AppListing, withStatus: boolean): string {
  const groups = Object.values(listing);
  const total = groups.reduce((n, g) => n + g.appCount, 0);
  const base = `${plural(total, 'app')} on ${plural(groups.length, 'server')}`;
  if (!withStatus) return base;
  const apps = groups.flatMap((g) => g.apps);
  const count = (s: string) => apps.filter((a) => a.status === s).length;
  const upgradeable = groups.reduce((n, g) => n + (g.upgradeCount ?? 0), 0);
  return `${base}: ${count('deployed')} deployed, ${count('undeployed')} undeployed, ${count('unknown')} unknown; ${upgradeable} upgradeable`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
