import type { EnvDocument } from '../../domain/env/document.js';
import { type RecipeRef, recipeOf } from '../../domain/env/recipe.js';
import type { AppEnvFile } from '../../infra/store/env-files.js';
import { readEnvFile } from '../../infra/store/env-files.js';
import type { Deps } from '../deps.js';
import { type Release, resolveRelease } from '../release/resolve.js';
import { findApp } from './find-app.js';

export interface RecordedRelease {
  found: AppEnvFile;
  env: EnvDocument;
  ref: RecipeRef;
  release: Release;
}

/**
 * An app's env file and the recipe release it records (the working tree with `chaos`): what
 * deploy would read, for the commands that only read (compose, env, secrets).
 */
export async function recordedRelease(
  app: string,
  chaos: boolean,
  deps: Pick<Deps, 'paths' | 'git'>,
): Promise<RecordedRelease> {
  const found = await findApp(app, deps.paths);
  const env = await readEnvFile(found.path);
  const ref = recipeOf(env.values(), found.path);
  const release = await resolveRelease(
    { recipe: ref.name, recorded: { version: ref.version, where: `${found.path} (${ref.key})` }, chaos },
    deps,
  );
  return { found, env, ref, release };
}
