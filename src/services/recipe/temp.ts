import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoCode, UserError } from '../../errors.js';

/**
 * Build a recipe directory next to its final place and rename it in only when complete, so
 * a failure (or a crash) never leaves a half-made recipe where abra would pick it up. Dot
 * names are skipped by `recipe ls`. If `recipes/` itself had to be created and the build
 * fails, it is removed again: a failed command leaves the tree as it found it.
 */
export async function buildInPlace(
  root: string,
  finalDir: string,
  name: string,
  build: (tmp: string) => Promise<void>,
): Promise<void> {
  const createdRoot = await mkdir(root, { recursive: true });
  const tmp = join(root, `.${name}.abra-tmp-${randomBytes(4).toString('hex')}`);
  try {
    await build(tmp);
    try {
      await rename(tmp, finalDir);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR')
        throw new UserError(`${finalDir} appeared while abra was working on it`, {
          where: finalDir,
          hint: 'Another abra may be running. Check the directory and run the command again.',
          code: 'recipe_race',
          cause: err,
        });
      throw err;
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (createdRoot !== undefined) await removeCreated(root, createdRoot);
    throw err;
  }
}

/** rmdir from `dir` up to `top` (what `mkdir -p` created); stops at the first non-empty one. */
async function removeCreated(dir: string, top: string): Promise<void> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return;
    }
    if (d === top || dirname(d) === d) return;
  }
}
