import {
  type FilterableRecipe,
  filterRecipes,
  isRecipeFeature,
  RECIPE_FEATURES,
  type RecipeFeature,
  type RecipeFilter,
} from '../../domain/catalogue/filter.js';
import { anyRecipeNameProblem, recipeDirName } from '../../domain/recipe/name.js';
import { latestVersion } from '../../domain/version/compare.js';
import { parseVersion, type RecipeVersion } from '../../domain/version/parse.js';
import { UserError } from '../../errors.js';
import { freshCatalogue } from '../catalogue/fresh.js';
import type { RecipeDeps } from './deps.js';
import { mapLimited } from './limit.js';
import { versionTags } from './tags.js';

export interface RecipeRow {
  name: string;
  /** Fetched into $ABRA_DIR/recipes. */
  local: boolean;
  /** Newest version: from local tags when fetched, else from the catalogue. */
  latest?: string;
  category?: string;
  inCatalogue: boolean;
  /** Why a local recipe could not be read (e.g. not a git repository). */
  problem?: string;
}

export interface RecipeListOptions {
  /** Global --offline: list the catalogue on disk without refreshing it. */
  offline: boolean;
  /** `--category`, `--feature` (names checked here), free words. */
  filter?: { category?: string; features?: string[]; words?: string[] };
}

/**
 * Local recipes and, when a catalogue copy exists, every catalogue recipe, narrowed by the
 * filter; sorted by name.
 */
export async function recipeList(opts: RecipeListOptions, deps: RecipeDeps): Promise<RecipeRow[]> {
  const filter = checkedFilter(opts.filter ?? {});
  const catalogue = await freshCatalogue(opts, deps);
  const dirs = new Set(await deps.recipes.list());
  // A fetched git-path recipe is listed once, under its catalogue name, not its directory.
  const keys = [...(catalogue?.keys() ?? [])].filter((k) => anyRecipeNameProblem(k) === undefined);
  const fetchedKeys = keys.filter((k) => dirs.has(recipeDirName(k)));
  for (const k of fetchedKeys) dirs.delete(recipeDirName(k));
  const local = new Set([...dirs, ...fetchedKeys]);
  const all = [...new Set([...local, ...(catalogue?.keys() ?? [])])].sort();
  // Filtered before any git work: a narrow search of a big catalogue stays cheap.
  const names = filterRecipes(
    all.map((name) => {
      const entry = catalogue?.get(name);
      const r: FilterableRecipe = { name };
      if (entry?.category !== undefined) r.category = entry.category;
      if (entry?.description !== undefined) r.description = entry.description;
      if (entry !== undefined) r.features = entry.features;
      return r;
    }),
    filter,
  ).map((r) => r.name);
  // Each local recipe costs a couple of git processes; run several at once.
  return mapLimited(names, 8, async (name) => {
    const entry = catalogue?.get(name);
    const row: RecipeRow = { name, local: local.has(name), inCatalogue: entry !== undefined };
    if (entry?.category) row.category = entry.category;
    let latest: RecipeVersion | undefined;
    if (row.local) {
      const dir = deps.recipes.dirOf(name);
      if (await deps.git.isRepo(dir))
        latest = latestVersion((await versionTags(dir, deps.git)).versions.map((v) => v.version));
      else row.problem = 'not a git repository';
    }
    if (latest === undefined && entry) {
      const parsed = entry.versions.map((v) => parseVersion(v.version));
      latest = latestVersion(parsed.flatMap((r) => (r.ok ? [r.version] : [])));
    }
    if (latest) row.latest = latest.raw;
    return row;
  });
}

function checkedFilter(f: NonNullable<RecipeListOptions['filter']>): RecipeFilter {
  const features: RecipeFeature[] = [];
  for (const raw of f.features ?? []) {
    const name = raw.trim().toLowerCase();
    if (!isRecipeFeature(name))
      throw new UserError(`Unknown recipe feature "${raw}"`, {
        hint: `Features come from the catalogue's features block: ${RECIPE_FEATURES.join(', ')}.`,
        code: 'usage',
      });
    features.push(name);
  }
  const out: RecipeFilter = { features, words: (f.words ?? []).filter((w) => w.trim() !== '') };
  if (f.category !== undefined) out.category = f.category;
  return out;
}
