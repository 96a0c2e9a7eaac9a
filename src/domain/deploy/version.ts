import { latestVersion } from '../version/compare.js';
import { parseVersion, type RecipeVersion } from '../version/parse.js';

export type VersionChoice =
  | { kind: 'tag'; version: string; reason: 'argument' | 'env' | 'latest' }
  | { kind: 'commit'; rev: string }
  | { kind: 'chaos'; reason: 'flag' | 'no-releases' };

export interface VersionInputs {
  /** `abra app deploy <app> <version|commit>` */
  argument?: string | undefined;
  /** The `:version` recorded in the app env's RECIPE/TYPE line. */
  envVersion?: string | undefined;
  ignoreEnvVersion: boolean;
  chaos: boolean;
  /** Tag names of the recipe clone. */
  tags: string[];
}

/**
 * abra's order: an explicit version wins, then the version recorded in the env (so every
 * operator deploys the same thing), then the newest release; --chaos or a recipe without
 * releases deploys the working tree.
 */
export function chooseVersion(i: VersionInputs): VersionChoice {
  if (i.chaos) return { kind: 'chaos', reason: 'flag' };
  if (i.argument) {
    return i.tags.includes(i.argument)
      ? { kind: 'tag', version: i.argument, reason: 'argument' }
      : { kind: 'commit', rev: i.argument };
  }
  if (i.envVersion && !i.ignoreEnvVersion) {
    return i.tags.includes(i.envVersion)
      ? { kind: 'tag', version: i.envVersion, reason: 'env' }
      : { kind: 'commit', rev: i.envVersion };
  }
  const versions = i.tags
    .map((t) => parseVersion(t))
    .filter((r): r is { ok: true; version: RecipeVersion } => r.ok)
    .map((r) => r.version)
    .filter((v) => v.prerelease.length === 0);
  const latest = latestVersion(versions);
  return latest
    ? { kind: 'tag', version: latest.raw, reason: 'latest' }
    : { kind: 'chaos', reason: 'no-releases' };
}
