import { basename, isAbsolute, resolve } from 'node:path';

/** Where `abra recipe fetch <target>` gets a recipe from. */
export type RecipeSource =
  | { kind: 'name'; name: string }
  | { kind: 'url'; name: string; url: string }
  | { kind: 'path'; name: string; path: string };

export const DEFAULT_RECIPE_BASE = 'https://git.coopcloud.tech/coop-cloud';

// `scheme://...` (https, ssh, git, file) or scp-like `user@host:path`.
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const SCP_LIKE = /^[^/@:\s]+@[^/:\s]+:/;

// `mygit.org/org/recipe`: a first segment that is a host name with a dot. A local directory
// named like a host is written `./mygit.org/...`.
const GIT_PATH = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\/[^/]/;

/**
 * Classify what the user typed: a URL, a git-path recipe name (`mygit.org/org/recipe`, as Go
 * abra takes it), a local path (anything else with a slash, or starting with "." or "~"), else
 * a recipe name. `cwd` and `home` resolve relative and `~/` paths.
 */
export function classifyRecipeTarget(target: string, cwd: string, home: string): RecipeSource {
  if (URL_LIKE.test(target) || SCP_LIKE.test(target)) {
    return { kind: 'url', url: target, name: nameFromLocation(target) };
  }
  if (GIT_PATH.test(target)) return { kind: 'name', name: target };
  if (target.includes('/') || target.startsWith('.') || target.startsWith('~')) {
    const expanded = target === '~' || target.startsWith('~/') ? home + target.slice(1) : target;
    const path = isAbsolute(expanded) ? resolve(expanded) : resolve(cwd, expanded);
    return { kind: 'path', path, name: nameFromLocation(path) };
  }
  return { kind: 'name', name: target };
}

/** The last path segment without `.git`: `https://host/org/wordpress.git` -> `wordpress`. */
export function nameFromLocation(location: string): string {
  const trimmed = location.replace(/[/\\]+$/, '').replace(/\.git$/, '');
  // Userinfo (`user:token@`) never names the recipe, and would put a credential into every
  // message that quotes the name.
  const noUser = URL_LIKE.test(trimmed)
    ? trimmed.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/]*@/, '$1')
    : trimmed;
  const afterColon = SCP_LIKE.test(noUser) ? noUser.slice(noUser.indexOf(':') + 1) : noUser;
  const withoutQuery = afterColon.replace(/[?#].*$/, '');
  return basename(withoutQuery.replace(/[/\\]+$/, '')).replace(/\.git$/, '');
}

export function defaultRecipeUrl(name: string): string {
  return `${DEFAULT_RECIPE_BASE}/${name}.git`;
}
