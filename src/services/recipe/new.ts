import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { segmentProblem, shownName } from '../../domain/names/segment.js';
import { recipeSkeleton } from '../../domain/recipe/skeleton.js';
import { UserError } from '../../errors.js';
import type { GitIdentity } from '../../infra/git/client.js';
import type { RecipeDeps } from './deps.js';
import { gitIdentity } from './identity.js';
import { buildInPlace } from './temp.js';

export interface RecipeNewOptions {
  name: string;
  /** Author of the initial commit; defaults to git's user.name / user.email. */
  gitName?: string;
  gitEmail?: string;
}

export interface RecipeNewResult {
  name: string;
  dir: string;
  files: string[];
  branch: string;
  commit: string;
}

const BRANCH = 'main';

/** A new recipe from the `example` template layout: files, a git repo and an initial commit. */
export async function recipeNew(opts: RecipeNewOptions, deps: RecipeDeps): Promise<RecipeNewResult> {
  // A git path names a recipe that lives elsewhere; a new one starts here under a plain name.
  const problem = segmentProblem(opts.name);
  if (problem)
    throw new UserError(`"${shownName(opts.name)}" is not a valid recipe name: ${problem}`, {
      code: 'invalid_name',
      where: 'recipe name',
      hint: 'A new recipe is named with one path segment of letters, digits, ".", "-" and "_", e.g. `my-recipe`. Nothing was changed.',
    });
  const dir = deps.recipes.dirOf(opts.name);
  if ((await deps.recipes.state(opts.name)) !== 'absent')
    throw new UserError(`Recipe "${opts.name}" already exists`, {
      where: dir,
      hint: 'Pick another name, or move the existing directory away first. Nothing was changed.',
      code: 'recipe_exists',
    });
  const files = recipeSkeleton(opts.name);
  let commit = '';
  await buildInPlace(deps.recipes.root, dir, opts.name, async (tmp) => {
    for (const f of files) {
      const path = join(tmp, ...f.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.content, { flag: 'wx' });
      await chmod(path, f.mode);
    }
    await deps.git.init(tmp, BRANCH);
    await deps.git.addAll(tmp);
    commit = await deps.git.commit(tmp, `chore: init ${opts.name} recipe`, await identity(opts, tmp, deps));
  });
  return { name: opts.name, dir, files: files.map((f) => f.path), branch: BRANCH, commit };
}

function identity(opts: RecipeNewOptions, dir: string, deps: RecipeDeps): Promise<GitIdentity> {
  return gitIdentity(
    dir,
    { name: opts.gitName, email: opts.gitEmail },
    deps,
    'the initial commit',
    'Set it with `git config --global user.name/user.email` or pass --git-name/--git-email.',
  );
}
