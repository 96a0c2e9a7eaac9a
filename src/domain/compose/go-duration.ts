// Go's Duration.String(), which docker uses for every compose duration it prints: "90s" loads
// as 1m30s and prints that way, so the oracle sees exactly Go's text.

import { parseGoDuration as parseChecked } from './schema/duration.js';

/** Nanoseconds, or undefined when `text` is not a Go duration (the schema says why). */
export function parseGoDuration(text: string): bigint | undefined {
  const r = parseChecked(text);
  return r.ok ? r.nanoseconds : undefined;
}

export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u < 1_000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${frac(u, 3)}µs`;
    else out = `${frac(u, 6)}ms`;
  } else {
    out = `${frac(u % 60_000_000_000n, 9)}s`;
    u /= 60_000_000_000n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** `v / 10^prec` printed with the fraction's trailing zeros dropped, as Go's fmtFrac does. */
function frac(v: bigint, prec: number): string {
  const scale = 10n ** BigInt(prec);
  const whole = v / scale;
  const f = (v % scale).toString().padStart(prec, '0').replace(/0+$/, '');
  return f ? `${whole}.${f}` : `${whole}`;
}
