// Recipe versions are git tags of the form MAJOR.MINOR.PATCH[-PRERELEASE]+UPSTREAM, where
// UPSTREAM is the app image's tag (`2.0.1+1.0.6-social-amd64`, `5.0.3+27.0.1-fpm`). Real
// recipes also carry `v1.0.3` and plain `1.0.0` tags; those parse, with a warning, so that
// listing and ordering never fail on them.

/** Why a tag parses but is not in abra's canonical `X.Y.Z+upstream` form. */
export type VersionWarning = 'v-prefix' | 'no-upstream';

export type PrereleaseId = number | string;

export interface RecipeVersion {
  /** The tag exactly as written. */
  raw: string;
  major: number;
  minor: number;
  patch: number;
  /** Semver pre-release identifiers (`1.0.0-rc.1+x` -> ['rc', 1]); empty for a release. */
  prerelease: PrereleaseId[];
  /** Everything after the first `+` (the upstream/app version), or undefined when absent. */
  upstream: string | undefined;
  warnings: VersionWarning[];
}

export type ParseResult = { ok: true; version: RecipeVersion } | { ok: false; reason: string };

const NUMERIC = /^(0|[1-9]\d*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;
// Upstream parts are Docker image tags, which also allow `_` (legacy `1.14.1-rootless_1`).
const UPSTREAM = /^[0-9A-Za-z][0-9A-Za-z._-]*$/;
// Far beyond any real version, and keeps parseInt exact.
const MAX_NUMBER_LENGTH = 15;

export function parseVersion(tag: string): ParseResult {
  if (tag.length === 0) return fail('the tag is empty');
  if (/\s/.test(tag)) return fail('it contains whitespace');
  const warnings: VersionWarning[] = [];
  let rest = tag;
  if (rest.startsWith('v') || rest.startsWith('V')) {
    warnings.push('v-prefix');
    rest = rest.slice(1);
  }

  const plus = rest.indexOf('+');
  const head = plus === -1 ? rest : rest.slice(0, plus);
  const upstream = plus === -1 ? undefined : rest.slice(plus + 1);
  if (upstream === undefined) warnings.push('no-upstream');
  else if (upstream.length === 0) return fail('nothing follows "+" (expected the upstream version)');
  else if (!UPSTREAM.test(upstream))
    return fail(
      `the upstream part "${upstream}" is not an image tag (letters, digits, ".", "-", "_"; no leading separator)`,
    );

  const dash = head.indexOf('-');
  const core = dash === -1 ? head : head.slice(0, dash);
  const pre = dash === -1 ? undefined : head.slice(dash + 1);

  const parts = core.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^\d+$/.test(p)))
    return fail(`it does not start with MAJOR.MINOR.PATCH (three dot-separated numbers); found "${core}"`);
  for (const p of parts) {
    if (!NUMERIC.test(p)) return fail(`"${p}" in "${core}" has a leading zero`);
    if (p.length > MAX_NUMBER_LENGTH) return fail(`"${p}" in "${core}" is too large`);
  }
  const [major, minor, patch] = parts.map((p) => Number.parseInt(p, 10)) as [number, number, number];

  const prerelease: PrereleaseId[] = [];
  if (pre !== undefined) {
    if (pre.length === 0) return fail('nothing follows "-" (expected a pre-release such as "rc.1")');
    for (const id of pre.split('.')) {
      if (!IDENT.test(id))
        return fail(`the pre-release "${pre}" has an invalid part "${id}" (letters, digits and "-" only)`);
      if (/^\d+$/.test(id)) {
        if (!NUMERIC.test(id)) return fail(`the pre-release part "${id}" has a leading zero`);
        if (id.length > MAX_NUMBER_LENGTH) return fail(`the pre-release part "${id}" is too large`);
        prerelease.push(Number.parseInt(id, 10));
      } else prerelease.push(id);
    }
  }

  return { ok: true, version: { raw: tag, major, minor, patch, prerelease, upstream, warnings } };
}

/** True for a tag in abra's canonical form: no `v`, with an upstream part. */
export function isCanonical(v: RecipeVersion): boolean {
  return v.warnings.length === 0;
}

/** The version without any `v` prefix, as abra would write it. */
export function formatVersion(v: RecipeVersion): string {
  const pre = v.prerelease.length > 0 ? `-${v.prerelease.join('.')}` : '';
  const up = v.upstream === undefined ? '' : `+${v.upstream}`;
  return `${v.major}.${v.minor}.${v.patch}${pre}${up}`;
}

export function describeWarning(w: VersionWarning): string {
  switch (w) {
    case 'v-prefix':
      return 'has a "v" prefix; abra expects X.Y.Z+upstream without "v"';
    case 'no-upstream':
      return 'has no "+upstream" part; abra expects X.Y.Z+<app image tag>';
  }
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}
