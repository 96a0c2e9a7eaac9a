// Local files <-> tar streams for `abra app cp`. Packing streams file contents (nothing is
// read whole); extracting treats the archive as hostile: it comes from a container, which may
// be compromised, so no entry may land outside the target, whatever its name or links say.

import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readlink,
  rename,
  rm,
  symlink,
  utimes,
} from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { UserError } from '../../errors.js';
import { END_OF_ARCHIVE, encodeHeader, padding, readTar, type TarHeader } from './tar.js';

/** A tar stream of `path` (file, directory tree or symlink), its top entry named `name`. */
export function packPath(path: string, name: string): Readable {
  return Readable.from(packEntries(path, name), { objectMode: false });
}

async function* packEntries(path: string, name: string): AsyncGenerator<Buffer> {
  yield* packOne(path, name);
  yield END_OF_ARCHIVE;
}

async function* packOne(path: string, name: string): AsyncGenerator<Buffer> {
  const st = await lstat(path);
  const mtime = Math.floor(st.mtimeMs / 1000);
  const mode = st.mode & 0o7777;
  if (st.isDirectory()) {
    yield encodeHeader({ name, type: 'directory', mode, size: 0, mtime, linkname: '' });
    for (const child of (await readdir(path)).sort()) yield* packOne(join(path, child), `${name}/${child}`);
  } else if (st.isSymbolicLink()) {
    yield encodeHeader({ name, type: 'symlink', mode, size: 0, mtime, linkname: await readlink(path) });
  } else if (st.isFile()) {
    yield encodeHeader({ name, type: 'file', mode, size: st.size, mtime, linkname: '' });
    let sent = 0;
    for await (const chunk of createReadStream(path, { end: st.size > 0 ? st.size - 1 : 0 })) {
      if (st.size === 0) break;
      sent += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (sent !== st.size)
      throw new UserError(`${path} changed size while it was being copied`, {
        hint: 'Copy it again once nothing is writing to it.',
        code: 'cp_source_changed',
      });
    const pad = padding(st.size);
    if (pad > 0) yield Buffer.alloc(pad);
  }
  // Sockets, fifos and devices are not copied (docker cp skips them as well).
}

export class UnsafeArchiveError extends UserError {
  constructor(entry: string, why: string) {
    super(`Refused to copy: the archive entry "${entry}" ${why}`, {
      hint: 'Nothing was written outside the target; the copy was abandoned. The container may hold a hostile or unusual file: inspect it with `abra app run`.',
      code: 'cp_unsafe_entry',
    });
    this.name = 'UnsafeArchiveError';
  }
}

/** Normalised relative parts of an entry name; refuses absolute names and `..`. */
function safeParts(raw: string, entry: string): string[] {
  if (raw.startsWith('/')) throw new UnsafeArchiveError(entry, 'has an absolute path');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new UnsafeArchiveError(entry, 'climbs out with ".."');
  if (parts.length === 0) throw new UnsafeArchiveError(entry, 'has an empty name');
  return parts;
}

export interface ExtractResult {
  /** The top entry's name in the archive (the copied file or directory). */
  top: string;
  topType: TarHeader['type'];
  files: number;
  bytes: number;
  skipped: string[];
}

/**
 * Extract an archive whose entries all live under one top entry into a fresh staging directory
 * inside `stagingParent`, then move the top entry to `target` (merging into an existing
 * directory, replacing an existing file). Entries that would escape (absolute, `..`, through a
 * symlink, a symlink or hard link pointing out) abort the copy and the staging directory is
 * removed, so nothing of a refused archive stays behind.
 */
export async function extractTo(stream: Readable, target: string): Promise<ExtractResult> {
  const staging = await mkdtemp(join(dirname(target), '.abra-cp-'));
  const symlinks = new Set<string>();
  const written = new Set<string>();
  const dirModes: [string, number, number][] = [];
  const result: ExtractResult = { top: '', topType: 'other', files: 0, bytes: 0, skipped: [] };
  try {
    await readTar(stream, async (h, pipe) => {
      const parts = safeParts(h.name, h.name);
      if (result.top === '') {
        result.top = parts[0]!;
        result.topType = parts.length === 1 ? h.type : 'directory';
      } else if (parts[0] !== result.top)
        throw new UnsafeArchiveError(h.name, `is outside the copied "${result.top}"`);
      for (let i = 1; i < parts.length; i++)
        if (symlinks.has(parts.slice(0, i).join('/')))
          throw new UnsafeArchiveError(h.name, 'would be written through a symbolic link');
      const rel = parts.join('/');
      const dest = join(staging, ...parts);
      if (parts.length > 1) await mkdir(dirname(dest), { recursive: true });
      switch (h.type) {
        case 'directory':
          await mkdir(dest, { recursive: true });
          dirModes.push([dest, h.mode, h.mtime]);
          return;
        case 'symlink': {
          if (posix.isAbsolute(h.linkname))
            throw new UnsafeArchiveError(h.name, `is a symbolic link to the absolute path ${h.linkname}`);
          const resolved = posix.normalize(posix.join(posix.dirname(rel), h.linkname));
          if (resolved !== result.top && !resolved.startsWith(`${result.top}/`))
            throw new UnsafeArchiveError(
              h.name,
              `is a symbolic link pointing outside the copy (${h.linkname})`,
            );
          await symlink(h.linkname, dest);
          symlinks.add(rel);
          return;
        }
        case 'hardlink': {
          const to = safeParts(h.linkname, h.name).join('/');
          if (!written.has(to))
            throw new UnsafeArchiveError(
              h.name,
              `is a hard link to ${h.linkname}, which is not a file of the copy`,
            );
          await link(join(staging, ...to.split('/')), dest);
          return;
        }
        case 'file': {
          const fh = await open(dest, 'wx', 0o600);
          try {
            const out = fh.createWriteStream();
            await pipe(async (chunk) => {
              if (!out.write(chunk)) await once(out, 'drain');
            });
            out.end();
            await once(out, 'finish');
          } finally {
            await fh.close().catch(() => {});
          }
          await chmod(dest, h.mode & 0o7777);
          await utimes(dest, h.mtime, h.mtime).catch(() => {});
          written.add(rel);
          result.files++;
          result.bytes += h.size;
          return;
        }
        default:
          result.skipped.push(h.name);
      }
    });
    if (result.top === '')
      throw new UserError('The container sent an empty archive', { code: 'cp_empty_archive' });
    // Directory modes last, deepest first: a read-only directory must not stop its own filling.
    for (const [dir, mode, mtime] of dirModes.reverse()) {
      await chmod(dir, mode & 0o7777);
      await utimes(dir, mtime, mtime).catch(() => {});
    }
    await moveInto(join(staging, result.top), target);
    return result;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Move `from` to `to`: rename when `to` is free, merge directories, replace a file by a file. */
async function moveInto(from: string, to: string): Promise<void> {
  const src = await lstat(from);
  const dst = await lstat(to).catch(() => undefined);
  if (dst === undefined) return rename(from, to);
  if (src.isDirectory() && dst.isDirectory()) {
    for (const child of await readdir(from)) await moveInto(join(from, child), join(to, child));
    return;
  }
  if (!src.isDirectory() && !dst.isDirectory()) return rename(from, to);
  throw new UserError(
    `Cannot copy a ${src.isDirectory() ? 'directory' : 'file'} onto the ${dst.isDirectory() ? 'directory' : 'file'} ${to}`,
    { hint: 'Choose another destination path.', code: 'cp_type_mismatch' },
  );
}
