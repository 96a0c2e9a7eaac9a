import { recipeOf } from '../../domain/env/recipe.js';
import { UserError } from '../../errors.js';
import { GitClient } from '../../infra/git/client.js';
import { readEnvFile } from '../../infra/store/env-files.js';
import { recipeDirOf } from '../../infra/store/recipes.js';
import { loadRecipeCompose, type RecipeCompose } from '../compose/load-recipe.js';
import type { Deps } from '../deps.js';
import { findApp } from './find-app.js';

export interface AppComposeOptions {
  app: string;
  /** Use the recipe's working tree, not the version recorded in the app env (like --chaos). */
  chaos: boolean;
}

export interface AppCompose extends RecipeCompose {
  server: string;
  recipe: string;
  /** The recipe version read, or "working tree". */
  source: string;
}

/** The compose config abra deploys for an app: its env, its recipe at its recorded version. */
export async function appCompose(
  opts: AppComposeOptions,
  deps: Pick<Deps, 'paths' | 'env' | 'io' | 'composeValidator'>,
): Promise<AppCompose> {
  const found = await findApp(opts.app, deps.paths);
  const env = await readEnvFile(found.path);
  const ref = recipeOf(env.values(), found.path);
  const recipeDir = recipeDirOf(deps.paths, ref.name);
  const git = new GitClient({ env: deps.env, debug: deps.io.debug });
  if (!(await git.isRepo(recipeDir))) {
    throw new UserError(`Recipe "${ref.name}" of app ${opts.app} is not fetched`, {
      where: recipeDir,
      hint: `Run \`abra recipe fetch ${ref.name}\`.`,
      code: 'recipe_missing',
    });
  }
  const pinned = !opts.chaos && ref.version !== undefined ? ref.version : undefined;
  if (pinned !== undefined && (await git.resolveCommit(recipeDir, pinned)) === undefined) {
    throw new UserError(
      `Version ${pinned} of recipe ${ref.name} (recorded in the app env) is not in the local clone`,
      {
        where: `${found.path} (${ref.key})`,
        hint: `Run \`abra recipe fetch ${ref.name}\` to get its tags, or pass --chaos to use the working tree.`,
        code: 'recipe_version_missing',
      },
    );
  }
  const loaded = await loadRecipeCompose(
    {
      recipeDir,
      env,
      domain: found.app,
      ...(pinned === undefined
        ? {}
        : { readRecipeFile: (rel: string) => git.showFile(recipeDir, pinned, rel) }),
    },
    deps.composeValidator,
  );
  return { ...loaded, server: found.server, recipe: ref.name, source: pinned ?? 'working tree' };
}
