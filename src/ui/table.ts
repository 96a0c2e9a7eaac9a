import { printable } from './sanitize.js';

/**
 * Plain aligned columns: readable in any terminal, greppable, and no dependency. Cells often
 * hold server text, so control characters are shown as escapes (which also keeps one row one
 * line).
 */
export function renderTable(headers: string[], cells: string[][]): string {
  const rows = cells.map((r) => r.map((c) => printable(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n');
}

export function renderJson(data: unknown): string {
  return JSON.stringify(data, null, 2);
}
