// A minimal streaming tar (ustar + pax) writer and reader for `abra app cp`: the Engine API's
// archive endpoints speak tar, and a copy of a large file must never be held in memory, so
// entries are produced from and consumed into streams, one 512-byte block at a time.

import type { Readable } from 'node:stream';

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarHeader {
  /** Path inside the archive, `/`-separated, as stored (directories may end in `/`). */
  name: string;
  type: EntryType;
  mode: number;
  size: number;
  mtime: number;
  /** Target of a symlink or hard link. */
  linkname: string;
}

const BLOCK = 512;

// --- writing -------------------------------------------------------------------------------

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function rawHeader(fields: {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(fields.name, 0, 100, 'utf8');
  b.write(octal(fields.mode & 0o7777, 8), 100, 'ascii');
  b.write(octal(0, 8), 108, 'ascii');
  b.write(octal(0, 8), 116, 'ascii');
  b.write(octal(fields.size, 12), 124, 'ascii');
  b.write(octal(Math.max(0, Math.floor(fields.mtime)), 12), 136, 'ascii');
  b.write('        ', 148, 'ascii');
  b.write(fields.typeflag, 156, 'ascii');
  b.write(fields.linkname, 157, 100, 'utf8');
  b.write('ustar\x0000', 257, 'ascii');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return b;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

const fitsUstar = (s: string) => Buffer.byteLength(s) <= 100 && /^[\x20-\x7e]*$/.test(s);
const MAX_OCTAL_SIZE = 0o77777777777;

/** The header block(s) of one entry: a pax extended header first when a field does not fit. */
export function encodeHeader(h: TarHeader): Buffer {
  const typeflag = { file: '0', directory: '5', symlink: '2', hardlink: '1', other: '0' }[h.type];
  const name = h.type === 'directory' && !h.name.endsWith('/') ? `${h.name}/` : h.name;
  let pax = '';
  if (!fitsUstar(name)) pax += paxRecord('path', name);
  if (!fitsUstar(h.linkname)) pax += paxRecord('linkpath', h.linkname);
  if (h.size > MAX_OCTAL_SIZE) pax += paxRecord('size', String(h.size));
  const main = rawHeader({
    name: fitsUstar(name) ? name : 'pax-entry',
    mode: h.mode,
    size: h.size > MAX_OCTAL_SIZE ? 0 : h.size,
    mtime: h.mtime,
    typeflag,
    linkname: fitsUstar(h.linkname) ? h.linkname : '',
  });
  if (!pax) return main;
  const data = Buffer.from(pax, 'utf8');
  const ext = rawHeader({
    name: 'PaxHeader',
    mode: 0o644,
    size: data.length,
    mtime: h.mtime,
    typeflag: 'x',
    linkname: '',
  });
  return Buffer.concat([ext, data, Buffer.alloc(padding(data.length)), main]);
}

export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** The two zero blocks that end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

// --- reading -------------------------------------------------------------------------------

/** Pulls exact byte counts out of a stream without buffering more than one chunk. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  private readonly it: AsyncIterator<Buffer>;

  constructor(stream: Readable) {
    this.it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.it.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? next.value : Buffer.concat([this.buf, next.value]);
    return true;
  }

  /** Exactly n bytes, or undefined at a clean end of stream. */
  async read(n: number): Promise<Buffer | undefined> {
    while (this.buf.length < n) {
      if (!(await this.fill())) {
        if (this.buf.length === 0) return undefined;
        throw new TarFormatError('the archive ends in the middle of an entry');
      }
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Hand n bytes to `sink` chunk by chunk (awaiting it: backpressure), then skip the padding. */
  async pass(n: number, sink: (chunk: Buffer) => Promise<void>): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill()))
        throw new TarFormatError('the archive ends in the middle of a file');
      const take = this.buf.subarray(0, Math.min(left, this.buf.length));
      this.buf = this.buf.subarray(take.length);
      left -= take.length;
      await sink(take);
    }
    const pad = padding(n);
    if (pad > 0 && (await this.read(pad)) === undefined) throw new TarFormatError('the archive is truncated');
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

function cString(b: Buffer, start: number, len: number): string {
  const field = b.subarray(start, start + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function parseNumber(b: Buffer, start: number, len: number): number {
  const field = b.subarray(start, start + len);
  if ((field[0]! & 0x80) !== 0) {
    // GNU base-256 for large values.
    let v = 0;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i]!;
    return v;
  }
  const text = cString(b, start, len).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`bad number field "${text}" in a tar header`);
  return Number.parseInt(text, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const sp = data.indexOf(0x20, at);
    if (sp < 0) break;
    const len = Number(data.subarray(at, sp).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0 || at + len > data.length) break;
    const kv = data.subarray(sp + 1, at + len - 1).toString('utf8');
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
    at += len;
  }
  return out;
}

const MAX_META = 1024 * 1024;

/**
 * Read an archive entry by entry. `onEntry` receives each header and, for files, a `pipe`
 * that streams the content to a sink; content not piped is skipped.
 */
export async function readTar(
  stream: Readable,
  onEntry: (h: TarHeader, pipe: (sink: (chunk: Buffer) => Promise<void>) => Promise<void>) => Promise<void>,
): Promise<void> {
  const r = new ByteReader(stream);
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      const block = await r.read(BLOCK);
      if (block === undefined || block.every((x) => x === 0)) return;
      const stored = parseNumber(block, 148, 8);
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
      if (sum !== stored) throw new TarFormatError('a tar header has a bad checksum');
      const typeflag = String.fromCharCode(block[156]!);
      let size = parseNumber(block, 124, 12);
      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        if (size > MAX_META) throw new TarFormatError('a tar metadata entry is implausibly large');
        const chunks: Buffer[] = [];
        await r.pass(size, async (c) => {
          chunks.push(Buffer.from(c));
        });
        const data = Buffer.concat(chunks);
        const text = data.toString('utf8');
        if (typeflag === 'x') pax = { ...pax, ...parsePax(data) };
        else if (typeflag === 'L') longName = text.replace(/\0+$/, '');
        else if (typeflag === 'K') longLink = text.replace(/\0+$/, '');
        continue;
      }
      const magic = block.subarray(257, 262).toString('ascii');
      const prefix = magic === 'ustar' ? cString(block, 345, 155) : '';
      let name = cString(block, 0, 100);
      if (prefix) name = `${prefix}/${name}`;
      name = pax.path ?? longName ?? name;
      const linkname = pax.linkpath ?? longLink ?? cString(block, 157, 100);
      if (pax.size !== undefined) size = Number(pax.size);
      const type: EntryType =
        typeflag === '0' || typeflag === '\0' || typeflag === '7'
          ? 'file'
          : typeflag === '5'
            ? 'directory'
            : typeflag === '2'
              ? 'symlink'
              : typeflag === '1'
                ? 'hardlink'
                : 'other';
      const header: TarHeader = {
        name,
        type,
        mode: parseNumber(block, 100, 8),
        size: type === 'file' || type === 'other' ? size : 0,
        mtime: pax.mtime !== undefined ? Number(pax.mtime) : parseNumber(block, 136, 12),
        linkname,
      };
      pax = {};
      longName = undefined;
      longLink = undefined;
      let consumed = false;
      await onEntry(header, async (sink) => {
        consumed = true;
        await r.pass(header.size, sink);
      });
      if (!consumed) await r.pass(header.size, async () => {});
    }
  } finally {
    await r.close();
  }
}
