import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseEnv } from '../../src/domain/env/document.js';
import { isUserError } from '../../src/errors.js';
import { listAppEnvFiles, readEnvFile, writeEnvFile } from '../../src/infra/store/env-files.js';
import { abraPaths } from '../../src/infra/store/paths.js';

describe('env files on disk', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'abra-env-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads and parses a file', async () => {
    const path = join(root, 'read.env');
    await writeFile(path, 'TYPE=app\r\nDOMAIN=a.tld # x');
    const doc = await readEnvFile(path);
    assert.deepEqual(doc.values(), { TYPE: 'app', DOMAIN: 'a.tld' });
    assert.equal(doc.toString(), 'TYPE=app\r\nDOMAIN=a.tld # x');
  });

  it('a missing file or a directory is a UserError naming the path', async () => {
    const missing = join(root, 'nope.env');
    await assert.rejects(readEnvFile(missing), (err) => {
      assert.ok(isUserError(err));
      assert.equal(err.where, missing);
      assert.equal(err.code, 'env_file_missing');
      assert.ok(err.hint);
      return true;
    });
    await assert.rejects(readEnvFile(root), (err) => isUserError(err) && err.where === root);
  });

  it('an unreadable file is a UserError', {
    skip: process.getuid?.() === 0 && 'root reads anything',
  }, async () => {
    const path = join(root, 'locked.env');
    await writeFile(path, 'A=1\n');
    await chmod(path, 0o000);
    await assert.rejects(readEnvFile(path), (err) => isUserError(err) && err.code === 'env_file_unreadable');
  });

  it('a syntax error names file:line', async () => {
    const path = join(root, 'bad.env');
    await writeFile(path, 'A=1\nB C\n');
    await assert.rejects(readEnvFile(path), (err) => isUserError(err) && err.where === `${path}:2`);
  });

  it('writes atomically with mode 0600, byte for byte', async () => {
    const dir = join(root, 'write');
    await mkdir(dir);
    const path = join(dir, 'app.env');
    await writeFile(path, 'old', { mode: 0o644 });
    const doc = parseEnv('TYPE=app\nSECRET_X_VERSION=v1 # length=9\n', path).set('SECRET_X_VERSION', 'v2');
    await writeEnvFile(path, doc);
    assert.equal(await readFile(path, 'utf8'), 'TYPE=app\nSECRET_X_VERSION=v2 # length=9\n');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['app.env'], 'no temp file left');
  });

  it('lists servers/*/*.env, following symlinks and skipping hidden and other files', async () => {
    const abra = join(root, 'abra');
    const servers = join(abra, 'servers');
    const shared = join(root, 'shared-server');
    await mkdir(join(servers, 'b.tld'), { recursive: true });
    await mkdir(join(servers, 'a.tld'), { recursive: true });
    await mkdir(join(servers, '.git'), { recursive: true });
    await mkdir(shared);
    await symlink(shared, join(servers, 'c.tld'));
    await writeFile(join(servers, 'b.tld', 'z.example.com.env'), 'TYPE=x\n');
    await writeFile(join(servers, 'b.tld', 'app.example.com.env'), 'TYPE=x\n');
    await writeFile(join(servers, 'b.tld', '.app.example.com.env.1a2b.tmp'), '');
    await writeFile(join(servers, 'b.tld', '.hidden.env'), '');
    await writeFile(join(servers, 'b.tld', 'notes.txt'), '');
    await mkdir(join(servers, 'b.tld', 'dir.env'));
    await writeFile(join(servers, 'a.tld', 'one.tld.env'), '');
    await writeFile(join(servers, '.git', 'x.env'), '');
    await writeFile(join(servers, 'stray.env'), '');
    await writeFile(join(shared, 'shared.tld.env'), '');
    await symlink(join(root, 'gone'), join(servers, 'a.tld', 'dangling.env'));

    const found = await listAppEnvFiles(abraPaths({ ABRA_DIR: abra }));
    assert.deepEqual(
      found.map((f) => [f.server, f.app]),
      [
        ['a.tld', 'one.tld'],
        ['b.tld', 'app.example.com'],
        ['b.tld', 'z.example.com'],
        ['c.tld', 'shared.tld'],
      ],
    );
    assert.equal(found[0]?.path, join(servers, 'a.tld', 'one.tld.env'));
  });

  it('no servers directory means no apps', async () => {
    assert.deepEqual(await listAppEnvFiles(abraPaths({ ABRA_DIR: join(root, 'empty') })), []);
  });
});
