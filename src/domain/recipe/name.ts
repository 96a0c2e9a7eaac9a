/**
 * A recipe name becomes a directory under ~/.abra/recipes, a `TYPE=` value and part of
 * labels, so it must be one plain path segment. Returns why a name is unusable, or undefined.
 */
export function recipeNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name === '.' || name === '..' || name.includes('..')) return 'it contains ".."';
  if (name.includes('/') || name.includes('\\')) return 'it contains a path separator';
  if (name.startsWith('.')) return 'it starts with "."';
  if (name.length > 100) return 'it is longer than 100 characters';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    return 'it has characters other than letters, digits, ".", "-" and "_"';
  return undefined;
}

/** `mygit.org/org/recipe`: a host name with a dot, then at least one path segment. */
const GIT_PATH_HOST = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** True when the name is a git path (host/org/recipe) rather than a catalogue name. */
export function isGitPathName(name: string): boolean {
  return name.includes('/');
}

/**
 * Why a git-path recipe name (`mygit.org/org/recipe`, no scheme) is unusable, or undefined:
 * a host name with a dot, then segments that are each a plain recipe name, and a directory
 * name (recipeDirName) that is itself a usable recipe name.
 */
export function gitPathNameProblem(name: string): string | undefined {
  const parts = name.split('/');
  // The two ways out of recipes/ are named as such, before any finer rule.
  if (parts.includes('..')) return 'it contains ".."';
  if (name.startsWith('/')) return 'it is an absolute path';
  const host = parts[0] ?? '';
  if (parts.length < 2) return 'a git path needs a host and a repository, e.g. mygit.org/org/recipe';
  if (!GIT_PATH_HOST.test(host))
    return `its host "${host.slice(0, 80)}" is not a host name with a dot (git paths have no scheme: mygit.org/org/recipe)`;
  for (const part of parts.slice(1)) {
    const problem = recipeNameProblem(part);
    if (problem !== undefined) return `its part "${part.slice(0, 80)}" is unusable: ${problem}`;
  }
  const dir = flatten(name);
  const problem = recipeNameProblem(dir);
  return problem === undefined ? undefined : `its directory name ${dir.slice(0, 80)} is unusable: ${problem}`;
}

/** A catalogue name or a git path; undefined when usable. */
export function anyRecipeNameProblem(name: string): string | undefined {
  return isGitPathName(name) ? gitPathNameProblem(name) : recipeNameProblem(name);
}

/**
 * The directory under recipes/ a name is cloned into. Go abra flattens a git path, "/" and
 * "." to "_" (`mygit.org/org/recipe` -> `mygit_org_org_recipe`); a catalogue name is its own
 * directory. Only call with a name anyRecipeNameProblem accepts.
 */
export function recipeDirName(name: string): string {
  return isGitPathName(name) ? flatten(name) : name;
}

/** The last part of a git path (`mygit.org/org/recipe` -> `recipe`); a catalogue name as is. */
export function recipeShortName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Where a git-path recipe is cloned from when no catalogue entry says otherwise. */
export function gitPathUrl(name: string): string {
  return `https://${name}.git`;
}

function flatten(name: string): string {
  return name.replaceAll('/', '_').replaceAll('.', '_');
}
