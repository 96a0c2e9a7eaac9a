import { compareVersions } from '../version/compare.js';
import { parseVersion, type RecipeVersion } from '../version/parse.js';

export type Direction = 'upgrade' | 'rollback';

export interface Candidates {
  /** The deployed version parsed; undefined when it is a commit or chaos label. */
  deployed: RecipeVersion | undefined;
  /** Releases in the direction asked, oldest first; pre-releases only when asked for by name. */
  candidates: RecipeVersion[];
}

/**
 * Which releases an upgrade (newer than deployed) or a rollback (older) can go to. A deployed
 * commit or chaos label has no place in the order: every release is then a candidate upgrade
 * and nothing is a candidate rollback.
 */
export function candidatesFor(
  deployedLabel: string,
  tags: readonly string[],
  direction: Direction,
): Candidates {
  const parsed = parseVersion(deployedLabel);
  const deployed = parsed.ok ? parsed.version : undefined;
  const releases = tags
    .map((t) => parseVersion(t))
    .flatMap((r) => (r.ok && r.version.prerelease.length === 0 ? [r.version] : []))
    .sort(compareVersions);
  const candidates =
    deployed === undefined
      ? direction === 'upgrade'
        ? releases
        : []
      : releases.filter((v) =>
          direction === 'upgrade' ? compareVersions(v, deployed) > 0 : compareVersions(v, deployed) < 0,
        );
  return { deployed, candidates };
}

/** The default target: the newest upgrade, or the newest release below the deployed one. */
export function defaultTarget(c: Candidates): RecipeVersion | undefined {
  return c.candidates.at(-1);
}

/**
 * The versions whose release notes an operator should read: every release crossed by the move,
 * excluding where they are and including where they go (an upgrade), or the releases being
 * undone (a rollback), newest last.
 */
export function crossedVersions(
  deployed: RecipeVersion | undefined,
  target: RecipeVersion,
  all: readonly string[],
): RecipeVersion[] {
  const releases = all
    .map((t) => parseVersion(t))
    .flatMap((r) => (r.ok ? [r.version] : []))
    .sort(compareVersions);
  if (deployed === undefined) return releases.filter((v) => compareVersions(v, target) === 0);
  const up = compareVersions(target, deployed) > 0;
  return releases.filter((v) =>
    up
      ? compareVersions(v, deployed) > 0 && compareVersions(v, target) <= 0
      : compareVersions(v, target) > 0 && compareVersions(v, deployed) <= 0,
  );
}

/** A new major recipe version: its release notes usually say what must be done by hand. */
export function isMajorBump(deployed: RecipeVersion | undefined, target: RecipeVersion): boolean {
  return deployed !== undefined && target.major > deployed.major;
}
