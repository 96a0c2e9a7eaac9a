import { readFile, realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { errnoCode, UserError } from '../../errors.js';
import type { GitClient } from '../../infra/git/client.js';
import { SYMLINK_MODE, type TreeEntry } from '../../infra/git/parse.js';
import { isWithin } from '../../infra/store/safe-path.js';

/** Docker refuses configs and secrets over 500 KB; reading more would only waste memory. */
export const MAX_OBJECT_FILE_BYTES = 500 * 1024;
/** Like the kernel's limit on symlinks followed in one lookup (a loop ends here). */
const MAX_LINK_HOPS = 40;

export interface RecipeObjectFileOptions {
  recipeDir: string;
  /** The revision deployed; undefined for the working tree (chaos). */
  rev: string | undefined;
  /** Absolute path as the compose loader resolved `file:`. */
  file: string;
  /** The compose key, e.g. `configs.nginx_conf`. */
  key: string;
  git: Pick<GitClient, 'treeEntry' | 'showFileBytes'>;
}

/**
 * The bytes of a `configs:`/`secrets:` `file:`, read only from the recipe: at `rev` through
 * git (links followed inside the recipe's tree), else from the working tree with every symlink
 * resolved. A recipe is third-party content, so a file outside it (absolute, `../`, or a link
 * leading out) is refused rather than read from the operator's disk and uploaded.
 */
export async function readRecipeObjectFile(opts: RecipeObjectFileOptions): Promise<Buffer> {
  const rel = posix.relative(opts.recipeDir, opts.file);
  if (!isWithin(opts.recipeDir, opts.file) || rel === '') throw outside(opts);
  return opts.rev === undefined ? readWorkingTree(opts) : readAtRev(opts, opts.rev, rel);
}

async function readWorkingTree(opts: RecipeObjectFileOptions): Promise<Buffer> {
  let real: string;
  try {
    real = await realpath(opts.file);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw missing(opts);
    throw err;
  }
  if (!isWithin(await realpath(opts.recipeDir), real)) throw outside(opts, `a symlink leads to ${real}`);
  const st = await stat(real);
  // A FIFO or device would block or never end; only plain files are objects.
  if (!st.isFile()) throw notRegular(opts);
  if (st.size > MAX_OBJECT_FILE_BYTES) throw tooLarge(opts, st.size);
  return readFile(real);
}

/** Resolve `rel` in the tree at `rev` as the kernel would on disk, never leaving the root. */
async function readAtRev(opts: RecipeObjectFileOptions, rev: string, rel: string): Promise<Buffer> {
  const todo = rel.split('/');
  const done: string[] = [];
  let entry: TreeEntry | undefined;
  let hops = 0;
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (done.length === 0) throw outside(opts, `a symlink at ${rev} leads out of the recipe`);
      done.pop();
      continue;
    }
    const path = [...done, part].join('/');
    entry = await opts.git.treeEntry(opts.recipeDir, rev, path);
    if (entry === undefined) throw missing(opts);
    if (entry.mode === SYMLINK_MODE) {
      if (++hops > MAX_LINK_HOPS) throw outside(opts, `too many symlinks at ${rev}`);
      const target = (await opts.git.showFileBytes(opts.recipeDir, rev, path))?.toString('utf8') ?? '';
      if (target === '' || target.startsWith('/'))
        throw outside(opts, `at ${rev}, ${path} is a symlink to ${target}`);
      // The target is relative to the link's directory, which is `done`.
      todo.unshift(...target.split('/'));
      entry = undefined;
      continue;
    }
    if (todo.some((p) => p !== '' && p !== '.') && entry.type !== 'tree') throw missing(opts);
    done.push(part);
  }
  if (entry === undefined || entry.type !== 'blob') throw notRegular(opts);
  const bytes = await opts.git.showFileBytes(opts.recipeDir, rev, done.join('/'));
  if (bytes === undefined) throw missing(opts);
  if (bytes.length > MAX_OBJECT_FILE_BYTES) throw tooLarge(opts, bytes.length);
  return bytes;
}

const WHY_INSIDE =
  'Configs and secrets are read from the recipe only: copy the file into the recipe (committed at the version you deploy) and point `file:` at it relative to the recipe, e.g. `file: nginx.conf`.';

function outside(opts: RecipeObjectFileOptions, how?: string): UserError {
  return new UserError(
    `${opts.key}: file ${opts.file} is outside the recipe${how ? ` (${how})` : ''}; abra does not upload files from this machine`,
    { where: `${opts.key} (file: ${opts.file})`, hint: WHY_INSIDE, code: 'recipe_file_outside' },
  );
}

function missing(opts: RecipeObjectFileOptions): UserError {
  return new UserError(`${opts.key}: file ${opts.file} does not exist${opts.rev ? ` at ${opts.rev}` : ''}`, {
    where: opts.file,
    hint: 'Add the file to the recipe (configs and file secrets are read from it).',
    code: 'compose_file_missing',
  });
}

function notRegular(opts: RecipeObjectFileOptions): UserError {
  return new UserError(`${opts.key}: file ${opts.file} is not a regular file`, {
    where: opts.file,
    hint: 'Point `file:` at a plain file in the recipe (not a directory, pipe or submodule).',
    code: 'recipe_file_not_regular',
  });
}

function tooLarge(opts: RecipeObjectFileOptions, size: number): UserError {
  return new UserError(
    `${opts.key}: file ${opts.file} is ${size} bytes; Docker accepts configs and secrets up to ${MAX_OBJECT_FILE_BYTES}`,
    {
      where: opts.file,
      hint: 'Shrink the file, or put the data in a volume instead of a config or secret.',
      code: 'recipe_file_too_large',
    },
  );
}
