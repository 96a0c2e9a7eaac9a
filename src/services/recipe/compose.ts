import { basename, join } from 'node:path';
import type { EnvDocument } from '../../domain/env/document.js';
import { UserError } from '../../errors.js';
import { readEnvFile } from '../../infra/store/env-files.js';
import { statIfExists } from '../../infra/store/read.js';
import { RecipeStore } from '../../infra/store/recipes.js';
import { loadRecipeCompose, type RecipeCompose } from '../compose/load-recipe.js';
import type { Deps } from '../deps.js';

export interface RecipeComposeOptions {
  recipe: string;
  /** An app env file to interpolate with; default: the recipe's .env.sample. */
  envFile?: string | undefined;
  /** Domain for STACK_NAME; default: the env file's name, its DOMAIN, or <recipe>.example.com. */
  domain?: string | undefined;
}

/** The final compose config of a fetched recipe for an env file, as `docker stack config`. */
export async function recipeCompose(
  opts: RecipeComposeOptions,
  deps: Pick<Deps, 'paths' | 'composeValidator'>,
): Promise<RecipeCompose> {
  const recipeDir = new RecipeStore(deps.paths).dirOf(opts.recipe);
  if (!(await isDir(recipeDir))) {
    throw new UserError(`Recipe "${opts.recipe}" is not fetched`, {
      where: recipeDir,
      hint: `Run \`abra recipe fetch ${opts.recipe}\` first.`,
      code: 'recipe_missing',
    });
  }
  const envPath = opts.envFile ?? join(recipeDir, '.env.sample');
  const env = await readEnvFile(envPath);
  return loadRecipeCompose(
    { recipeDir, env, domain: opts.domain ?? domainOf(envPath, env, opts.recipe) },
    deps.composeValidator,
  );
}

function domainOf(envPath: string, env: EnvDocument, recipe: string): string {
  const name = basename(envPath);
  if (name.endsWith('.env') && name !== '.env') return name.slice(0, -'.env'.length);
  return env.values().DOMAIN || `${recipe}.example.com`;
}

async function isDir(path: string): Promise<boolean> {
  return (await statIfExists(path, 'The recipe directory'))?.isDirectory() === true;
}
