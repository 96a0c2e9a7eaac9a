import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { type ServerRow, serverList } from '../../services/server/list.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd.option('-m, --machine', 'print JSON').action(async (opts: { machine?: boolean }, self: Command) =>
    withDeps(self, async (deps, globals) => {
      const rows = await serverList({ offline: globals.offline }, deps);
      if (opts.machine) return deps.io.out(renderJson(rows));
      if (rows.length === 0)
        return deps.io.out(
          'No servers yet. Add one with `abra server add <host>` or `abra server add --local`.',
        );
      const headers = globals.offline
        ? ['name', 'host', 'user', 'port', 'apps']
        : ['name', 'host', 'user', 'port', 'apps', 'docker', 'swarm', 'status'];
      deps.io.out(
        renderTable(
          headers,
          rows.map((r) => cells(r, globals.offline)),
        ),
      );
    }),
  );
}

function cells(r: ServerRow, offline: boolean): string[] {
  const base = [r.name, r.host, r.user ?? '-', r.port === undefined ? '-' : String(r.port), String(r.apps)];
  if (offline) return base;
  const s = r.status;
  if (!s?.reachable) return [...base, '-', '-', `unreachable: ${s?.error?.message ?? 'unknown error'}`];
  const swarm =
    s.swarm === 'active'
      ? s.swarmManager
        ? `manager (${s.nodes} node${s.nodes === 1 ? '' : 's'})`
        : 'worker'
      : (s.swarm ?? '-');
  const ok =
    s.swarm === 'active' && s.swarmManager
      ? s.proxyNetwork
        ? 'ok'
        : 'ok, no proxy network'
      : 'swarm not usable';
  return [...base, s.dockerVersion ?? '-', swarm, ok];
}
