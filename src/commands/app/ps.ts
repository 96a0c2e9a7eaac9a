import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { type AppPs, appPs } from '../../services/app/ps.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-w, --watch', 'keep printing the status whenever it changes (Ctrl-C to stop)')
    .option('-a, --all', 'include shut-down tasks (history)')
    .option('-m, --machine', 'print JSON')
    .action(async (app: string, opts: { watch?: boolean; all?: boolean; machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const render = (ps: AppPs) => (opts.machine ? renderJson(ps) : renderPs(ps));
        let last = '';
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        do {
          const out = render(await appPs({ app, all: opts.all === true }, deps));
          if (out !== last) deps.io.out(opts.watch && last ? `\n${new Date().toISOString()}\n${out}` : out);
          last = out;
          if (opts.watch) await new Promise((r) => setTimeout(r, 2000));
        } while (opts.watch && !stop.signal.aborted);
      }),
    );
}

function renderPs(ps: AppPs): string {
  if (!ps.deployed) return `${ps.app} is not deployed on ${ps.server}.`;
  const rows = ps.services.flatMap((s) => {
    const head = [s.service, s.image, s.version ?? '-', s.replicas, '', s.updateState ?? '-', '', ''];
    const tasks = s.tasks.map((t) => [
      '',
      t.image === s.image ? '' : t.image,
      '',
      t.slot === undefined ? '' : `#${t.slot}`,
      t.nodeName ?? '',
      `${t.state}${t.desired !== 'running' ? ` (-> ${t.desired})` : ''}`,
      t.since.slice(0, 19).replace('T', ' '),
      t.error ?? '',
    ]);
    return [head, ...tasks];
  });
  const header = ps.deployment ? `${ps.app} on ${ps.server}: ${ps.deployment.summary}\n` : '';
  return `${header}${renderTable(['service', 'image', 'version', 'replicas', 'node', 'state', 'since', 'error'], rows)}`;
}
