import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appLogs } from '../../services/app/logs.js';
import { printable } from '../../ui/sanitize.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('[service]', 'only this service (e.g. app, db)')
    .option('-f, --follow', 'keep streaming new lines (Ctrl-C to stop)')
    .option('-S, --since <time>', 'only lines since a time: RFC 3339 date or relative (e.g. 10m)')
    .option('-t, --tail <n>', 'only the last n lines of each service', 'all')
    .option('-s, --stderr', 'only the standard error stream')
    .option('--timestamps', 'prefix lines with their time')
    .action(
      async (
        app: string,
        service: string | undefined,
        opts: { follow?: boolean; since?: string; tail?: string; stderr?: boolean; timestamps?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          const stop = new AbortController();
          process.once('SIGINT', () => stop.abort());
          const since = opts.since && /^\d+[smhd]$/.test(opts.since) ? relative(opts.since) : opts.since;
          for await (const l of appLogs(
            {
              app,
              service,
              follow: opts.follow === true,
              since,
              tail: opts.tail,
              stderrOnly: opts.stderr === true,
              timestamps: opts.timestamps === true,
              signal: stop.signal,
            },
            deps,
          )) {
            const toErr = l.stream === 'stderr';
            const text = `${l.service} | ${l.line}`;
            // Piped output is data and stays byte for byte; on a terminal, escape sequences a
            // container (or whoever feeds it) wrote are shown instead of obeyed.
            const tty = toErr ? process.stderr.isTTY : process.stdout.isTTY;
            (toErr ? deps.io.err : deps.io.out)(tty ? printable(text, '\t') : text);
          }
        }),
    );
}

/** "10m" -> unix seconds ten minutes ago, which the Engine API takes for `since`. */
function relative(spec: string): string {
  const n = Number(spec.slice(0, -1));
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[spec.slice(-1) as 's' | 'm' | 'h' | 'd'];
  return String(Math.floor(Date.now() / 1000) - n * unit);
}
