import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hostBlock, loadLab } from '../helpers/lab.js';
import {
  type AppWorld,
  expectFailure,
  makeAppWorld,
  makeRecipe,
  RECIPE,
  secretLabels,
  secretNames,
} from './app-new-helpers.js';

// The lab's sshd reaches the same engine as the local socket, so what abra does over SSH can
// be checked with the docker CLI here.
let world: AppWorld;
let app: string;
let stack: string;

before(async () => {
  const lab = loadLab();
  world = makeAppWorld('appsecretssh');
  const ssh = join(world.env.HOME as string, '.ssh');
  mkdirSync(ssh, { mode: 0o700 });
  copyFileSync(lab.sshKey, join(ssh, 'id_ed25519'));
  chmodSync(join(ssh, 'id_ed25519'), 0o600);
  copyFileSync(lab.knownHosts, join(ssh, 'known_hosts'));
  writeFileSync(join(ssh, 'config'), hostBlock('lab', lab));
  // Nothing may fall back to the local socket.
  world.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
  makeRecipe(world);
  const added = await world.run(['server', 'add', 'lab']);
  assert.equal(added.code, 0, added.stderr);
  app = world.domain('ssh');
  stack = app.replaceAll('.', '_');
});
after(() => world.cleanup());

describe('abra app secret on a server reached over SSH', () => {
  it('app new --secrets creates the secrets on that server', async () => {
    const res = await world.run(['app', 'new', RECIPE, '-s', 'lab', '-D', app, '--secrets']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /on server lab/);
    assert.deepEqual(secretNames(stack), [
      `${stack}_api_key_v1`,
      `${stack}_db_password_v1`,
      `${stack}_long_client_secret_key_v1`,
    ]);
    assert.equal(secretLabels(`${stack}_api_key_v1`)['com.docker.stack.namespace'], stack);
  });

  it('insert, ls, an existing-secret error, and rm --all', async () => {
    const ins = await world.run(['app', 'secret', 'insert', app, 'ssl_cert', 'v1', 'certificate']);
    assert.equal(ins.code, 0, ins.stderr);
    const ls = await world.run(['app', 'secret', 'ls', app, '-m']);
    assert.equal(ls.code, 0, ls.stderr);
    const rows = (JSON.parse(ls.stdout) as { secrets: { name: string; onServer: boolean }[] }).secrets;
    assert.deepEqual(
      rows.map((r) => [r.name, r.onServer]),
      [
        ['api_key', true],
        ['db_password', true],
        ['long_client_secret_key', true],
        ['ssl_cert', true],
      ],
    );
    await expectFailure(world, ['app', 'secret', 'generate', app, 'api_key'], /already exists on lab/);
    const rm = await world.run(['-n', 'app', 'secret', 'rm', app, '--all']);
    assert.equal(rm.code, 0, rm.stderr);
    assert.deepEqual(secretNames(stack), []);
  });
});
