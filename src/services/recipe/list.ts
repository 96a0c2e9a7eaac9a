import { latestVersion } from '../../domain/version/compare.js';
import { parseVersion, type RecipeVersion } from '../../domain/version/parse.js';
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

/** Local recipes and, when a catalogue copy exists, every catalogue recipe; sorted by name. */
export async function recipeList(deps: RecipeDeps): Promise<RecipeRow[]> {
  const catalogue = await deps.catalogue.read();
  const local = new Set(await deps.recipes.list());
  const names = [...new Set([...local, ...(catalogue?.keys() ?? [])])].sort();
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
