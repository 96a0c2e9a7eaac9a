import { UserError } from '../../errors.js';
import type { RecipeDeps } from './deps.js';

/** The directory of a fetched recipe, after checking it is there and is a git repository. */
export async function localRecipeDir(
  name: string,
  deps: Pick<RecipeDeps, 'recipes' | 'git'>,
): Promise<string> {
  const dir = deps.recipes.dirOf(name);
  const state = await deps.recipes.state(name);
  if (state === 'absent') {
    throw new UserError(`Recipe "${name}" is not fetched`, {
      where: dir,
      hint: `Fetch it with \`abra recipe fetch ${name}\` (or create one with \`abra recipe new ${name}\`).`,
      code: 'recipe_not_local',
    });
  }
  if (state === 'not-dir' || !(await deps.git.isRepo(dir))) throw notGitRepo(name, dir);
  return dir;
}

export function notGitRepo(name: string, dir: string): UserError {
  return new UserError(
    `${dir} exists but is not a git repository, so it cannot be used as recipe "${name}"`,
    {
      where: dir,
      hint: `Nothing was changed. Move or delete it yourself (e.g. \`mv ${dir} ${dir}.bak\`), then run \`abra recipe fetch ${name}\`.`,
      code: 'recipe_not_git',
    },
  );
}
