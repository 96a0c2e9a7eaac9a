// Config and secret files come from the recipe only, byte for byte: against a real git repo,
// in the working tree and at a tag.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isUserError } from '../../src/errors.js';
import { GitClient } from '../../src/infra/git/client.js';
import { readRecipeObjectFile } from '../../src/services/compose/object-files.js';
import { findLinksOut } from '../../src/services/recipe/lint-sources.js';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@example.org',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@example.org',
};

function sh(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, env: GIT_ENV, stdio: 'ignore' });
}

// Every byte value, including invalid UTF-8 and NUL: a decode/encode round trip changes these.
const BINARY = Buffer.from([...Array(256).keys(), 0xe9, 0xff, 0xfe, 0x00, 0xc3]);

describe('readRecipeObjectFile', () => {
  let base: string;
  let dir: string;
  let outsideFile: string;
  const git = new GitClient({ env: GIT_ENV });
  const TAG = '1.0.0+1.0';

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'abra-objfiles-'));
    dir = join(base, 'recipes', 'demo');
    outsideFile = join(base, 'operator-secret.txt');
    writeFileSync(outsideFile, 'operator secret\n');
    mkdirSync(join(dir, 'conf'), { recursive: true });
    sh(dir, 'init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'nginx.conf'), 'server {}\n');
    writeFileSync(join(dir, 'conf', 'blob.bin'), BINARY);
    symlinkSync('../nginx.conf', join(dir, 'conf', 'inside-link.conf'));
    symlinkSync(outsideFile, join(dir, 'abs-link.conf'));
    symlinkSync('../../operator-secret.txt', join(dir, 'rel-link.conf'));
    symlinkSync(base, join(dir, 'linkdir'));
    sh(dir, 'add', '-A');
    sh(dir, 'commit', '-q', '-m', 'init');
    sh(dir, 'tag', TAG);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const read = (file: string, rev: string | undefined) =>
    readRecipeObjectFile({ recipeDir: dir, rev, file, key: 'configs.nginx_conf', git });

  const refused = async (file: string, rev: string | undefined, code = 'recipe_file_outside') => {
    await assert.rejects(read(file, rev), (err: unknown) => {
      assert.ok(isUserError(err), `a UserError, got ${String(err)}`);
      assert.equal(err.code, code);
      if (code === 'recipe_file_outside') {
        assert.match(err.message, /configs\.nginx_conf/);
        assert.ok(err.message.includes(file), 'names the file');
        assert.match(err.hint ?? '', /file: nginx\.conf/);
      }
      return true;
    });
  };

  for (const rev of [undefined, TAG]) {
    const at = rev ?? 'working tree';
    it(`${at}: a file inside is read`, async () => {
      assert.equal((await read(join(dir, 'nginx.conf'), rev)).toString(), 'server {}\n');
    });
    it(`${at}: binary bytes come back exactly`, async () => {
      const got = await read(join(dir, 'conf', 'blob.bin'), rev);
      assert.ok(Buffer.isBuffer(got));
      assert.ok(got.equals(BINARY), 'byte-exact');
    });
    it(`${at}: a symlink that stays inside is followed`, async () => {
      assert.equal((await read(join(dir, 'conf', 'inside-link.conf'), rev)).toString(), 'server {}\n');
    });
    it(`${at}: an absolute path outside is refused`, async () => {
      await refused(outsideFile, rev);
      await refused('/etc/passwd', rev);
    });
    it(`${at}: ../ out of the recipe is refused`, async () => {
      await refused(join(dir, '..', '..', 'operator-secret.txt'), rev);
    });
    it(`${at}: symlinks leading out are refused (absolute, relative, through a directory)`, async () => {
      await refused(join(dir, 'abs-link.conf'), rev);
      await refused(join(dir, 'rel-link.conf'), rev);
      await refused(join(dir, 'linkdir', 'operator-secret.txt'), rev);
    });
    it(`${at}: a missing file and a directory are clear errors`, async () => {
      await refused(join(dir, 'nope.conf'), rev, 'compose_file_missing');
      await refused(join(dir, 'conf'), rev, 'recipe_file_not_regular');
    });
  }

  it('at a tag, the committed bytes win over the working tree', async () => {
    writeFileSync(join(dir, 'nginx.conf'), 'changed\n');
    try {
      assert.equal((await read(join(dir, 'nginx.conf'), TAG)).toString(), 'server {}\n');
      assert.equal((await read(join(dir, 'nginx.conf'), undefined)).toString(), 'changed\n');
    } finally {
      writeFileSync(join(dir, 'nginx.conf'), 'server {}\n');
    }
  });

  it('lint facts: the symlinks that lead out of the recipe (dangling ones too), not those inside', async () => {
    symlinkSync('../../gone', join(dir, 'conf', 'dangling-out'));
    try {
      assert.deepEqual(await findLinksOut(dir), [
        'abs-link.conf',
        'conf/dangling-out',
        'linkdir',
        'rel-link.conf',
      ]);
    } finally {
      rmSync(join(dir, 'conf', 'dangling-out'));
    }
  });

  it('a FIFO in the working tree is refused without blocking', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.conf')]);
    await refused(join(dir, 'pipe.conf'), undefined, 'recipe_file_not_regular');
  });
});
