import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactText } from '../../domain/audit/redact.js';
import { UserError } from '../../errors.js';
import { isGitError } from '../../infra/git/errors.js';
import { statIfExists } from '../../infra/store/read.js';
import { buildInPlace } from '../recipe/temp.js';
import type { CatalogueDeps } from './deps.js';

/** Go abra's catalogue repository (recipes-catalogue-json); ABRA_CATALOGUE_URL or --url override it. */
export const DEFAULT_CATALOGUE_URL = 'https://git.coopcloud.tech/coop-cloud/recipes-catalogue-json.git';

export interface CatalogueSyncOptions {
  url?: string;
  offline: boolean;
}

export interface CatalogueSyncResult {
  dir: string;
  action: 'cloned' | 'updated' | 'unchanged';
  source: string;
  commit: string;
}

/** Clone the catalogue into $ABRA_DIR/catalogue, or fast-forward the clone that is there. */
export async function catalogueSync(
  opts: CatalogueSyncOptions,
  deps: Pick<CatalogueDeps, 'paths' | 'git' | 'env' | 'events'>,
): Promise<CatalogueSyncResult> {
  const dir = deps.paths.catalogue;
  const url = opts.url ?? deps.env.ABRA_CATALOGUE_URL ?? DEFAULT_CATALOGUE_URL;
  if (opts.offline)
    throw new UserError('Syncing the catalogue needs the network, but --offline was given', {
      hint: 'Drop --offline (-o); the catalogue on disk is used as it is meanwhile.',
      code: 'offline',
    });
  const st = await statIfExists(dir, 'The catalogue directory');
  if (st === undefined) {
    await buildInPlace(deps.paths.root, dir, 'catalogue', async (tmp) => {
      try {
        await deps.git.clone(url, tmp);
      } catch (err) {
        if (!isGitError(err)) throw err;
        throw new UserError(`Could not clone the catalogue from ${redactText(url)}: ${err.detail}`, {
          where: redactText(url),
          hint: 'Check the URL (--url, or ABRA_CATALOGUE_URL) and your network, then retry.',
          code: 'catalogue_clone_failed',
          cause: err,
        });
      }
    });
    await stampSync(deps.paths);
    return { dir, action: 'cloned', source: redactText(url), commit: await head(deps, dir) };
  }
  if (!st.isDirectory() || !(await deps.git.isRepo(dir)))
    throw new UserError(`${dir} exists but is not a git clone of a catalogue`, {
      where: dir,
      hint: `Nothing was changed. Move it away (\`mv ${dir} ${dir}.bak\`), then run \`abra catalogue sync\` again.`,
      code: 'catalogue_not_git',
    });
  const before = await head(deps, dir);
  const origin = (await deps.git.remoteUrl(dir, 'origin')) ?? url;
  try {
    await deps.git.pullFastForward(dir);
  } catch (err) {
    if (!isGitError(err)) throw err;
    throw new UserError(`Could not update the catalogue from ${redactText(origin)}: ${err.detail}`, {
      where: dir,
      hint: `If the clone has local commits or changes, look at \`git -C ${dir} status\`; otherwise check the network and retry.`,
      code: 'catalogue_sync_failed',
      cause: err,
    });
  }
  await stampSync(deps.paths);
  const after = await head(deps, dir);
  return {
    dir,
    action: after === before ? 'unchanged' : 'updated',
    source: redactText(origin),
    commit: after,
  };
}

async function head(deps: Pick<CatalogueDeps, 'git'>, dir: string): Promise<string> {
  return (await deps.git.resolveCommit(dir, 'HEAD')) ?? '';
}

/** abra's note of the last successful sync, inside the clone's .git: never committed or pushed. */
export function syncStampPath(paths: CatalogueDeps['paths']): string {
  return join(paths.catalogue, '.git', 'abra-synced');
}

/** Record a successful sync (clone, pull, or nothing new): the day starts again. */
async function stampSync(paths: CatalogueDeps['paths']): Promise<void> {
  const path = syncStampPath(paths);
  const now = new Date();
  await writeFile(path, '', { flag: 'a' });
  await utimes(path, now, now);
}
