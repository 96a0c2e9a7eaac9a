import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Write a file so that readers see either the old or the new content, never a truncated one:
 * write a sibling temp file, fsync it, then rename over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), tempName(basename(path)));
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

// A name of 255 bytes is valid, so the temp name cannot be that name plus a suffix; keeping a
// short prefix still tells a person which file an interrupted write was for.
const TEMP_PREFIX_CHARS = 32;

/** `.<first 32 characters of name>.<random>.tmp`: at most ~150 bytes whatever the name. */
export function tempName(name: string): string {
  const prefix = [...name].slice(0, TEMP_PREFIX_CHARS).join('');
  return `.${prefix}.${randomBytes(6).toString('hex')}.tmp`;
}
