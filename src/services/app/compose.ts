import { loadRecipeCompose, type RecipeCompose } from '../compose/load-recipe.js';
import type { Deps } from '../deps.js';
import { recordedRelease } from './recorded-release.js';

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
  deps: Pick<Deps, 'paths' | 'env' | 'events' | 'prompt' | 'git' | 'composeValidator'>,
): Promise<AppCompose> {
  const { found, env, ref, release } = await recordedRelease(opts.app, opts.chaos, deps);
  const loaded = await loadRecipeCompose(
    { recipeDir: release.dir, env, domain: found.app, readRecipeFiles: release.readFiles },
    deps.composeValidator,
  );
  return {
    ...loaded,
    server: found.server,
    recipe: ref.name,
    source: release.kind === 'chaos' ? 'working tree' : release.label,
  };
}
