import { RegistryClient } from '../../infra/registry/client.js';
import { CatalogueCache } from '../../infra/store/catalogue-cache.js';
import type { Deps } from '../deps.js';
import { type RecipeDeps, recipeDeps } from '../recipe/deps.js';

/** The recipe services' deps, plus a registry client and the generator's cache. */
export interface CatalogueDeps extends RecipeDeps {
  registry: Pick<RegistryClient, 'digest' | 'tags'>;
  cache: CatalogueCache;
}

export function catalogueDeps(
  deps: Pick<Deps, 'paths' | 'events' | 'prompt' | 'git' | 'env'>,
): CatalogueDeps {
  const insecure = (deps.env.ABRA_INSECURE_REGISTRIES ?? '').split(',').filter(Boolean);
  return {
    ...recipeDeps(deps),
    registry: new RegistryClient({ insecureHosts: insecure }),
    cache: new CatalogueCache(deps.paths),
  };
}
