import { UserError } from '../../errors.js';
import { compareVersions } from '../version/compare.js';
import { formatVersion, parseVersion, type RecipeVersion } from '../version/parse.js';

export type Bump = 'major' | 'minor' | 'patch';

/** One service's image as a compose file names it (tag empty when there is none). */
export interface ServiceImageTag {
  service: string;
  image: string;
  tag: string;
}

/** What happened to one service's image between the last release and the working tree. */
export interface ImageChange {
  service: string;
  from?: string;
  to?: string;
  /** The recipe bump this change calls for, and why in a few words. */
  bump: Bump;
  why: string;
}

export interface NextVersionInput {
  /** The newest release, undefined for a recipe without releases. */
  last: RecipeVersion | undefined;
  /** The version given on the command line, if any (`1.2.0` or `1.2.0+1.27.3`). */
  requested: string | undefined;
  /** --major/--minor/--patch, if given. */
  bump: Bump | undefined;
  /** The main service's image tag in the working tree: the new `+upstream` part. */
  upstream: string;
  changes: readonly ImageChange[];
  /** Every tag the repository has: the new version must not be one of them. */
  tags?: ReadonlySet<string>;
}

export interface NextVersion {
  version: string;
  /** How the recipe part was chosen. */
  source: 'argument' | 'flag' | 'images' | 'first';
  /** The bump applied to the last version (undefined for an argument or a first release). */
  bump: Bump | undefined;
}

const ORDER: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };

/**
 * Each service's image change since the last release. A new image name is a major change (a
 * different program); a tag change is as big as the first of its numbers that moved; tags
 * that are not numbered alike (dates, `latest`) count as minor, which is what Co-op Cloud's
 * maintainers agree image bumps are. A service added is minor, one removed major.
 */
export function imageChanges(
  before: readonly ServiceImageTag[],
  after: readonly ServiceImageTag[],
): ImageChange[] {
  const old = new Map(before.map((s) => [s.service, s]));
  const out: ImageChange[] = [];
  for (const now of after) {
    const was = old.get(now.service);
    old.delete(now.service);
    const to = ref(now);
    if (was === undefined) {
      out.push({ service: now.service, to, bump: 'minor', why: 'new service' });
      continue;
    }
    const from = ref(was);
    if (from === to) continue;
    if (was.image !== now.image)
      out.push({ service: now.service, from, to, bump: 'major', why: 'another image' });
    else out.push({ service: now.service, from, to, ...tagChange(was.tag, now.tag) });
  }
  for (const gone of old.values())
    out.push({ service: gone.service, from: ref(gone), bump: 'major', why: 'service removed' });
  return out;
}

/** How big a move from one image tag to another is. */
export function tagChange(from: string, to: string): { bump: Bump; why: string } {
  const a = numbered(from);
  const b = numbered(to);
  if (a === undefined || b === undefined || a.rest !== b.rest || a.parts.length !== b.parts.length)
    return { bump: 'minor', why: 'tag changed' };
  const i = a.parts.findIndex((n, k) => n !== b.parts[k]);
  if (i === -1) return { bump: 'patch', why: 'tag respelled' };
  const dir = (b.parts[i] as number) > (a.parts[i] as number) ? 'upgrade' : 'downgrade';
  const bump: Bump = i === 0 ? 'major' : i === 1 ? 'minor' : 'patch';
  return { bump, why: `${bump} ${dir}` };
}

/** `1.27.3-alpine` -> [1, 27, 3] and `-alpine`; undefined when it does not start numbered. */
function numbered(tag: string): { parts: number[]; rest: string } | undefined {
  const m = /^v?(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(.*)$/.exec(tag);
  if (!m) return undefined;
  // A date tag (2024-05-01, 20240501) is not a version: its first number is a year.
  if ((m[1] as string).length >= 4) return undefined;
  const parts = [m[1], m[2], m[3]].filter((p): p is string => p !== undefined).map(Number);
  return { parts, rest: m[4] as string };
}

function ref(s: ServiceImageTag): string {
  return s.tag === '' ? s.image : `${s.image}:${s.tag}`;
}

/** The biggest bump the changes call for: patch when no image changed (recipe-only changes). */
export function bumpFor(changes: readonly ImageChange[]): Bump {
  let best: Bump = 'patch';
  for (const c of changes) if (ORDER[c.bump] > ORDER[best]) best = c.bump;
  return best;
}

export function bumpVersion(v: RecipeVersion, bump: Bump): { major: number; minor: number; patch: number } {
  if (bump === 'major') return { major: v.major + 1, minor: 0, patch: 0 };
  if (bump === 'minor') return { major: v.major, minor: v.minor + 1, patch: 0 };
  return { major: v.major, minor: v.minor, patch: v.patch + 1 };
}

/**
 * The next release: an argument as given (the `+upstream` part added from the main image when
 * left out, as abra does), else the last release bumped by the flag or by what the images did,
 * with the main image's tag as `+upstream`; a first release is 0.1.0. The result must be a
 * canonical version greater than the last one.
 */
export function nextVersion(input: NextVersionInput): NextVersion {
  const upstream = checkUpstream(input.upstream);
  let result: NextVersion;
  if (input.requested !== undefined) {
    if (input.bump !== undefined)
      throw new UserError(`Give either a version (${input.requested}) or --${input.bump}, not both`, {
        hint: 'Drop the flag to release exactly that version, or drop the version to let abra bump the last one.',
        code: 'release_version_and_bump',
      });
    const raw = input.requested.includes('+') ? input.requested : `${input.requested}+${upstream}`;
    const parsed = parseVersion(raw);
    if (!parsed.ok || parsed.version.warnings.length > 0)
      throw new UserError(
        `"${input.requested}" is not a release version: ${parsed.ok ? 'it has a "v" prefix' : parsed.reason}`,
        {
          hint: `Give MAJOR.MINOR.PATCH, optionally with +upstream, e.g. 1.2.0 or 1.2.0+${upstream}.`,
          code: 'release_version_invalid',
        },
      );
    result = { version: formatVersion(parsed.version), source: 'argument', bump: undefined };
  } else if (input.last === undefined) {
    result = { version: `0.1.0+${upstream}`, source: 'first', bump: undefined };
  } else {
    const bump = input.bump ?? bumpFor(input.changes);
    const n = bumpVersion(input.last, bump);
    result = {
      version: `${n.major}.${n.minor}.${n.patch}+${upstream}`,
      source: input.bump === undefined ? 'images' : 'flag',
      bump,
    };
  }
  if (input.tags?.has(result.version))
    throw new UserError(`The recipe already has a tag ${result.version}`, {
      hint: 'Release another version (leave the version out to let abra propose the next one), or delete the tag first if it was a mistake (`git tag -d`). Nothing was changed.',
      code: 'release_tag_exists',
    });
  const next = parseVersion(result.version);
  // Semver precedence ignores build metadata: a new upstream alone does not make a new release.
  if (
    next.ok &&
    input.last !== undefined &&
    compareVersions(recipePart(next.version), recipePart(input.last)) <= 0
  )
    throw new UserError(`${result.version} is not greater than the last release ${input.last.raw}`, {
      hint: `Give a version whose X.Y.Z is above ${formatVersion(recipePart(input.last))}, or leave it out to let abra propose one.`,
      code: 'release_version_not_greater',
    });
  return result;
}

function recipePart(v: RecipeVersion): RecipeVersion {
  return { ...v, upstream: undefined, raw: '' };
}

function checkUpstream(tag: string): string {
  const parsed = parseVersion(`0.0.0+${tag}`);
  if (tag === '' || !parsed.ok)
    throw new UserError(
      tag === ''
        ? 'The "app" service\'s image has no tag, so there is no upstream version for the release'
        : `The "app" service's image tag "${tag}" cannot be the +upstream part of a version`,
      {
        where: 'compose.yml: services.app.image',
        hint: 'Pin the app image to a literal tag (e.g. nginx:1.27.3), then run the command again.',
        code: 'release_no_upstream',
      },
    );
  return tag;
}

/** --major/--minor/--patch as one bump; more than one is refused. */
export function bumpFromFlags(flags: {
  major?: boolean;
  minor?: boolean;
  patch?: boolean;
}): Bump | undefined {
  const given = (['major', 'minor', 'patch'] as const).filter((b) => flags[b] === true);
  if (given.length > 1)
    throw new UserError(
      `Give only one of --major, --minor and --patch (got ${given.map((b) => `--${b}`).join(', ')})`,
      {
        hint: 'Pick the one bump this release is: major (may break), minor (should go fine), patch (fixes only).',
        code: 'release_bump_conflict',
      },
    );
  return given[0];
}
