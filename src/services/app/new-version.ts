import { join } from 'node:path';
import { decodeLossless } from '../../domain/env/bytes.js';
import { UserError } from '../../errors.js';
import type { GitClient } from '../../infra/git/client.js';
import { readBytesIfExists } from '../../infra/store/read.js';
import type { Deps } from '../deps.js';
import { resolveRelease } from '../release/resolve.js';

export interface NewAppSource {
  /** What to read the recipe at: a tag or commit; undefined = the working tree (--chaos). */
  rev: string | undefined;
  /** What TYPE/RECIPE records after `:`. */
  version: string | undefined;
  /** For messages: `1.2.0+1.27.2`, `commit 1a2b3c4d`, `working tree`. */
  label: string;
  warnings: string[];
}

const ENV_SAMPLE = '.env.sample';

/**
 * Which recipe version a new app starts from: the same rules as every other reader of a
 * recipe (resolveRelease): the version asked for, the working tree with --chaos (recording no
 * version), else the latest release, else the current commit of an unreleased recipe.
 */
export async function newAppSource(
  recipe: string,
  opts: { version: string | undefined; chaos: boolean },
  deps: Pick<Deps, 'paths' | 'git'>,
): Promise<NewAppSource> {
  const r = await resolveRelease({ recipe, version: opts.version, chaos: opts.chaos }, deps);
  if (r.kind === 'chaos')
    return { rev: undefined, version: undefined, label: 'working tree', warnings: r.warnings };
  return {
    rev: r.rev,
    version: r.envVersion,
    label: r.kind === 'commit' ? `commit ${r.label}` : r.label,
    warnings: r.warnings,
  };
}

/** The recipe's .env.sample at a revision, or in the working tree. */
export async function readSample(
  dir: string,
  recipe: string,
  source: NewAppSource,
  git: Pick<GitClient, 'showFileBytes' | 'listFiles'>,
): Promise<string> {
  if (source.rev !== undefined) {
    // Lossless text: a Latin-1 sample reaches the app env with its bytes unchanged.
    const bytes = await git.showFileBytes(dir, source.rev, ENV_SAMPLE);
    if (bytes === undefined) throw await missingSample(dir, recipe, source, git);
    return decodeLossless(bytes);
  }
  const path = join(dir, ENV_SAMPLE);
  const bytes = await readBytesIfExists(path, "The recipe's .env.sample");
  if (bytes === undefined) throw await missingSample(dir, recipe, source, git);
  return decodeLossless(bytes);
}

/** No top-level .env.sample: say where one is when the recipe keeps it in a subfolder. */
async function missingSample(
  dir: string,
  recipe: string,
  source: NewAppSource,
  git: Pick<GitClient, 'listFiles'>,
): Promise<UserError> {
  const where = source.rev === undefined ? join(dir, ENV_SAMPLE) : `${dir} (${source.rev}:${ENV_SAMPLE})`;
  // Listing the tree is only a better message: a failure to list leaves the plain one.
  const files = await git.listFiles(dir, source.rev).catch(() => [] as string[]);
  const nested = files.filter((f) => f.endsWith(`/${ENV_SAMPLE}`)).slice(0, 3);
  if (nested.length > 0)
    return new UserError(
      `Recipe ${recipe} has no .env.sample at its top level (${source.label}), only in a subfolder: ${nested.join(', ')}`,
      {
        where,
        hint:
          `abra reads the .env.sample next to compose.yml. Move it there in the recipe ` +
          `(\`git -C ${dir} mv ${nested[0]} ${ENV_SAMPLE}\`, then commit and release it), or ask its maintainers to.`,
        code: 'recipe_no_env_sample',
      },
    );
  return new UserError(
    `Recipe ${recipe} has no .env.sample (${source.label}), so no app can be made from it`,
    {
      where,
      hint: 'A recipe must ship a .env.sample (lint R008); add one, or choose a version that has it.',
      code: 'recipe_no_env_sample',
    },
  );
}
