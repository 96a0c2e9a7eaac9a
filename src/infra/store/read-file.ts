import { constants, open } from 'node:fs/promises';
import { UserError } from '../../errors.js';

/** Compose files, env files, .env.sample and abra.sh: far larger than any real one. */
export const MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024;

export interface ReadTextOptions {
  maxBytes?: number;
  /** Refuse bytes that are not UTF-8 (as docker's YAML reader does) instead of replacing them. */
  strictUtf8?: boolean;
}

/**
 * Read a regular file as text, at most `maxBytes`. A FIFO, socket or device is refused
 * instead of read: opening is non-blocking, so a FIFO without a writer cannot hang the
 * command, and the type is checked on the open descriptor, so a swap after a check cannot
 * slip one in. Errors from the file system (ENOENT, EACCES, EISDIR) are passed on as they
 * are, for callers that map them; a directory is reported as EISDIR.
 */
export async function readTextFile(path: string, opts: ReadTextOptions = {}): Promise<string> {
  const bytes = await readBoundedBytes(path, opts);
  return opts.strictUtf8 ? decodeStrict(bytes, path) : bytes.toString('utf8');
}

/** The bytes of a regular file, at most `maxBytes`, with the same refusals as readTextFile. */
export async function readBoundedBytes(path: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
  const max = opts.maxBytes ?? MAX_TEXT_FILE_BYTES;
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (st.isDirectory()) {
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), {
        code: 'EISDIR',
        path,
      });
    }
    if (!st.isFile()) {
      throw new UserError(`${path} is not a regular file (${kindOf(st)})`, {
        where: path,
        hint: 'Replace it with a plain file; abra does not read from pipes, sockets or devices.',
        code: 'file_not_regular',
      });
    }
    if (st.size > max) throw tooLarge(path, max);
    // The size can change between stat and read: read one byte past the bound to notice.
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, filled, buf.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled === buf.length) {
        if (filled > max) throw tooLarge(path, max);
        break;
      }
    }
    return buf.subarray(0, filled);
  } finally {
    await fh.close();
  }
}

function decodeStrict(bytes: Buffer, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Name the line of the first bad byte: decode line by line up to it.
    let line = 1;
    let start = 0;
    for (let nl = bytes.indexOf(10); ; nl = bytes.indexOf(10, start)) {
      const end = nl === -1 ? bytes.length : nl;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, end));
      } catch {
        break;
      }
      if (nl === -1) break;
      line++;
      start = nl + 1;
    }
    throw new UserError(`${path} is not valid UTF-8`, {
      where: `${path}:${line}`,
      hint: 'Save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).',
      code: 'file_not_utf8',
    });
  }
}

function tooLarge(path: string, max: number): UserError {
  return new UserError(`${path} is larger than ${Math.round(max / 1024 / 1024)} MiB`, {
    where: path,
    hint: 'A recipe or env file is a few KiB; check that the path names the right file.',
    code: 'file_too_large',
  });
}

function kindOf(st: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a plain file';
}
