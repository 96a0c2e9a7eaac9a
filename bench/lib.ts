import { spawnSync } from 'node:child_process';

/** One line of the benchmark table: our figure, the reference it is compared with, and the ratio. */
export interface BenchRow {
  figure: string;
  ours: number;
  reference: number | undefined;
  /** What ours and reference count (default ms). */
  unit?: string;
  /** What "reference" measured, e.g. "docker --help" or "local unix socket". */
  referenceLabel: string;
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = nowMs();
  await fn();
  return nowMs() - t;
}

/** Median wall time of a command over `runs` runs (after one warm-up run). */
export function timeCommand(
  cmd: string,
  args: string[],
  runs: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  spawnSync(cmd, args, { env, stdio: 'ignore' });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = nowMs();
    const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
    times.push(nowMs() - t);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  }
  return median(times);
}

/**
 * Median wall times of several commands run in turns (one run of each, `runs` times over), so a
 * machine that gets busier during the measurement weighs on all of them alike: a floor measured
 * before a load spike would otherwise make a difference to it meaningless, even negative.
 */
export function timeInterleaved(
  commands: readonly { cmd: string; args: string[]; env?: NodeJS.ProcessEnv }[],
  runs: number,
): number[] {
  const times = commands.map((): number[] => []);
  for (const c of commands) spawnSync(c.cmd, c.args, { env: c.env ?? process.env, stdio: 'ignore' });
  for (let i = 0; i < runs; i++)
    commands.forEach((c, j) => {
      const t = nowMs();
      const r = spawnSync(c.cmd, c.args, { env: c.env ?? process.env, stdio: 'ignore' });
      times[j]?.push(nowMs() - t);
      if (r.status !== 0) throw new Error(`${c.cmd} ${c.args.join(' ')} exited ${r.status}`);
    });
  return times.map(median);
}

export function renderRows(rows: BenchRow[]): string {
  const head = ['figure', 'ours', 'reference', 'ratio'];
  const body = rows.map((r) => [
    r.figure,
    Number.isNaN(r.ours) ? 'failed' : `${r.ours.toFixed(1)} ${r.unit ?? 'ms'}`,
    r.reference === undefined ? '-' : `${r.reference.toFixed(1)} ${r.unit ?? 'ms'} (${r.referenceLabel})`,
    r.reference === undefined || r.reference === 0 || Number.isNaN(r.ours)
      ? '-'
      : `${(r.ours / r.reference).toFixed(2)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.figure}: ${r.note}`);
  return [
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}
