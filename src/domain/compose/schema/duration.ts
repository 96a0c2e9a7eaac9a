// Go's time.ParseDuration, which docker/cli uses as the `duration` format checker: the schema
// must reject exactly the strings Go rejects ("1" and "1d" fail, "0", "-1.5h" and "1h2m3s" pass).

const NS = 1n;
const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', NS],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // micro sign
  ['\u03bcs', 1_000n], // Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const LIMIT = 1n << 63n;

export type DurationResult =
  | { readonly ok: true; readonly nanoseconds: bigint }
  | { readonly ok: false; readonly reason: string };

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function fail(reason: string): DurationResult {
  return { ok: false, reason };
}

export function parseGoDuration(input: string): DurationResult {
  let s = input;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, nanoseconds: 0n };
  if (s === '') return fail('empty duration');
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return fail('a number must come before each unit');
    let i = 0;
    let whole = 0n;
    for (; isDigit(s[i]); i++) {
      if (whole > LIMIT / 10n) return fail('value out of range');
      whole = whole * 10n + BigInt(Number(s[i]));
      if (whole > LIMIT) return fail('value out of range');
    }
    const hadWhole = i > 0;
    s = s.slice(i);
    let fraction = 0n;
    let scale = 1;
    let hadFraction = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      // Like Go, digits past uint64 precision are consumed and ignored.
      for (; isDigit(s[j]); j++) {
        if (overflow) continue;
        const next = fraction * 10n + BigInt(Number(s[j]));
        if (fraction > (LIMIT - 1n) / 10n || next > LIMIT) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      hadFraction = j > 0;
      s = s.slice(j);
    }
    if (!hadWhole && !hadFraction) return fail('a number must come before each unit');
    let u = 0;
    while (u < s.length && !(s[u] === '.' || isDigit(s[u]))) u++;
    if (u === 0) return fail('missing unit');
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = UNITS.get(unitName);
    if (unit === undefined) return fail(`unknown unit "${unitName}"`);
    if (whole > LIMIT / unit) return fail('value out of range');
    let value = whole * unit;
    if (fraction > 0n) {
      // Go does this step in float64; doing the same keeps rounding at the range limit identical.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > LIMIT) return fail('value out of range');
    }
    total += value;
    if (total > LIMIT) return fail('value out of range');
  }
  if (!negative && total > LIMIT - 1n) return fail('value out of range');
  return { ok: true, nanoseconds: negative ? -total : total };
}
