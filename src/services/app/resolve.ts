import type { EnvDocument } from '../../domain/env/document.js';
import { type RecipeRef, recipeOf } from '../../domain/env/recipe.js';
import { stackNameOf } from '../../domain/stack/contract.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { readEnvFile } from '../../infra/store/env-files.js';
import type { Deps } from '../deps.js';
import { findApp } from './find-app.js';

/** Everything a command needs to act on one app: where its env lives and how to reach it. */
export interface ResolvedApp {
  name: string;
  server: string;
  envPath: string;
  env: EnvDocument;
  recipe: RecipeRef;
  stack: string;
  docker: DockerClient;
}

export async function resolveApp(name: string, deps: Pick<Deps, 'paths' | 'docker'>): Promise<ResolvedApp> {
  const found = await findApp(name, deps.paths);
  const env = await readEnvFile(found.path);
  return {
    name: found.app,
    server: found.server,
    envPath: found.path,
    env,
    recipe: recipeOf(env.values(), found.path),
    stack: stackNameOf(found.app),
    docker: deps.docker.client(found.server),
  };
}
