import type { AuditEntry, AuditVersion } from './entry.js';

export const HISTORY_HEADERS = ['time', 'operator', 'command', 'version', 'result', 'duration', 'message'];

/** Table rows for `abra app history`, in the order given (oldest first, newest last). */
export function historyRows(entries: readonly AuditEntry[]): string[][] {
  return entries.map((e) => [
    e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    e.operator,
    formatCommand(e.command),
    formatVersion(e.version),
    e.result,
    formatDuration(e.durationMs),
    e.message ?? '',
  ]);
}

/** argv joined for reading, quoted where a shell would split or expand an argument. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

export function formatVersion(v: AuditVersion | undefined): string {
  if (!v) return '';
  if (v.from && v.to) return v.from === v.to ? v.to : `${v.from} -> ${v.to}`;
  if (v.to) return `-> ${v.to}`;
  return v.from ? `${v.from} ->` : '';
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(rest).padStart(2, '0')}s`;
}

function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./<>-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
