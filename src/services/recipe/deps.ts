import { homedir } from 'node:os';
import { CatalogueStore } from '../../infra/store/catalogue.js';
import { RecipeStore } from '../../infra/store/recipes.js';
import type { Deps } from '../deps.js';

/** What the recipe services touch: the recipes and catalogue stores, and git. */
export interface RecipeDeps extends Pick<Deps, 'paths' | 'events' | 'prompt' | 'git' | 'env'> {
  recipes: RecipeStore;
  catalogue: CatalogueStore;
  /** Where relative paths given on the command line are resolved from. */
  cwd: string;
  home: string;
}

export function recipeDeps(deps: Pick<Deps, 'paths' | 'events' | 'prompt' | 'git' | 'env'>): RecipeDeps {
  return {
    paths: deps.paths,
    events: deps.events,
    prompt: deps.prompt,
    env: deps.env,
    git: deps.git,
    recipes: new RecipeStore(deps.paths),
    catalogue: new CatalogueStore(deps.paths),
    cwd: process.cwd(),
    home: deps.env.HOME ?? homedir(),
  };
}
