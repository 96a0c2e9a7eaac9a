import type { RecipeDeps } from './deps.js';
import { localRecipeDir } from './local.js';

export interface RecipeResetOptions {
  name: string;
  /** Do not ask (--force, or global --no-input). */
  force: boolean;
}

export interface RecipeResetResult {
  name: string;
  dir: string;
  reset: boolean;
  /** Tracked files whose changes were discarded. */
  changed: string[];
  /** Untracked files that were deleted. */
  deleted: string[];
}

/** Discard uncommitted changes and untracked files in a local recipe, after asking. */
export async function recipeReset(opts: RecipeResetOptions, deps: RecipeDeps): Promise<RecipeResetResult> {
  const dir = await localRecipeDir(opts.name, deps);
  const status = await deps.git.status(dir);
  const changed = status.filter((e) => !e.untracked).map((e) => e.path);
  const deleted = status.filter((e) => e.untracked).map((e) => e.path);
  const result = { name: opts.name, dir, changed, deleted };
  if (status.length === 0) return { ...result, reset: false };
  if (!opts.force) {
    const what = [
      changed.length > 0 ? `discard changes to ${changed.length} file(s) (${preview(changed)})` : '',
      deleted.length > 0 ? `delete ${deleted.length} untracked file(s) (${preview(deleted)})` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    if (!(await deps.prompt.confirm(`In recipe ${opts.name}, ${what}? This cannot be undone.`)))
      return { ...result, reset: false };
  }
  await deps.git.discardChanges(dir);
  return { ...result, reset: true };
}

function preview(paths: string[]): string {
  return paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 3).join(', ')}, ...`;
}
