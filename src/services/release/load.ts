import type { ComposeConfig } from '../../domain/compose/types.js';
import { withAbraLabels } from '../../domain/deploy/labels.js';
import type { EnvDocument } from '../../domain/env/document.js';
import { type DesiredStack, toStack } from '../../domain/swarm/index.js';
import { loadRecipeCompose } from '../compose/load-recipe.js';
import { readRecipeObjectFile } from '../compose/object-files.js';
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
    { recipeDir: release.dir, env: app.env, domain: app.name, readRecipeFiles: release.readFiles },
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
  const objects = [
    ...desired.configs.map((o) => ({ o, key: `configs.${o.key}` })),
    ...desired.secrets.map((o) => ({ o, key: `secrets.${o.key}` })),
  ];
  for (const { o, key } of objects) {
    if (!o.file || o.spec.Data !== undefined) continue;
    // Only from the recipe, at the same revision as the compose files, bytes exact: a recipe is
    // other people's content and must not upload the operator's own files.
    const bytes = await readRecipeObjectFile({
      recipeDir: release.dir,
      rev: release.rev,
      file: o.file,
      key,
      git: deps.git,
    });
    o.spec.Data = bytes.toString('base64');
  }
  return { release, config, env: loaded.env, desired };
}
