// docker's opts.ParseCPUs: `cpus: "0.5"` -> 500000000 NanoCPUs. The value is read as an exact
// rational (Go's big.Rat), so "1/3" parses but is "too precise" once scaled to nanoseconds.

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const FRACTION = /^([+-]?\d+)\/(\d+)$/;

function rational(text: string): { num: bigint; den: bigint } | undefined {
  const f = FRACTION.exec(text);
  if (f) {
    const den = BigInt(f[2] as string);
    return den === 0n ? undefined : { num: BigInt(f[1] as string), den };
  }
  const d = DECIMAL.exec(text);
  if (!d) return undefined;
  const [, sign, whole = '', frac = '', exp = '0'] = d;
  if (whole === '' && frac === '') return undefined;
  let num = BigInt(`${whole}${frac}` || '0');
  let den = 10n ** BigInt(frac.length);
  const e = BigInt(exp);
  if (e >= 0n) num *= 10n ** e;
  else den *= 10n ** -e;
  return { num: sign === '-' ? -num : num, den };
}

export type CpusResult = { ok: true; nanoCPUs: number } | { ok: false; message: string };

export function parseCpus(text: string): CpusResult {
  const r = rational(text);
  if (!r) return { ok: false, message: `failed to parse ${text} as a rational number` };
  const scaled = r.num * 1_000_000_000n;
  if (scaled % r.den !== 0n) return { ok: false, message: 'value is too precise' };
  return { ok: true, nanoCPUs: Number(scaled / r.den) };
}
