import type { PrereleaseId, RecipeVersion } from './parse.js';

/**
 * Total order on recipe versions. Semver precedence on the recipe part decides first (a
 * pre-release sorts before its release). Semver ignores build metadata, but two abra releases
 * may differ only in their upstream part, so that breaks ties: none < any, then natural order
 * (digit runs numerically). The raw tag decides last, so sorting is deterministic even for
 * `v1.0.0` next to `1.0.0`.
 */
export function compareVersions(a: RecipeVersion, b: RecipeVersion): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.patch - b.patch ||
    comparePrerelease(a.prerelease, b.prerelease) ||
    compareUpstream(a.upstream, b.upstream) ||
    compareText(a.raw, b.raw)
  );
}

/** Oldest first. */
export function sortVersions<T extends RecipeVersion>(versions: readonly T[]): T[] {
  return [...versions].sort(compareVersions);
}

export function latestVersion<T extends RecipeVersion>(versions: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const v of versions) if (best === undefined || compareVersions(v, best) > 0) best = v;
  return best;
}

function comparePrerelease(a: PrereleaseId[], b: PrereleaseId[]): number {
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as PrereleaseId;
    const y = b[i] as PrereleaseId;
    if (x === y) continue;
    // Semver: numeric identifiers have lower precedence than alphanumeric ones.
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return compareText(x, y);
  }
  return a.length - b.length;
}

function compareUpstream(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return compareNatural(stripV(a), stripV(b));
}

/** `1.19.10-rootless` after `1.19.3-rootless`; `27.0.1` before `27.0.1-fpm`. */
export function compareNatural(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i] as string;
    const y = tb[i] as string;
    if (x === y) continue;
    const xd = isDigits(x);
    const yd = isDigits(y);
    if (xd && yd) return compareDigits(x, y);
    if (xd) return -1;
    if (yd) return 1;
    return compareText(x, y);
  }
  return ta.length - tb.length;
}

function tokens(s: string): string[] {
  return s.match(/\d+|\D+/g) ?? [];
}

function isDigits(s: string): boolean {
  return s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57;
}

/** Compares arbitrarily long digit strings without Number overflow; `007` ties after `7`. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length - y.length || compareText(x, y) || a.length - b.length;
}

function stripV(s: string): string {
  return /^v\d/.test(s) ? s.slice(1) : s;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
