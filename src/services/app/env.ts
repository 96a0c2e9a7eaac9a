import { readAbraShExports } from '../../domain/env/abra-sh.js';
import { type EffectiveVar, effectiveEnv } from '../../domain/env/effective.js';
import { warn } from '../../domain/events/types.js';
import { secretSpecsOf } from '../../domain/secret/spec.js';
import { stackNameOf } from '../../domain/stack/contract.js';
import { errorMessage, isUserError } from '../../errors.js';
import { loadRecipeCompose, type RecipeCompose } from '../compose/load-recipe.js';
import type { Deps } from '../deps.js';
import { recordedRelease } from './recorded-release.js';

export interface AppEnvOptions {
  app: string;
  /** Read abra.sh and the compose files from the recipe's working tree (like deploy --chaos). */
  chaos: boolean;
}

/** A secret the recipe gives the app: its names and version, never its value. */
export interface AppEnvSecret {
  name: string;
  envKey: string;
  version: string;
  remoteName: string;
}

export interface AppEnvResult {
  app: string;
  server: string;
  recipe: string;
  /** The recipe version read, or "working tree". */
  source: string;
  envFile: string;
  vars: EffectiveVar[];
  /** Undefined when the recipe's compose files could not be loaded (a warning says why). */
  secrets: AppEnvSecret[] | undefined;
}

/**
 * The env an app's compose files are interpolated with at deploy: its env file, the abra.sh
 * exports of the recipe version it records (read as text: abra.sh is never run on this machine)
 * and STACK_NAME, each with where it comes from; and the secrets the recipe expects, by name.
 * Reads local files and the recipe's git only: no server is contacted.
 */
export async function appEnv(
  opts: AppEnvOptions,
  deps: Pick<Deps, 'paths' | 'env' | 'events' | 'prompt' | 'git' | 'composeValidator'>,
): Promise<AppEnvResult> {
  const { found, env, ref, release } = await recordedRelease(opts.app, opts.chaos, deps);
  const source = release.kind === 'chaos' ? 'working tree' : release.label;
  let loaded: RecipeCompose | undefined;
  try {
    loaded = await loadRecipeCompose(
      { recipeDir: release.dir, env, domain: found.app, readRecipeFiles: release.readFiles },
      deps.composeValidator,
    );
  } catch (err) {
    if (!isUserError(err)) throw err;
    // The env is still worth seeing when the recipe's compose is broken; only secrets need it.
    warn(
      deps.events,
      `the recipe's compose files could not be loaded, so its secrets are not listed: ${errorMessage(err)}`,
    );
  }
  const abraSh = loaded?.abraSh ?? readAbraShExports((await release.readFiles(['abra.sh']))[0] ?? '');
  const envLines = new Map(env.entries().map((e) => [e.key, e.line]));
  const vars = effectiveEnv({
    domain: found.app,
    envFile: found.path,
    envValues: env.values(),
    envLines,
    abraSh,
    abraShWhere: `abra.sh of recipe ${ref.name} (${source})`,
  });
  const secrets = loaded
    ? secretSpecsOf(loaded.config, env, stackNameOf(found.app)).map((s) => ({
        name: s.name,
        envKey: s.envKey,
        version: s.version,
        remoteName: s.remoteName,
      }))
    : undefined;
  return {
    app: found.app,
    server: found.server,
    recipe: ref.name,
    source,
    envFile: found.path,
    vars,
    secrets,
  };
}
