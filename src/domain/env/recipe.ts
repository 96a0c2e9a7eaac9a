import { UserError } from '../../errors.js';
import { relativePathProblem, segmentProblem, shownName } from '../names/segment.js';
import type { EnvDocument } from './document.js';

/** Which recipe (and recorded version) an app env file names. */
export interface RecipeRef {
  /** The key it came from: RECIPE (current abra) or TYPE (older files). */
  readonly key: 'RECIPE' | 'TYPE';
  /** A catalogue name (`wordpress`) or a git path (`mygit.org/myorg/cool-recipe`). */
  readonly name: string;
  /** The deployed tag or commit recorded after `:`, without the dirty marker. */
  readonly version: string | undefined;
  /** `+U` after the version: deployed with --chaos from uncommitted changes. */
  readonly dirty: boolean;
}

const DIRTY = '+U';

/**
 * Read `RECIPE=` or `TYPE=` as Go abra does: RECIPE wins when both are present (even if
 * empty), and the value is `name[:version]`, so a name cannot itself hold a `:`.
 */
export function recipeOf(values: Readonly<Record<string, string>>, where?: string): RecipeRef {
  const key = Object.hasOwn(values, 'RECIPE') ? 'RECIPE' : Object.hasOwn(values, 'TYPE') ? 'TYPE' : undefined;
  if (key === undefined)
    throw new UserError('The app env file names no recipe (no RECIPE= or TYPE= line)', {
      where,
      hint: 'Add a line RECIPE=<recipe name>, e.g. RECIPE=wordpress.',
      code: 'env_no_recipe',
    });
  const value = values[key]!;
  const parts = value.split(':');
  const name = parts[0]!;
  if (name === '' || parts.length > 2)
    throw new UserError(`${key}=${shownName(value)} is not a recipe name with an optional :version`, {
      where,
      hint: `Write ${key}=<recipe> or ${key}=<recipe>:<version>, e.g. ${key}=wordpress:2.0.1+6.5.3 (a git path has no scheme: mygit.org/org/recipe).`,
      code: 'env_recipe_invalid',
    });
  // The name becomes recipes/<name>: `../x` or `/x` would load a repository from anywhere.
  const problem = name.includes('/') ? relativePathProblem(name) : segmentProblem(name);
  if (problem !== undefined)
    throw new UserError(`${key}=${shownName(value)} does not name a recipe: ${problem}`, {
      where,
      hint: `Write ${key}=<recipe> or ${key}=<recipe>:<version> with a recipe name such as wordpress (a git path has no scheme: mygit.org/org/recipe).`,
      code: 'env_recipe_invalid',
    });
  let version = parts[1];
  let dirty = false;
  if (version?.endsWith(DIRTY)) {
    dirty = true;
    version = version.slice(0, -DIRTY.length);
  }
  return { key, name, version: version === '' ? undefined : version, dirty };
}

/**
 * Record the deployed version in the RECIPE/TYPE line (undefined removes it), leaving every
 * other byte of the file alone, as abra does after deploy, upgrade and rollback.
 */
export function withRecipeVersion(doc: EnvDocument, version: string | undefined, dirty = false): EnvDocument {
  const ref = recipeOf(doc.values(), doc.file);
  const suffix = version === undefined ? '' : `:${version}${dirty ? DIRTY : ''}`;
  return doc.set(ref.key, `${ref.name}${suffix}`);
}
