import type { ComposeSchemaValidator } from '../../domain/compose/load.js';
import type { Deps } from '../deps.js';
import { type RecipeDeps, recipeDeps } from './deps.js';
import { httpProbe, type UrlProbe } from './lint-probe.js';

/** What `recipe lint` touches: the recipe clone (git), the catalogue, and one HTTP probe. */
export interface LintDeps extends Pick<RecipeDeps, 'git' | 'recipes' | 'catalogue'> {
  composeValidator: () => Promise<ComposeSchemaValidator>;
  probeUrl: UrlProbe;
}

export function lintDeps(
  deps: Pick<Deps, 'paths' | 'events' | 'prompt' | 'git' | 'env' | 'composeValidator'>,
): LintDeps {
  const r = recipeDeps(deps);
  return {
    git: r.git,
    recipes: r.recipes,
    catalogue: r.catalogue,
    composeValidator: deps.composeValidator,
    probeUrl: httpProbe,
  };
}
