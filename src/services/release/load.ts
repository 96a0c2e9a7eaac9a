import { readFile } from 'node:fs/promises';
import type { ComposeConfig } from '../../domain/compose/types.js';
import { withAbraLabels } from '../../domain/deploy/labels.js';
import type { EnvDocument } from '../../domain/env/document.js';
import { type DesiredStack, toStack } from '../../domain/swarm/index.js';
import { UserError } from '../../errors.js';
import { loadRecipeCompose } from '../compose/load-recipe.js';
import type { Deps } from '../deps.js';
import type { Release } from './resolve.js';

export interface LoadedRelease {
  release: Release;
  /** The compose config with abra's labels and the exposed env. */
  config: ComposeConfig;
  /** The app env as the recipe sees it (env file + abra.sh exports + STACK_NAME). */
  env: Record<string, string>;
  /** What `docker stack deploy` would create; the only place config and secret data live. */
  desired: DesiredStack;
}

/**
 * An app's release as swarm objects: the compose files at the release, abra's labels and
 * ExposeAllEnv, the conversion, and the data of file-backed configs and secrets, read from the
 * same revision as the compose files.
 */
export async function loadRelease(
  app: { name: string; stack: string; env: EnvDocument },
  release: Release,
  deps: Pick<Deps, 'composeValidator' | 'git'>,
): Promise<LoadedRelease> {
  const loaded = await loadRecipeCompose(
    { recipeDir: release.dir, env: app.env, domain: app.name, readRecipeFile: release.readFile },
    deps.composeValidator,
  );
  const config = withAbraLabels(
    loaded.config,
    {
      stack: app.stack,
      recipe: release.recipe,
      version: release.kind === 'chaos' ? undefined : release.label,
      chaos: release.kind === 'chaos',
      chaosVersion: release.kind === 'chaos' ? release.label : undefined,
    },
    // Like Go abra: the app env with the abra.sh exports and STACK_NAME merged in.
    loaded.env,
  );
  const desired = toStack(config, { namespace: app.stack });
  for (const obj of [...desired.configs, ...desired.secrets]) {
    if (!obj.file || obj.spec.Data !== undefined) continue;
    const data = await readObjectFile(release, obj.file, obj.key, deps);
    obj.spec.Data = data.toString('base64');
  }
  return { release, config, env: loaded.env, desired };
}

async function readObjectFile(
  release: Release,
  file: string,
  key: string,
  deps: Pick<Deps, 'git'>,
): Promise<Buffer> {
  const inRecipe = file.startsWith(`${release.dir}/`);
  const rel = file.slice(release.dir.length + 1);
  const text =
    release.rev !== undefined && inRecipe
      ? await deps.git.showFile(release.dir, release.rev, rel)
      : await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) {
    throw new UserError(`${key}: file ${file} does not exist${release.rev ? ` at ${release.rev}` : ''}`, {
      where: file,
      hint: 'Add the file to the recipe (configs and file secrets are read from it).',
      code: 'compose_file_missing',
    });
  }
  return Buffer.from(text);
}
