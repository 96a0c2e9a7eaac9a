import { NAMESPACE_LABEL, stackNameOf } from '../../domain/stack/contract.js';
import { deriveStatus, type ServerAnswer, summariseStacks } from '../../domain/status/app-status.js';
import { errorMessage, isExpectedError, isUserError } from '../../errors.js';
import type { DockerConnector } from '../../infra/docker/connector.js';
import type { Service } from '../../infra/docker/swarm-types.js';
import { RecipeStore } from '../../infra/store/recipes.js';
import type { Deps, Git } from '../deps.js';
import { mapLimited } from '../recipe/limit.js';
import { type AppStatus, appKey, type StatusProvider } from './list.js';

export interface AppStatusOptions {
  /** Global --offline: contact no server; every app's status is unknown. */
  offline: boolean;
  /** How many servers are asked at once. */
  concurrency?: number;
  /** Per server, connecting included: a silent server must not hold up the listing. */
  timeoutMs?: number;
}

export type AppStatusDeps = Pick<Deps, 'paths' | 'env' | 'events'> & {
  docker: Pick<DockerConnector, 'client'>;
  git: Pick<Git, 'isRepo' | 'tags'>;
};

const DEFAULT_CONCURRENCY = 16;
const DEFAULT_TIMEOUT_MS = 30_000;
const RECIPE_CONCURRENCY = 8;

/**
 * `app ls --status`: one Engine API call per server (every stack service with its labels and
 * task counts), servers in parallel, plus the local recipe clones' tags for the upgrade
 * column; nothing is fetched. A server that cannot be reached makes its apps `unknown`.
 */
export function appStatuses(opts: AppStatusOptions, deps: AppStatusDeps): StatusProvider {
  return async (apps) => {
    const servers = [...new Set(apps.map((a) => a.server))];
    const recipes = [...new Set(apps.map((a) => a.recipe).filter((r) => r !== ''))];
    const [answers, tags] = opts.offline
      ? [servers.map((): ServerAnswer => ({ ok: false, reason: 'not contacted (--offline)' })), []]
      : await Promise.all([
          mapLimited(servers, opts.concurrency ?? DEFAULT_CONCURRENCY, (s) =>
            askServer(s, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, deps),
          ),
          // Read while the servers answer: local git is quicker than any round trip.
          mapLimited(recipes, RECIPE_CONCURRENCY, (r) => recipeTags(r, deps)),
        ]);
    const byServer = new Map(servers.map((s, i) => [s, answers[i] as ServerAnswer]));
    const byRecipe = new Map(recipes.map((r, i) => [r, tags[i]]));
    const out = new Map<string, AppStatus>();
    for (const app of apps) {
      const answer = byServer.get(app.server) as ServerAnswer;
      out.set(appKey(app), deriveStatus(stackNameOf(app.appName), answer, byRecipe.get(app.recipe)));
    }
    return out;
  };
}

async function askServer(server: string, timeoutMs: number, deps: AppStatusDeps): Promise<ServerAnswer> {
  try {
    const services = await deps.docker.client(server).request<Service[]>('GET', '/services', {
      query: { filters: { label: [NAMESPACE_LABEL] }, status: true },
      timeoutMs,
    });
    deps.events({ type: 'debug', message: `status ${server}: ${services.length} stack service(s)` });
    return { ok: true, stacks: summariseStacks(services) };
  } catch (err) {
    // A programming error must surface; only "this server cannot answer" becomes a status.
    if (!isExpectedError(err)) throw err;
    deps.events({ type: 'debug', message: `status ${server}: ${errorMessage(err)}` });
    return { ok: false, reason: errorMessage(err) };
  }
}

/** Tag names of the local clone, or undefined when the recipe is not cloned (no upgrade shown). */
export async function recipeTags(
  recipe: string,
  deps: Pick<AppStatusDeps, 'paths' | 'git' | 'events'>,
): Promise<string[] | undefined> {
  const git = deps.git;
  try {
    const store = new RecipeStore(deps.paths);
    // Most fleets hold apps of recipes never fetched here: no git process for those.
    if ((await store.state(recipe)) !== 'dir') return undefined;
    const dir = store.dirOf(recipe);
    if (!(await git.isRepo(dir))) return undefined;
    return (await git.tags(dir)).map((t) => t.name);
  } catch (err) {
    if (!isUserError(err)) throw err;
    deps.events({ type: 'debug', message: `status: tags of recipe ${recipe}: ${errorMessage(err)}` });
    return undefined;
  }
}
