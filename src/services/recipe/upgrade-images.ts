import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { warn } from '../../domain/events/types.js';
import { splitImageRef } from '../../domain/recipe/image.js';
import { type RegistryRepo, registryRepo } from '../../domain/registry/reference.js';
import { rewriteImages } from '../../domain/upgrade/rewrite.js';
import {
  type BumpLevel,
  type TagCandidate,
  tagStyle,
  upgradeCandidates,
} from '../../domain/upgrade/tag-style.js';
import { errorMessage, isUserError, UserError } from '../../errors.js';
import type { RegistryClient } from '../../infra/registry/client.js';
import { writeFileAtomic } from '../../infra/store/atomic.js';
import { readFailure } from '../../infra/store/read.js';
import { readBoundedBytes } from '../../infra/store/read-file.js';
import type { PromptChoice } from '../deps.js';
import type { RecipeDeps } from './deps.js';
import { localRecipeDir } from './local.js';

export interface RecipeUpgradeOptions {
  name: string;
  /** The biggest step allowed (`--major/--minor/--patch`); any newer tag by default. */
  level?: BumpLevel;
  /** Choose and show, write nothing. */
  dryRun: boolean;
  /** Only list the candidates (`--machine`): no choice, no writes. */
  listOnly: boolean;
}

export interface ImageUpgrade {
  /** Compose file (relative to the recipe) and service where the image is used. */
  file: string;
  service: string;
  /** The reference as written. */
  ref: string;
  image: string;
  tag: string;
  /** Set when the reference pins a digest (it is re-pinned to the new tag's digest). */
  digest?: string;
  candidates: TagCandidate[];
  /** The new reference, when one was chosen. */
  to?: string;
  /** Why this image is not upgraded. */
  skipped?: string;
}

export interface RecipeUpgradeResult {
  recipe: string;
  dir: string;
  level: BumpLevel;
  images: ImageUpgrade[];
  /** Files rewritten (or that would be, with dryRun). */
  files: string[];
  written: boolean;
}

export type UpgradeDeps = RecipeDeps & { registry: Pick<RegistryClient, 'tags' | 'digest'> };

const COMPOSE_FILE = /^compose(?:\.[\w.-]+)?\.ya?ml$/;

/**
 * Newer tags for every image of a recipe's compose files, in each tag's style, from the image's
 * registry; then (unless listing) rewrite the references in place, every other byte untouched.
 */
export async function recipeUpgrade(
  opts: RecipeUpgradeOptions,
  deps: UpgradeDeps,
): Promise<RecipeUpgradeResult> {
  const dir = await localRecipeDir(opts.name, deps);
  const level = opts.level ?? 'major';
  const files = (await readdir(dir)).filter((f) => COMPOSE_FILE.test(f)).sort(composeFirst);
  if (files.length === 0)
    throw new UserError(`Recipe ${opts.name} has no compose.yml`, {
      where: dir,
      hint: 'A recipe keeps its services in compose.yml (and compose.*.yml overlays) at its root.',
      code: 'recipe_no_compose',
    });
  const texts = new Map<string, Buffer>();
  const uses: { file: string; service: string; ref: string }[] = [];
  for (const file of files) {
    const path = join(dir, file);
    if ((await lstat(path)).isSymbolicLink())
      throw new UserError(
        `${file} in recipe ${opts.name} is a symbolic link; upgrade only rewrites files in the recipe`,
        {
          where: path,
          hint: 'Replace the link by the file itself (or upgrade the file it points to by hand).',
          code: 'recipe_compose_symlink',
        },
      );
    let bytes: Buffer;
    try {
      bytes = await readBoundedBytes(path);
    } catch (err) {
      throw isUserError(err) ? err : readFailure(path, err, 'The compose file');
    }
    texts.set(file, bytes);
    for (const [service, ref] of imagesOf(bytes.toString('utf8'), join(dir, file)))
      uses.push({ file, service, ref });
  }

  const tagsOf = memo((repo: RegistryRepo) => deps.registry.tags(repo));
  const decided = new Map<string, Promise<Omit<ImageUpgrade, 'file' | 'service'>>>();
  const decide = (ref: string) => {
    let p = decided.get(ref);
    if (p === undefined) {
      p = decideOne(ref, level, opts, deps, tagsOf);
      decided.set(ref, p);
    }
    return p;
  };
  // One question at a time when asking; registries are asked in parallel otherwise.
  const images: ImageUpgrade[] = [];
  if (deps.prompt.interactive && !opts.listOnly)
    for (const u of uses) images.push({ ...u, ...(await decide(u.ref)) });
  else images.push(...(await Promise.all(uses.map(async (u) => ({ ...u, ...(await decide(u.ref)) })))));

  const replacements = new Map<string, string>();
  for (const i of images) if (i.to !== undefined) replacements.set(i.ref, i.to);
  const changed: { file: string; text: string }[] = [];
  for (const file of files) {
    // latin1 maps bytes 1:1, so bytes that are not UTF-8 survive the rewrite unchanged.
    const res = rewriteImages((texts.get(file) as Buffer).toString('latin1'), replacements);
    if (res.changes.length > 0) changed.push({ file, text: res.text });
    const done = new Set(res.changes.map((c) => c.from));
    for (const i of images)
      if (i.file === file && i.to !== undefined && !done.has(i.ref)) {
        // Only `image: <ref>` lines are rewritten (flow mappings, anchors and multi-line
        // scalars are left to the maintainer rather than risk reformatting the file).
        warn(
          deps.events,
          `${file}: service ${i.service}: no \`image: ${i.ref}\` line to rewrite; change it by hand`,
        );
        i.skipped = 'no plain `image:` line to rewrite';
        delete i.to;
      }
  }
  const write = !opts.dryRun && !opts.listOnly && changed.length > 0;
  if (write)
    for (const c of changed) {
      const path = join(dir, c.file);
      const mode = (await stat(path)).mode & 0o777;
      await writeFileAtomic(path, Buffer.from(c.text, 'latin1'), mode);
    }
  return { recipe: opts.name, dir, level, images, files: changed.map((c) => c.file), written: write };
}

async function decideOne(
  ref: string,
  level: BumpLevel,
  opts: RecipeUpgradeOptions,
  deps: UpgradeDeps,
  tagsOf: (repo: RegistryRepo) => Promise<string[]>,
): Promise<Omit<ImageUpgrade, 'file' | 'service'>> {
  const { image, tag, digest } = splitImageRef(ref);
  const base: Omit<ImageUpgrade, 'file' | 'service'> = { ref, image, tag, candidates: [] };
  if (digest !== undefined) base.digest = digest;
  const skip = (skipped: string) => ({ ...base, skipped });
  if (ref.includes('${')) return skip('the reference uses a variable');
  if (tag === '') return skip(digest ? 'pinned by digest without a tag' : 'no tag (latest)');
  if (tagStyle(tag) === undefined) return skip(`tag "${tag}" names no version`);
  const repo = registryRepo(image);
  if (repo === undefined) return skip('not an image name a registry serves');
  let tags: string[];
  try {
    tags = await tagsOf(repo);
  } catch (err) {
    // A missing or private image is this image's problem; a failing registry stops the run.
    if (!isUserError(err)) throw err;
    warn(deps.events, `${ref}: ${errorMessage(err)}`);
    return skip(errorMessage(err));
  }
  const candidates = upgradeCandidates(tag, tags, level);
  const out = { ...base, candidates };
  if (candidates.length === 0 || opts.listOnly) return out;
  let chosen = (candidates.at(-1) as TagCandidate).tag;
  if (deps.prompt.interactive) {
    const keep = `keep ${tag}`;
    const answer = await deps.prompt.select(
      `Upgrade ${image}:${tag} to`,
      [
        ...[...candidates].reverse().map((c): PromptChoice => ({ value: c.tag, hint: c.level })),
        { value: keep },
      ],
      { initial: chosen },
    );
    if (answer === keep) return out;
    chosen = answer;
  }
  const pin = digest === undefined ? '' : `@${await deps.registry.digest(repo, chosen)}`;
  return { ...out, to: `${image}:${chosen}${pin}` };
}

/** service -> image reference, for the services of one compose file that name an image. */
function imagesOf(text: string, path: string): [string, string][] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { merge: true });
  } catch (err) {
    throw new UserError(`${path} is not valid YAML: ${errorMessage(err).split('\n')[0]}`, {
      where: path,
      hint: 'Fix the file (`abra recipe lint <recipe>` names the problem), then run the upgrade again.',
      code: 'compose_invalid',
    });
  }
  const services = isObject(doc) && isObject(doc.services) ? doc.services : {};
  return Object.entries(services).flatMap(([service, def]): [string, string][] =>
    isObject(def) && typeof def.image === 'string' && def.image !== '' ? [[service, def.image]] : [],
  );
}

function memo<K, V>(fn: (k: K) => Promise<V>): (k: K) => Promise<V> {
  const seen = new Map<string, Promise<V>>();
  return (k) => {
    const key = JSON.stringify(k);
    let p = seen.get(key);
    if (p === undefined) {
      p = fn(k);
      seen.set(key, p);
    }
    return p;
  };
}

function composeFirst(a: string, b: string): number {
  if (a === 'compose.yml') return -1;
  if (b === 'compose.yml') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
