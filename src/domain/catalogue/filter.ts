// `abra recipe ls` filters. Every filter narrows (they AND together); a recipe known only
// locally has no category, features or description, so only words can match it (by name).

/** The features `--feature` accepts: the README metadata scores that say "this recipe has it". */
export const RECIPE_FEATURES = ['backups', 'email', 'healthcheck', 'sso', 'tests'] as const;
export type RecipeFeature = (typeof RECIPE_FEATURES)[number];

export interface RecipeFilter {
  category?: string;
  features: RecipeFeature[];
  /** Free words: each must occur in the name or the description (case-insensitive). */
  words: string[];
}

export interface FilterableRecipe {
  name: string;
  category?: string;
  description?: string;
  /** The catalogue entry's `features` block as written; undefined when not in the catalogue. */
  features?: Readonly<Record<string, unknown>>;
}

export function isRecipeFeature(s: string): s is RecipeFeature {
  return (RECIPE_FEATURES as readonly string[]).includes(s);
}

/**
 * Whether a README score means the recipe has the feature: "Yes" (also "yes, with ..."), or a
 * score of 1 or more (Email, SSO, Tests: 3 automatic ... 1 manual). "No", "N/A", 0 and an empty
 * field mean it does not.
 */
export function hasFeature(value: unknown): boolean {
  if (typeof value === 'number') return value > 0;
  if (typeof value !== 'string') return false;
  const v = value.trim().toLowerCase();
  if (v.startsWith('yes')) return true;
  const score = /^(\d+)/.exec(v);
  return score !== null && Number(score[1]) > 0;
}

export function matchesRecipe(recipe: FilterableRecipe, filter: RecipeFilter): boolean {
  if (
    filter.category !== undefined &&
    (recipe.category ?? '').toLowerCase() !== filter.category.trim().toLowerCase()
  )
    return false;
  for (const f of filter.features) if (!hasFeature(recipe.features?.[f])) return false;
  const text = `${recipe.name}\n${recipe.description ?? ''}`.toLowerCase();
  return filter.words.every((w) => text.includes(w.toLowerCase()));
}

export function filterRecipes<T extends FilterableRecipe>(recipes: readonly T[], filter: RecipeFilter): T[] {
  return recipes.filter((r) => matchesRecipe(r, filter));
}
