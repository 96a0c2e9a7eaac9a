import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bump } from '../../domain/release/next-version.js';
import { writeFileAtomic } from '../../infra/store/atomic.js';
import type { RecipeDeps } from './deps.js';
import { COMPOSE_FILE, type PlannedVersion, plannedVersion, planVersion } from './release-plan.js';

export interface RecipeSyncOptions {
  name: string;
  version?: string | undefined;
  bump?: Bump | undefined;
  dryRun: boolean;
}

export interface RecipeSyncResult extends PlannedVersion {
  /** The label was rewritten (false: it already said so, or --dry-run). */
  written: boolean;
  dryRun: boolean;
}

/** Write the next version into the main service's version label; no commit, no tag. */
export async function recipeSync(opts: RecipeSyncOptions, deps: RecipeDeps): Promise<RecipeSyncResult> {
  const plan = await planVersion(
    { name: opts.name, version: opts.version, bump: opts.bump, useLabel: false },
    deps,
  );
  const changed = plan.composeAfter !== plan.composeBefore;
  if (changed && !opts.dryRun) await writeCompose(plan.dir, plan.composeAfter);
  return {
    ...plannedVersion(plan),
    written: changed && !opts.dryRun,
    dryRun: opts.dryRun,
  };
}

/** Replace compose.yml atomically, keeping its permission bits. */
export async function writeCompose(dir: string, text: string): Promise<void> {
  const path = join(dir, COMPOSE_FILE);
  const mode = (await stat(path)).mode & 0o777;
  await writeFileAtomic(path, text, mode);
}
