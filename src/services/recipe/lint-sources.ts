import { readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ABRA_SH, ENV_SAMPLE, README } from '../../domain/lint/prepare.js';
import { readEnvSample } from '../../domain/lint/sample.js';
import { isRootComposeName, referencedComposeFiles } from '../../domain/lint/variants.js';
import { isUserError } from '../../errors.js';
import { readRegularIfExists } from '../../infra/store/read.js';
import { isWithin } from '../../infra/store/safe-path.js';

const ROOT_FILES = new Set([ENV_SAMPLE, ABRA_SH, README]);

/**
 * The files lint reads, by path relative to the recipe: root compose*.yml, .env.sample,
 * abra.sh, README.md, and overlays that COMPOSE_FILE lines name elsewhere (subdirectories).
 */
export async function readRecipeFiles(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    if (!isRootComposeName(name) && !ROOT_FILES.has(name)) continue;
    const text = await readIfFile(join(dir, name));
    if (text !== undefined) files[name] = text;
  }
  const sample = files[ENV_SAMPLE];
  if (sample === undefined) return files;
  let named: string[] = [];
  try {
    named = referencedComposeFiles(readEnvSample(sample, ENV_SAMPLE));
  } catch (err) {
    // An invalid .env.sample is a lint finding (R008), not a reason to stop reading.
    if (!isUserError(err)) throw err;
  }
  for (const rel of named) {
    const text = await readIfFile(join(dir, rel));
    if (text !== undefined) files[rel] = text;
  }
  return files;
}

function readIfFile(path: string): Promise<string | undefined> {
  return readRegularIfExists(path, 'The recipe file');
}

/** Enough for any real recipe; a tree larger than this is not walked further. */
const MAX_WALK_ENTRIES = 20_000;

/**
 * Recipe-relative paths of the symlinks (outside .git) whose target lies outside the recipe,
 * dangling ones judged by where they point. Symlinked directories are not descended into.
 */
export async function findLinksOut(dir: string): Promise<string[]> {
  const root = await realpath(dir);
  const out: string[] = [];
  let seen = 0;
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (++seen > MAX_WALK_ENTRIES) return;
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (rel === '' && e.name === '.git') continue;
      if (e.isSymbolicLink()) {
        if (!isWithin(root, await targetOf(join(root, path)))) out.push(path);
      } else if (e.isDirectory()) await walk(path);
    }
  };
  await walk('');
  return out;
}

async function targetOf(link: string): Promise<string> {
  try {
    return await realpath(link);
  } catch {
    return resolve(dirname(link), await readlink(link));
  }
}
