import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { extractTo, packPath, UnsafeArchiveError } from '../../src/infra/tar/fs.js';
import { END_OF_ARCHIVE, encodeHeader, padding, readTar, type TarHeader } from '../../src/infra/tar/tar.js';

const root = mkdtempSync(join(tmpdir(), 'abra-tar-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A tar built entry by entry, as a hostile container could send it. */
function archive(entries: (Partial<TarHeader> & { name: string; data?: string })[]): Readable {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    parts.push(
      encodeHeader({
        type: 'file',
        mode: 0o644,
        mtime: 1_700_000_000,
        linkname: '',
        ...e,
        size: e.type === undefined || e.type === 'file' ? data.length : 0,
      }),
    );
    if (data.length > 0) parts.push(data, Buffer.alloc(padding(data.length)));
  }
  parts.push(END_OF_ARCHIVE);
  // Odd chunk sizes: the reader must not depend on block-aligned chunks.
  const all = Buffer.concat(parts);
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += 333) chunks.push(all.subarray(i, i + 333));
  return Readable.from(chunks);
}

describe('tar writer and reader', () => {
  it('round-trips a tree: modes, links, empty and long (pax) names', async () => {
    const src = join(root, 'src');
    const long = `${'x'.repeat(150)}/${'é'.repeat(60)}.txt`;
    mkdirSync(join(src, 'x'.repeat(150)), { recursive: true });
    writeFileSync(join(src, long), 'long\n', { mode: 0o640 });
    writeFileSync(join(src, 'exec'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(src, 'empty'), '');
    symlinkSync('exec', join(src, 'link'));
    const seen: [string, string, number, string][] = [];
    await readTar(packPath(src, 'top'), async (h, pipe) => {
      let content = '';
      await pipe(async (c) => {
        content += c.toString('utf8');
      });
      seen.push([h.name.replace(/\/$/, ''), h.type, h.mode, h.type === 'symlink' ? h.linkname : content]);
    });
    assert.deepEqual(
      seen.map((s) => s[0]),
      ['top', 'top/empty', 'top/exec', 'top/link', `top/${'x'.repeat(150)}`, `top/${long}`],
    );
    assert.deepEqual(seen[2], ['top/exec', 'file', 0o755, '#!/bin/sh\n']);
    assert.deepEqual(seen[3]!.slice(1, 2).concat(seen[3]![3]), ['symlink', 'exec']);
    assert.deepEqual(seen[5], [`top/${long}`, 'file', 0o640, 'long\n']);
    const dest = join(root, 'copy');
    const res = await extractTo(packPath(src, 'top'), dest);
    assert.equal(res.files, 3);
    assert.equal(readFileSync(join(dest, long), 'utf8'), 'long\n');
    assert.equal(lstatSync(join(dest, 'exec')).mode & 0o777, 0o755);
    assert.ok(lstatSync(join(dest, 'link')).isSymbolicLink());
  });

  it('rejects a header with a bad checksum and a truncated archive', async () => {
    const bad = encodeHeader({ name: 'a', type: 'file', mode: 0o644, size: 0, mtime: 0, linkname: '' });
    bad[0] = 'b'.charCodeAt(0);
    await assert.rejects(
      readTar(Readable.from([bad]), async () => {}),
      /bad checksum/,
    );
    const h = encodeHeader({ name: 'a', type: 'file', mode: 0o644, size: 100, mtime: 0, linkname: '' });
    await assert.rejects(
      readTar(Readable.from([h, Buffer.alloc(10)]), async () => {}),
      /ends in the middle/,
    );
  });
});

describe('extracting a hostile archive', () => {
  const cases: [string, Parameters<typeof archive>[0], RegExp][] = [
    [
      'an absolute path',
      [
        { name: 'd', type: 'directory' },
        { name: '/etc/evil', data: 'x' },
      ],
      /absolute path/,
    ],
    [
      'a .. path',
      [
        { name: 'd', type: 'directory' },
        { name: 'd/../../evil', data: 'x' },
      ],
      /climbs out/,
    ],
    [
      'a second top entry',
      [
        { name: 'd', type: 'directory' },
        { name: 'e', data: 'x' },
      ],
      /outside the copied "d"/,
    ],
    [
      'an absolute symlink',
      [
        { name: 'd', type: 'directory' },
        { name: 'd/l', type: 'symlink', linkname: '/etc' },
      ],
      /absolute path \/etc/,
    ],
    [
      'a relative symlink out',
      [
        { name: 'd', type: 'directory' },
        { name: 'd/l', type: 'symlink', linkname: '../../x' },
      ],
      /pointing outside/,
    ],
    [
      'a hard link to a file outside',
      [
        { name: 'd', type: 'directory' },
        { name: 'd/h', type: 'hardlink', linkname: '/etc/passwd' },
      ],
      /absolute path/,
    ],
    [
      'a hard link to a non-entry',
      [
        { name: 'd', type: 'directory' },
        { name: 'd/h', type: 'hardlink', linkname: 'd/none' },
      ],
      /not a file of the copy/,
    ],
    [
      'a write through an inner symlink',
      [
        { name: 'd', type: 'directory' },
        { name: 'd/l', type: 'symlink', linkname: '.' },
        { name: 'd/l/x', data: 'x' },
      ],
      /through a symbolic link/,
    ],
  ];
  for (const [what, entries, why] of cases)
    it(`refuses ${what} and leaves nothing behind`, async () => {
      const parent = mkdtempSync(join(root, 'h-'));
      const err = await extractTo(archive(entries), join(parent, 'out')).catch((e: unknown) => e);
      assert.ok(err instanceof UnsafeArchiveError, String(err));
      assert.match(err.message, why);
      assert.deepEqual(readdirSync(parent), []);
      assert.ok(!existsSync(join(root, 'evil')));
    });

  it('merges into an existing directory and replaces a file by a file', async () => {
    const parent = mkdtempSync(join(root, 'm-'));
    mkdirSync(join(parent, 'd'));
    writeFileSync(join(parent, 'd', 'keep'), 'kept');
    writeFileSync(join(parent, 'd', 'f'), 'old');
    await extractTo(
      archive([
        { name: 'd', type: 'directory', mode: 0o755 },
        { name: 'd/f', data: 'new' },
      ]),
      join(parent, 'd'),
    );
    assert.equal(readFileSync(join(parent, 'd', 'f'), 'utf8'), 'new');
    assert.equal(readFileSync(join(parent, 'd', 'keep'), 'utf8'), 'kept');
  });
});
