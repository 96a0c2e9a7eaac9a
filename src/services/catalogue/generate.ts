import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildEntry, renderCatalogue } from '../../domain/catalogue/entry.js';
import { readmeFacts } from '../../domain/catalogue/features.js';
import { warn } from '../../domain/events/types.js';
import { isDigest, registryRepo } from '../../domain/registry/reference.js';
import { errorMessage, isUserError, UserError } from '../../errors.js';
import { writeFileAtomic } from '../../infra/store/atomic.js';
import type { CachedRecipe } from '../../infra/store/catalogue-cache.js';
import { readIfExists } from '../../infra/store/read.js';
import { validateRecipeName } from '../../infra/store/recipes.js';
import { recipeFetch } from '../recipe/fetch.js';
import { mapLimited } from '../recipe/limit.js';
import { localRecipeDir } from '../recipe/local.js';
import { recipeVersions } from '../recipe/versions.js';
import type { CatalogueDeps } from './deps.js';

export interface CatalogueGenerateOptions {
  /** Recipes to (re)build; empty = every fetched recipe. Other entries are kept as they are. */
  recipes: string[];
  /** Fetch each recipe's new tags first (default); false = `--skip-updates`. */
  update: boolean;
  /** Ask registries for each image's digest (default); false = `--no-digests`. */
  digests: boolean;
  offline: boolean;
  /** Write nothing (neither recipes.json nor the cache); report what would change. */
  dryRun: boolean;
  /** Commit recipes.json in the catalogue clone and push it. */
  publish: boolean;
  concurrency?: number;
}

export interface CatalogueRecipeResult {
  name: string;
  /** `built`: read from git (and the registry); `cached`: its tags had not changed. */
  state: 'built' | 'cached';
  versions: number;
  latest?: string;
}

export interface CatalogueGenerateResult {
  file: string;
  recipes: CatalogueRecipeResult[];
  /** Entries in the written catalogue. */
  total: number;
  /** recipes.json differs from what was there. */
  changed: boolean;
  dryRun: boolean;
  published?: { commit: string; remote: string } | { nothingToCommit: true };
}

const COMMIT_MESSAGE = 'chore: publish new catalogue release changes';

export async function catalogueGenerate(
  opts: CatalogueGenerateOptions,
  deps: CatalogueDeps,
): Promise<CatalogueGenerateResult> {
  const all = opts.recipes.length === 0;
  // Names only: a path or URL here would be fetched from before it is refused.
  for (const n of opts.recipes) validateRecipeName(n);
  const names = all ? await deps.recipes.list() : [...new Set(opts.recipes)];
  if (names.length === 0)
    throw new UserError('There are no recipes to put in the catalogue', {
      where: deps.recipes.root,
      hint: 'Fetch recipes first (`abra recipe fetch <recipe>`), or name them: `abra catalogue generate <recipe>...`.',
      code: 'catalogue_no_recipes',
    });
  const file = join(deps.paths.catalogue, 'recipes.json');
  const before = await readIfExists(file, 'The recipe catalogue');
  const existing = parseExisting(before, file);
  if (opts.publish && !(await deps.git.isRepo(deps.paths.catalogue)))
    throw new UserError(`${deps.paths.catalogue} is not a git clone, so --publish has nowhere to push`, {
      where: deps.paths.catalogue,
      hint: 'Clone the catalogue repository there first (`abra catalogue sync`), or drop --publish.',
      code: 'catalogue_not_git',
    });

  const cache = await deps.cache.read();
  const digests = opts.digests && !opts.offline;
  const digestOf = digestLookup(deps);
  const built = await mapLimited(names, opts.concurrency ?? 4, async (name) => {
    if (opts.update && !opts.offline) {
      const fetched = await recipeFetch({ target: name, all: false, offline: false }, deps);
      for (const item of fetched.items)
        if (item.action === 'failed') throw new UserError(item.error?.message ?? `fetching ${name} failed`);
    }
    const dir = await localRecipeDir(name, deps);
    // Tags, branches and remote-tracking refs in one git call: when none moved, nothing the
    // entry is built from (tags, the default branch's README, the origin) can have changed.
    const key = createHash('sha256')
      .update(JSON.stringify([await deps.git.refsFingerprint(dir), digests]))
      .digest('hex');
    const hit = cache.get(name);
    if (hit?.key === key) return { name, state: 'cached' as const, cached: hit };

    const branch = (await deps.git.defaultBranch(dir)) ?? 'main';
    const head =
      (await deps.git.resolveCommit(dir, `refs/remotes/origin/${branch}`)) ??
      (await deps.git.resolveCommit(dir, 'HEAD')) ??
      '';
    const res = await recipeVersions({ name, offline: true }, deps);
    if (res.versions.length === 0) {
      if (!all)
        throw new UserError(
          `Recipe ${name} has no version tags, so the catalogue has nothing to list for it`,
          {
            where: dir,
            hint: `Publish a release first (an annotated tag X.Y.Z+upstream; \`abra recipe versions ${name}\` shows what is tagged).`,
            code: 'catalogue_no_versions',
          },
        );
      warn(deps.events, `recipe ${name} has no version tags; listed without versions`);
    }
    const readme = await deps.git.showFile(dir, head || 'HEAD', 'README.md');
    if (readme === undefined) warn(deps.events, `recipe ${name} has no README.md on ${branch}: no metadata`);
    const facts = readmeFacts(readme);
    const remote = (await deps.git.remoteUrl(dir, 'origin')) ?? '';
    const versions = await Promise.all(
      res.versions.map(async (v) => ({
        version: v.version,
        services: await Promise.all(
          v.services.map(async (s) => {
            const digest = s.digest ?? (digests ? await digestOf(s.image, s.tag) : undefined);
            return digest === undefined ? s : { ...s, digest };
          }),
        ),
      })),
    );
    const entry = buildEntry({ name, ...facts, defaultBranch: branch, remote, versions });
    return { name, state: 'built' as const, cached: { key, entry } satisfies CachedRecipe };
  });

  const merged = new Map<string, unknown>(Object.entries(existing));
  const nextCache = new Map(cache);
  for (const b of built) {
    merged.set(b.name, b.cached.entry);
    nextCache.set(b.name, b.cached);
  }
  const text = renderCatalogue(merged);
  const changed = text !== before;
  const result: CatalogueGenerateResult = {
    file,
    recipes: built.map((b) => {
      const r: CatalogueRecipeResult = {
        name: b.name,
        state: b.state,
        versions: b.cached.entry.versions.length,
      };
      const latest = b.cached.entry.versions.at(-1);
      if (latest) r.latest = Object.keys(latest)[0] as string;
      return r;
    }),
    total: merged.size,
    changed,
    dryRun: opts.dryRun,
  };
  if (opts.dryRun) return result;
  if (changed) {
    await mkdir(deps.paths.catalogue, { recursive: true });
    await writeFileAtomic(file, text, 0o644);
  }
  await deps.cache.write(nextCache);
  if (opts.publish) result.published = await publish(deps);
  return result;
}

/** Digests per image:tag, asked once per run; a tag the registry does not have is a warning. */
function digestLookup(deps: CatalogueDeps): (image: string, tag: string) => Promise<string | undefined> {
  const seen = new Map<string, Promise<string | undefined>>();
  return (image, tag) => {
    const repo = registryRepo(image);
    if (repo === undefined || tag === '' || tag.includes('${')) return Promise.resolve(undefined);
    const key = `${repo.host}/${repo.path}:${tag}`;
    let p = seen.get(key);
    if (p === undefined) {
      p = deps.registry.digest(repo, tag).then(
        (d) => (isDigest(d) ? d : undefined),
        (err: unknown) => {
          // Unreachable or failing registries stop the run (EngineError); a missing or private
          // image only loses its digest.
          if (!isUserError(err)) throw err;
          warn(deps.events, `no digest for ${image}:${tag}: ${errorMessage(err)}`);
          return undefined;
        },
      );
      seen.set(key, p);
    }
    return p;
  };
}

function parseExisting(text: string | undefined, file: string): Record<string, unknown> {
  if (text === undefined) return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`The recipe catalogue is not valid JSON: ${errorMessage(err)}`, {
      where: file,
      hint: 'Restore it (`git -C <catalogue dir> checkout -- recipes.json`) or delete it to build a new one.',
      code: 'catalogue_invalid',
      cause: err,
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new UserError('The recipe catalogue is not a JSON object keyed by recipe name', {
      where: file,
      hint: 'Restore it (`git -C <catalogue dir> checkout -- recipes.json`) or delete it to build a new one.',
      code: 'catalogue_invalid',
    });
  return data as Record<string, unknown>;
}

async function publish(
  deps: CatalogueDeps,
): Promise<{ commit: string; remote: string } | { nothingToCommit: true }> {
  const dir = deps.paths.catalogue;
  const dirty = (await deps.git.status(dir)).some((e) => e.path === 'recipes.json');
  if (!dirty) return { nothingToCommit: true };
  const remote = (await deps.git.remoteUrl(dir, 'origin')) ?? '';
  if (remote === '')
    throw new UserError(`The catalogue clone ${dir} has no "origin" remote to publish to`, {
      where: dir,
      hint: 'Add one (`git -C <dir> remote add origin <url>`), then run `abra catalogue generate --publish` again.',
      code: 'catalogue_no_remote',
    });
  await deps.git.add(dir, ['recipes.json']);
  const commit = await deps.git.commit(dir, COMMIT_MESSAGE);
  try {
    await deps.git.push(dir, 'origin', ['HEAD']);
  } catch (err) {
    throw new UserError(`The catalogue was committed (${commit.slice(0, 8)}) but pushing it failed`, {
      where: dir,
      hint: `Fix access to ${remote}, then push by hand: \`git -C ${dir} push origin HEAD\`.`,
      code: 'catalogue_push_failed',
      cause: err,
    });
  }
  return { commit, remote };
}
