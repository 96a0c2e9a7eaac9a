import { join } from 'node:path';
import { recipeOf } from '../../domain/env/recipe.js';
import { type AppEnvCheck, checkAppEnv } from '../../domain/lint/app-env.js';
import { ENV_SAMPLE } from '../../domain/lint/prepare.js';
import { readEnvSample } from '../../domain/lint/sample.js';
import { errnoCode, UserError } from '../../errors.js';
import type { GitClient } from '../../infra/git/client.js';
import { readEnvFile } from '../../infra/store/env-files.js';
import type { AbraPaths } from '../../infra/store/paths.js';
import { readTextFile } from '../../infra/store/read-file.js';
import type { RecipeStore } from '../../infra/store/recipes.js';
import { localRecipeDir } from '../recipe/local.js';
import { findApp } from './find-app.js';

export interface AppCheckOptions {
  app: string;
}

export interface AppCheckDeps {
  paths: AbraPaths;
  git: GitClient;
  recipes: RecipeStore;
}

export interface AppCheckResult extends AppEnvCheck {
  app: string;
  server: string;
  envFile: string;
  recipe: string;
  /** The recipe version the app records (RECIPE=name:version), if any. */
  version?: string;
  /** Where the sample was read: `<version>:.env.sample` or the working tree file. */
  sample: string;
  /** False when required keys are missing: the command exits 1. */
  ok: boolean;
}

/** Compare an app's env file with the .env.sample of the recipe version it uses. */
export async function appCheck(opts: AppCheckOptions, deps: AppCheckDeps): Promise<AppCheckResult> {
  const found = await findApp(opts.app, deps.paths);
  const doc = await readEnvFile(found.path);
  const ref = recipeOf(doc.values(), found.path);
  const dir = await localRecipeDir(ref.name, deps);
  const { text, sample } =
    ref.version === undefined
      ? await workingTreeSample(dir)
      : await sampleAt(dir, ref.version, ref.name, deps);
  const check = checkAppEnv(readEnvSample(text, sample), doc);
  const res: AppCheckResult = {
    app: found.app,
    server: found.server,
    envFile: found.path,
    recipe: ref.name,
    sample,
    ...check,
    ok: check.missing.length === 0,
  };
  if (ref.version !== undefined) res.version = ref.version;
  return res;
}

async function workingTreeSample(dir: string): Promise<{ text: string; sample: string }> {
  const path = join(dir, ENV_SAMPLE);
  try {
    return { text: await readTextFile(path), sample: path };
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    throw new UserError('The recipe has no .env.sample to check the app against', {
      where: path,
      hint: 'Add a .env.sample to the recipe (see `abra recipe lint`, rule R008), or pin the app to a version that has one (RECIPE=<recipe>:<version>).',
      code: 'recipe_no_env_sample',
    });
  }
}

async function sampleAt(
  dir: string,
  version: string,
  recipe: string,
  deps: AppCheckDeps,
): Promise<{ text: string; sample: string }> {
  const sample = `${version}:${ENV_SAMPLE}`;
  if ((await deps.git.resolveCommit(dir, version)) === undefined)
    throw new UserError(`Recipe ${recipe} has no version ${version} in ${dir}`, {
      where: dir,
      hint: `Fetch its tags with \`abra recipe fetch ${recipe}\`, or correct the version in the app's RECIPE= line.`,
      code: 'recipe_version_unknown',
    });
  const text = await deps.git.showFile(dir, version, ENV_SAMPLE);
  if (text === undefined)
    throw new UserError(`Recipe ${recipe} has no .env.sample at version ${version}`, {
      where: `${dir} (${sample})`,
      hint: 'That version cannot be checked; upgrade the app to a version that ships a .env.sample.',
      code: 'recipe_no_env_sample',
    });
  return { text, sample };
}
