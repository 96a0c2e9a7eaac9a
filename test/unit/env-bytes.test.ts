// Bytes in == bytes out for env files: Latin-1 (invalid UTF-8) bytes on lines nobody touched
// survive a programmatic edit (deploy's version record) and an `app config` edit.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeLossless, encodeLossless } from '../../src/domain/env/bytes.js';
import { withRecipeVersion } from '../../src/domain/env/recipe.js';
import { GitClient } from '../../src/infra/git/client.js';
import { readEnvFile, writeEnvFile } from '../../src/infra/store/env-files.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { appConfig } from '../../src/services/app/config.js';
import { fakePrompt } from '../helpers/prompt.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('lossless env text', () => {
  it('round-trips every byte sequence exactly', () => {
    const samples = [
      Buffer.from([...Array(256).keys()]),
      latin1('NAME=Ren\u00e9\n'),
      Buffer.from('caf\u00e9 \u{1f600} ok\n', 'utf8'),
      Buffer.from([0xef, 0xbb, 0xbf, 0x41]), // a BOM stays
      Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf4, 0x90, 0x80, 0x80, 0xe2, 0x82]), // surrogate, overlong, > U+10FFFF, cut
    ];
    for (let seed = 1; seed < 200; seed++) {
      let x = seed;
      samples.push(
        Buffer.from(
          Array.from({ length: 64 }, () => {
            x = (x * 1103515245 + 12345) & 0x7fffffff;
            return x & 0xff;
          }),
        ),
      );
    }
    for (const b of samples)
      assert.ok(Buffer.from(encodeLossless(decodeLossless(b))).equals(b), b.toString('hex'));
  });

  it('decodes valid UTF-8 to the characters it means', () => {
    assert.equal(
      decodeLossless(Buffer.from('DOMAIN=caf\u00e9.example\n', 'utf8')),
      'DOMAIN=caf\u00e9.example\n',
    );
  });
});

describe('env files keep untouched bytes', () => {
  let root: string;
  const ORIGINAL = Buffer.concat([
    latin1('# Propri\u00e9t\u00e9 de Ren\u00e9\n'),
    Buffer.from('RECIPE=demo:1.0.0\n'),
    latin1('CITY=Montr\u00e9al\n'),
    Buffer.from('DOMAIN=a.example.com\n'),
  ]);
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'abra-envbytes-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a programmatic edit of RECIPE leaves the 0xE9 lines byte-exact', async () => {
    const path = join(root, 'prog.env');
    await writeFile(path, ORIGINAL);
    const doc = await readEnvFile(path);
    await writeEnvFile(path, withRecipeVersion(doc, '1.1.0'));
    const after = await readFile(path);
    assert.ok(
      after.equals(Buffer.from(ORIGINAL.toString('latin1').replace('demo:1.0.0', 'demo:1.1.0'), 'latin1')),
    );
    assert.equal(after.filter((b) => b === 0xe9).length, 4, 'every 0xE9 byte is still there');
  });

  it('app config: an edit of another key writes the 0xE9 lines byte-exact', async () => {
    const abraDir = join(root, 'abra');
    const dir = join(abraDir, 'servers', 'default');
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'a.example.com.env');
    await writeFile(path, ORIGINAL, { mode: 0o600 });
    const paths = abraPaths({ ABRA_DIR: abraDir });
    const git = new GitClient({ env: { PATH: process.env.PATH }, debug: () => undefined });
    // The "editor" changes DOMAIN's bytes only, like a person would.
    const edit = async (file: string) => {
      const b = await readFile(file);
      await writeFile(
        file,
        Buffer.from(b.toString('latin1').replace('a.example.com\n', 'b.example.com\n'), 'latin1'),
      );
    };
    const res = await appConfig(
      { app: 'a.example.com' },
      {
        paths,
        env: { PATH: process.env.PATH },
        events: () => undefined,
        prompt: { ...fakePrompt(), confirm: async () => true },
        git,
      },
      edit,
    );
    assert.equal(res.changed, true);
    assert.match(res.warnings.join('\n'), /Recipe demo is not fetched/);
    const expected = Buffer.from(
      ORIGINAL.toString('latin1').replace('a.example.com\n', 'b.example.com\n'),
      'latin1',
    );
    assert.ok((await readFile(path)).equals(expected), 'the file is exactly what the editor wrote');
  });
});
