import type { RecipeDeps } from './deps.js';
import { localRecipeDir } from './local.js';

export interface RecipeDiffOptions {
  name: string;
}

export interface RecipeDiffResult {
  name: string;
  dir: string;
  /** `git diff HEAD`: staged and unstaged changes to tracked files. */
  diff: string;
  /** Files git does not track yet (and does not ignore). */
  untracked: string[];
  clean: boolean;
}

/** Uncommitted changes in a local recipe. */
export async function recipeDiff(opts: RecipeDiffOptions, deps: RecipeDeps): Promise<RecipeDiffResult> {
  const dir = await localRecipeDir(opts.name, deps);
  const diff = await deps.git.diff(dir);
  const untracked = (await deps.git.status(dir)).filter((e) => e.untracked).map((e) => e.path);
  return { name: opts.name, dir, diff, untracked, clean: diff === '' && untracked.length === 0 };
}
