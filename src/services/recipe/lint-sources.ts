import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ABRA_SH, ENV_SAMPLE, README } from '../../domain/lint/prepare.js';
import { readEnvSample } from '../../domain/lint/sample.js';
import { isRootComposeName, referencedComposeFiles } from '../../domain/lint/variants.js';
import { errnoCode, isUserError } from '../../errors.js';
import { readTextFile } from '../../infra/store/read-file.js';

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

async function readIfFile(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return await readTextFile(path);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}
