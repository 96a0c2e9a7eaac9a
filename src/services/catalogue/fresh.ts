import { join } from 'node:path';
import type { Catalogue } from '../../domain/recipe/catalogue.js';
import { errorMessage, isUserError } from '../../errors.js';
import { statIfExists } from '../../infra/store/read.js';
import type { RecipeDeps } from '../recipe/deps.js';
import { catalogueSync, syncStampPath } from './sync.js';

/** A catalogue copy older than this is refreshed before a name is looked up in it. */
export const CATALOGUE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export type FreshCatalogueDeps = Pick<RecipeDeps, 'paths' | 'git' | 'env' | 'events' | 'catalogue'>;

/**
 * The catalogue for looking a recipe name up: cloned on first use, fast-forwarded when the
 * last sync is more than a day old, then read. `--offline` reads what is on disk. A failed
 * clone or refresh is a warning, not an error: the stale copy (or none) still serves, as it
 * did before the network was asked. A catalogue directory that is not a git clone (copied in
 * by hand) is used as it is.
 */
export async function freshCatalogue(
  opts: { offline: boolean; now?: number },
  deps: FreshCatalogueDeps,
): Promise<Catalogue | undefined> {
  if (!opts.offline) await refreshIfStale(opts.now ?? Date.now(), deps);
  return deps.catalogue.read();
}

async function refreshIfStale(now: number, deps: FreshCatalogueDeps): Promise<void> {
  const dir = deps.paths.catalogue;
  const st = await statIfExists(dir, 'The catalogue directory');
  if (st !== undefined) {
    if (!st.isDirectory() || !(await deps.git.isRepo(dir))) return;
    const synced = await lastSync(deps);
    if (synced !== undefined && now - synced < CATALOGUE_MAX_AGE_MS) return;
  }
  const what = st === undefined ? 'fetch' : 'refresh';
  deps.events({ type: 'status', message: `${what}ing the recipe catalogue` });
  try {
    await catalogueSync({ offline: false }, deps);
  } catch (err) {
    if (!isUserError(err)) throw err;
    deps.events({
      type: 'warning',
      message:
        `could not ${what} the recipe catalogue (${errorMessage(err)}); ` +
        (st === undefined
          ? "going on without it: recipe names resolve to Co-op Cloud's git server. Retry with `abra catalogue sync`."
          : 'using the copy on disk. Retry with `abra catalogue sync`, or pass --offline (-o).'),
    });
  } finally {
    deps.events({ type: 'status', message: undefined });
  }
}

/** When the catalogue was last synced: abra's stamp, or git's FETCH_HEAD after a manual pull. */
async function lastSync(deps: FreshCatalogueDeps): Promise<number | undefined> {
  const times: number[] = [];
  for (const path of [syncStampPath(deps.paths), join(deps.paths.catalogue, '.git', 'FETCH_HEAD')]) {
    const st = await statIfExists(path, 'The catalogue sync stamp').catch(() => undefined);
    if (st?.isFile()) times.push(st.mtimeMs);
  }
  return times.length > 0 ? Math.max(...times) : undefined;
}
