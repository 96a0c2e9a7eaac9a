import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { shownName } from '../../domain/names/segment.js';
import {
  gitPathNameProblem,
  isGitPathName,
  recipeDirName,
  recipeNameProblem,
} from '../../domain/recipe/name.js';
import { errnoCode, UserError } from '../../errors.js';
import type { AbraPaths } from './paths.js';
import { readdirIfExists, readFailure } from './read.js';
import { checkName, childPath, isWithin, type NameKind } from './safe-path.js';

/** A recipe name is one directory under recipes/. */
export const RECIPE_NAME: NameKind = {
  what: 'recipe',
  code: 'recipe_name_invalid',
  hint: 'A recipe name is one path segment of letters, digits, ".", "-" and "_", e.g. `wordpress`, or a git path such as `mygit.org/org/recipe`. To fetch from elsewhere, pass a git URL.',
  problem: recipeNameProblem,
};

/** A name as typed or written in an env file: a catalogue name, or a git path checked whole. */
function checkRecipeName(name: string): void {
  if (!isGitPathName(name)) {
    checkName(name, RECIPE_NAME);
    return;
  }
  const problem = gitPathNameProblem(name);
  if (problem !== undefined)
    throw new UserError(`"${shownName(name)}" is not a valid recipe name: ${problem}`, {
      hint: RECIPE_NAME.hint,
      code: RECIPE_NAME.code,
    });
}

/** What is at `recipes/<name>`: nothing, a directory, or something else (a file). */
export type RecipeDirState = 'absent' | 'dir' | 'not-dir';

/** `$ABRA_DIR/recipes/<name>/` clones. Symlinked recipe dirs count (people link checkouts in). */
export class RecipeStore {
  constructor(private readonly paths: AbraPaths) {}

  get root(): string {
    return this.paths.recipes;
  }

  /** `recipes/<name>`, or for a git path `recipes/<host_org_recipe>` as Go abra clones it. */
  dirOf(name: string): string {
    checkRecipeName(name);
    return childPath(this.paths.recipes, recipeDirName(name), RECIPE_NAME);
  }

  async state(name: string): Promise<RecipeDirState> {
    const dir = this.dirOf(name);
    let st: Stats | undefined;
    try {
      st = await stat(dir);
    } catch (err) {
      // recipes/ itself a file (ENOTDIR) is reported where recipes/ is listed or created.
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return 'absent';
      throw readFailure(dir, err, `The recipe directory of ${name}`);
    }
    return st.isDirectory() ? 'dir' : 'not-dir';
  }

  /** Names of the directories under recipes/, sorted; dot entries (our temp dirs) skipped. */
  async list(): Promise<string[]> {
    const names = (await readdirIfExists(this.paths.recipes, 'The recipes directory')) ?? [];
    const out: string[] = [];
    for (const name of names.sort()) {
      if (recipeNameProblem(name) !== undefined) continue;
      if ((await this.state(name)) === 'dir') out.push(name);
    }
    return out;
  }
}

export function validateRecipeName(name: string): void {
  checkRecipeName(name);
}

/**
 * The directory of the recipe an app env names (RECIPE=/TYPE=). recipeOf has checked the
 * name (a catalogue name, or a git path of plain segments); this re-checks that the joined
 * path stays under recipes/, because a path escaping it would be read as a recipe.
 */
export function recipeDirOf(paths: AbraPaths, name: string): string {
  const dir = join(paths.recipes, isGitPathName(name) ? recipeDirName(name) : name);
  if (
    name.length === 0 ||
    (isGitPathName(name) && gitPathNameProblem(name) !== undefined) ||
    name.split('/').some((p) => p === '' || p === '.' || p === '..') ||
    !isWithin(paths.recipes, dir) ||
    dir === paths.recipes
  )
    throw new UserError(`"${shownName(name)}" is not a recipe under ${paths.recipes}`, {
      hint: 'Write RECIPE=<recipe>[:<version>] with a recipe name such as `wordpress` in the app env (`abra app config <app>`).',
      code: 'env_recipe_invalid',
    });
  return dir;
}
