// Which tags of an image are upgrades of the tag a recipe uses. A tag's *style* is what must
// stay the same: its prefix, how many numeric parts it has, and its suffix (`1.26.0-alpine`
// never becomes `1.27.0` or `1.27-alpine`; `bookworm-20240110` only another `bookworm-<date>`).
// Numbers compare numerically, part by part (Co-op Cloud's tagcmp does the same).

export type BumpLevel = 'major' | 'minor' | 'patch';

export interface TagStyle {
  tag: string;
  kind: 'number' | 'date';
  /** Text before the numbers (`v`, `bookworm-`). */
  prefix: string;
  /** Text after the numbers (`-alpine`, `-fpm-alpine`, `-rootless`), empty for none. */
  suffix: string;
  /** The numeric parts; a date is one part, YYYYMMDD. */
  numbers: number[];
  /** Separators between the numbers (`1.2.3` -> `..`), part of the style. */
  separators: string;
}

const DATE = /^(.*?)((?:19|20)\d{2})([-.]?)(0[1-9]|1[0-2])\3(0[1-9]|[12]\d|3[01])(.*)$/;
const NUMBER = /^(v?)(\d{1,9}(?:\.\d{1,9}){0,3})((?:[-_+~][0-9A-Za-z._+~-]*)?)$/;

/** The style of a tag, or undefined for tags that name no version (`latest`, `stable`, `edge`). */
export function tagStyle(tag: string): TagStyle | undefined {
  const d = DATE.exec(tag);
  if (d) {
    const [, prefix = '', y = '', sep = '', m = '', day = '', suffix = ''] = d;
    // A prefix that ends in a digit would make the date a tail of a longer number.
    if (!/\d$/.test(prefix) && !/^\d/.test(suffix))
      return {
        tag,
        kind: 'date',
        prefix,
        suffix,
        numbers: [Number(`${y}${m}${day}`)],
        separators: sep ? 'date-' : 'date',
      };
  }
  const n = NUMBER.exec(tag);
  if (!n) return undefined;
  const [, prefix = '', nums = '', suffix = ''] = n;
  const parts = nums.split('.');
  return {
    tag,
    kind: 'number',
    prefix,
    suffix,
    numbers: parts.map(Number),
    separators: '.'.repeat(parts.length - 1),
  };
}

export function sameStyle(a: TagStyle, b: TagStyle): boolean {
  return (
    a.kind === b.kind &&
    a.prefix === b.prefix &&
    a.suffix === b.suffix &&
    a.separators === b.separators &&
    a.numbers.length === b.numbers.length
  );
}

export function compareStyles(a: TagStyle, b: TagStyle): number {
  for (let i = 0; i < Math.max(a.numbers.length, b.numbers.length); i++) {
    const d = (a.numbers[i] ?? 0) - (b.numbers[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * How big a step from `from` to `to` (same style) is: the first numeric part that differs.
 * A date is one part but counts as a patch: the same upstream release, rebuilt.
 */
export function bumpLevel(from: TagStyle, to: TagStyle): BumpLevel {
  if (from.kind === 'date') return 'patch';
  if (from.numbers[0] !== to.numbers[0]) return 'major';
  if (from.numbers.length > 1 && from.numbers[1] !== to.numbers[1]) return 'minor';
  return 'patch';
}

const ORDER: Record<BumpLevel, number> = { patch: 0, minor: 1, major: 2 };

export interface TagCandidate {
  tag: string;
  level: BumpLevel;
}

/**
 * Tags newer than `current` in its style, oldest first, at most `limit` steps big
 * (`patch`: same major and minor; `minor`: same major; `major`: any).
 */
export function upgradeCandidates(
  current: string,
  tags: readonly string[],
  limit: BumpLevel = 'major',
): TagCandidate[] {
  const from = tagStyle(current);
  if (from === undefined) return [];
  const out: { style: TagStyle; level: BumpLevel }[] = [];
  for (const t of new Set(tags)) {
    const to = tagStyle(t);
    if (to === undefined || !sameStyle(from, to) || compareStyles(to, from) <= 0) continue;
    const level = bumpLevel(from, to);
    if (ORDER[level] <= ORDER[limit]) out.push({ style: to, level });
  }
  out.sort((a, b) => compareStyles(a.style, b.style) || (a.style.tag < b.style.tag ? -1 : 1));
  return out.map((c) => ({ tag: c.style.tag, level: c.level }));
}
