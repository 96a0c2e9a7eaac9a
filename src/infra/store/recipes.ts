import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { recipeNameProblem } from '../../domain/recipe/name.js';
import { errnoCode, UserError } from '../../errors.js';
import type { AbraPaths } from './paths.js';
import { readdirIfExists, readFailure } from './read.js';

/** What is at `recipes/<name>`: nothing, a directory, or something else (a file). */
export type RecipeDirState = 'absent' | 'dir' | 'not-dir';

/** `$ABRA_DIR/recipes/<name>/` clones. Symlinked recipe dirs count (people link checkouts in). */
export class RecipeStore {
  constructor(private readonly paths: AbraPaths) {}

  get root(): string {
    return this.paths.recipes;
  }

  dirOf(name: string): string {
    validateRecipeName(name);
    return join(this.paths.recipes, name);
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
  const problem = recipeNameProblem(name);
  if (problem === undefined) return;
  throw new UserError(`"${name}" is not a valid recipe name: ${problem}`, {
    hint: 'A recipe name is one path segment of letters, digits, ".", "-" and "_", e.g. `wordpress`. To fetch from elsewhere, pass a git URL.',
    code: 'recipe_name_invalid',
  });
}
