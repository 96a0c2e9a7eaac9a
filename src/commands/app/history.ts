import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { withDeps } from '../../cli/context.js';
import { HISTORY_HEADERS, historyRows } from '../../domain/audit/render.js';
import { appHistory } from '../../services/app/history.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-l, --limit <n>', 'show only the newest N entries', parseLimit)
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nLists who deployed, upgraded, rolled back or otherwise changed the app, newest last. The\n' +
        "history is stored on the app's server, so every operator sees the same one; with --offline,\n" +
        "only this machine's log ($ABRA_DIR/audit.log) is read.\n",
    )
    .action(async (app: string, opts: { limit?: number; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await appHistory({ app, limit: opts.limit, offline: globals.offline }, deps);
        const note = unreadableNote(res.unreadable, deps.paths.root);
        if (note) deps.io.warn(note);
        if (opts.machine) return deps.io.out(renderJson(res));
        if (res.entries.length === 0)
          return deps.io.out(`No recorded operations on ${res.app} (server ${res.server}) yet.`);
        deps.io.out(renderTable(HISTORY_HEADERS, historyRows(res.entries)));
      }),
    );
}

function unreadableNote(n: { local: number; server: number }, abraDir: string): string | undefined {
  const total = n.local + n.server;
  if (total === 0) return undefined;
  const where = [
    ...(n.local > 0 ? [`${n.local} in ${join(abraDir, 'audit.log')}`] : []),
    ...(n.server > 0 ? [`${n.server} stored on the server`] : []),
  ].join(', ');
  return `${total === 1 ? '1 audit entry' : `${total} audit entries`} could not be read and ${total === 1 ? 'is' : 'are'} not shown (${where}).`;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}
