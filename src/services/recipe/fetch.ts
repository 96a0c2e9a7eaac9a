import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { redactText } from '../../domain/audit/redact.js';
import type { Catalogue } from '../../domain/recipe/catalogue.js';
import { gitPathUrl, isGitPathName } from '../../domain/recipe/name.js';
import { classifyRecipeTarget, defaultRecipeUrl, type RecipeSource } from '../../domain/recipe/source.js';
import { errnoCode, isUserError, UserError } from '../../errors.js';
import { isGitError } from '../../infra/git/errors.js';
import { readFailure } from '../../infra/store/read.js';
import { validateRecipeName } from '../../infra/store/recipes.js';
import { freshCatalogue } from '../catalogue/fresh.js';
import type { RecipeDeps } from './deps.js';
import { mapLimited } from './limit.js';
import { notGitRepo } from './local.js';
import { buildInPlace } from './temp.js';

export interface RecipeFetchOptions {
  /** A recipe name, a git URL or a local path; omitted with `all`. */
  target?: string;
  /** Every recipe the catalogue knows plus every one already fetched. */
  all: boolean;
  /** Global --offline: never touch the network. */
  offline: boolean;
  /** Parallel fetches for `all`. */
  concurrency?: number;
}

export type FetchAction = 'cloned' | 'updated' | 'skipped-offline' | 'skipped-no-remote' | 'failed';

export interface RecipeFetchItem {
  name: string;
  dir: string;
  action: FetchAction;
  /** Where it was cloned or fetched from. */
  source?: string;
  /** Tags that were not there before (all tags after a clone). */
  newTags: string[];
  error?: { message: string; hint?: string; code: string };
}

export interface RecipeFetchResult {
  items: RecipeFetchItem[];
  failed: number;
}

export async function recipeFetch(opts: RecipeFetchOptions, deps: RecipeDeps): Promise<RecipeFetchResult> {
  if (opts.all && opts.target !== undefined)
    throw new UserError('Give either a recipe or --all, not both', {
      hint: 'Use `abra recipe fetch <name>` for one recipe, `abra recipe fetch --all` for all of them.',
      code: 'usage',
    });
  if (!opts.all && opts.target === undefined)
    throw new UserError('Which recipe? No recipe name, URL or path was given', {
      hint: 'Use `abra recipe fetch <name|git-url|path>`, or `abra recipe fetch --all`.',
      code: 'usage',
    });
  if (!opts.all) {
    const source = classifyRecipeTarget(opts.target as string, deps.cwd, deps.home);
    // Only a bare name needs the catalogue; a damaged one must not block fetching by URL.
    const catalogue =
      source.kind === 'name' ? () => freshCatalogue({ offline: opts.offline }, deps) : async () => undefined;
    const item = await fetchOne(source, catalogue, opts.offline, deps);
    return { items: [item], failed: 0 };
  }
  if (opts.offline)
    throw new UserError('--all fetches from the network, but --offline was given', {
      hint: 'Drop --offline (-o) to fetch every recipe.',
      code: 'offline',
    });
  const catalogue = await freshCatalogue({ offline: false }, deps);
  const names = [...new Set([...(catalogue?.keys() ?? []), ...(await deps.recipes.list())])].sort();
  const items = await mapLimited(names, opts.concurrency ?? 4, async (name) => {
    try {
      return await fetchOne({ kind: 'name', name }, async () => catalogue, false, deps);
    } catch (err) {
      if (!isUserError(err)) throw err;
      const item: RecipeFetchItem = {
        name,
        // Not dirOf: a catalogue key may be an invalid name, which is the very error reported.
        dir: join(deps.recipes.root, name),
        action: 'failed',
        newTags: [],
        error: { message: err.message, code: err.code },
      };
      if (err.hint !== undefined && item.error) item.error.hint = err.hint;
      return item;
    }
  });
  return { items, failed: items.filter((i) => i.action === 'failed').length };
}

async function fetchOne(
  source: RecipeSource,
  catalogue: () => Promise<Catalogue | undefined>,
  offline: boolean,
  deps: RecipeDeps,
): Promise<RecipeFetchItem> {
  if (source.kind !== 'name' && source.name === '')
    throw new UserError(
      `Cannot tell the recipe name from "${redactText(source.kind === 'url' ? source.url : source.path)}"`,
      {
        hint: 'The recipe name is the last part of the URL or path (e.g. https://git.example.org/org/wordpress.git).',
        code: 'recipe_name_invalid',
      },
    );
  validateRecipeName(source.name);
  const name = source.name;
  const dir = deps.recipes.dirOf(name);
  const state = await deps.recipes.state(name);
  if (state === 'not-dir') throw notGitRepo(name, dir);
  if (state === 'dir') {
    if (!(await deps.git.isRepo(dir))) throw notGitRepo(name, dir);
    return update(name, dir, source, offline, deps);
  }

  const location = await cloneLocation(source, await catalogue());
  if (offline)
    throw new UserError(`Recipe "${name}" is not fetched yet, and --offline forbids cloning it`, {
      where: dir,
      hint: `Run \`abra recipe fetch ${name}\` without --offline (-o).`,
      code: 'offline',
    });
  await buildInPlace(deps.recipes.root, dir, basename(dir), async (tmp) => {
    deps.events({ type: 'status', message: `cloning recipe ${name} from ${redactText(location)}` });
    try {
      await deps.git.clone(location, tmp);
    } catch (err) {
      if (!isGitError(err)) throw err;
      const shown = redactText(location);
      throw new UserError(`Could not clone recipe "${name}" from ${shown}: ${err.detail}`, {
        where: shown,
        hint:
          err.kind === 'not-found' && source.kind === 'name'
            ? `No repository answers at ${shown}. Check the name (\`abra recipe ls\`), or pass the recipe's git URL.`
            : err.hint,
        code: 'recipe_clone_failed',
        cause: err,
      });
    } finally {
      deps.events({ type: 'status', message: undefined });
    }
  });
  const tags = (await deps.git.tags(dir)).map((t) => t.name);
  return { name, dir, action: 'cloned', source: redactText(location), newTags: tags };
}

async function update(
  name: string,
  dir: string,
  source: RecipeSource,
  offline: boolean,
  deps: RecipeDeps,
): Promise<RecipeFetchItem> {
  const remotes = await deps.git.remotes(dir);
  const remote = remotes.includes('origin') ? 'origin' : remotes[0];
  const origin = remote === undefined ? undefined : await deps.git.remoteUrl(dir, remote);
  const asked = source.kind === 'url' ? source.url : source.kind === 'path' ? source.path : undefined;
  if (asked !== undefined && origin !== undefined && asked !== origin)
    deps.events({
      type: 'warning',
      message: redactText(
        `recipe ${name} is already present, cloned from ${origin}; fetching from there, not ${asked}`,
      ),
    });
  if (offline) return { name, dir, action: 'skipped-offline', newTags: [] };
  if (remote === undefined) return { name, dir, action: 'skipped-no-remote', newTags: [] };
  const before = new Set((await deps.git.tags(dir)).map((t) => t.name));
  deps.events({ type: 'status', message: `fetching recipe ${name} from ${redactText(origin ?? remote)}` });
  try {
    await deps.git.fetchTags(dir, remote);
  } catch (err) {
    if (!isGitError(err)) throw err;
    throw new UserError(
      `Could not fetch recipe "${name}" from ${redactText(origin ?? remote)}: ${err.detail}`,
      {
        where: dir,
        hint: err.hint,
        code: 'recipe_fetch_failed',
        cause: err,
      },
    );
  } finally {
    deps.events({ type: 'status', message: undefined });
  }
  const newTags = (await deps.git.tags(dir)).map((t) => t.name).filter((t) => !before.has(t));
  const item: RecipeFetchItem = { name, dir, action: 'updated', newTags };
  if (origin !== undefined) item.source = redactText(origin);
  return item;
}

async function cloneLocation(source: RecipeSource, catalogue: Catalogue | undefined): Promise<string> {
  if (source.kind === 'url') return source.url;
  if (source.kind === 'path') {
    let isDir = false;
    try {
      isDir = (await stat(source.path)).isDirectory();
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT' && errnoCode(err) !== 'ENOTDIR')
        throw readFailure(source.path, err, 'The recipe source directory');
    }
    if (!isDir)
      throw new UserError(`No directory at ${source.path} to fetch a recipe from`, {
        where: source.path,
        hint: 'Give the path of a git repository (a clone or a bare repo), a git URL, or a recipe name.',
        code: 'recipe_source_missing',
      });
    return source.path;
  }
  const entry = catalogue?.get(source.name);
  // A git path names its own repository; the catalogue may still list it with another URL.
  if (isGitPathName(source.name)) return entry?.repository ?? gitPathUrl(source.name);
  if (catalogue === undefined) return defaultRecipeUrl(source.name);
  if (entry === undefined) {
    const near = [...catalogue.keys()]
      .filter((k) => k.includes(source.name) || source.name.includes(k))
      .slice(0, 5);
    throw new UserError(`Unknown recipe "${source.name}": it is not in the catalogue`, {
      hint:
        (near.length > 0 ? `Did you mean: ${near.join(', ')}? ` : '') +
        `\`abra recipe ls\` lists known recipes. For a recipe outside the catalogue, pass its git URL, e.g. \`abra recipe fetch ${defaultRecipeUrl(source.name)}\`.`,
      code: 'recipe_unknown',
    });
  }
  return entry.repository ?? defaultRecipeUrl(source.name);
}
