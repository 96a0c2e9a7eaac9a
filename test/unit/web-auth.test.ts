import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isUserError } from '../../src/errors.js';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { recordAudit } from '../../src/services/audit/record.js';
import { hashPassword, verifyPassword } from '../../src/web/auth/password.js';
import { may, type Principal } from '../../src/web/auth/roles.js';
import { csrfMatches, SessionStore } from '../../src/web/auth/sessions.js';
import { WebUserStore } from '../../src/web/auth/users.js';
import { checkExposure, parseListen } from '../../src/web/listen.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'abra-web-'));
  dirs.push(d);
  return d;
}

describe('web: passwords (scrypt)', () => {
  it('verifies the right password only; a malformed hash never matches', async () => {
    const h = await hashPassword('correct horse battery');
    assert.match(h, /^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await verifyPassword('correct horse battery', h), true);
    assert.equal(await verifyPassword('correct horse batterY', h), false);
    for (const bad of [
      '',
      'scrypt$1$8$1$AA$AA',
      'bcrypt$x',
      h.replace(/\$[^$]+$/, '$AAAA'),
      'scrypt$99999999$8$1$AA$AA',
    ])
      assert.equal(await verifyPassword('correct horse battery', bad), false, bad);
  });

  it('two hashes of one password differ (random salt)', async () => {
    assert.notEqual(await hashPassword('same password'), await hashPassword('same password'));
  });
});

describe('web: accounts file', () => {
  it('is 0600 in a 0700 directory, written atomically, without the password', async () => {
    const root = tmp();
    const store = new WebUserStore(root);
    await store.add({ name: 'alice', password: 'a long password', role: 'admin' });
    await store.add({ name: 'bob', password: 'another long one', role: 'viewer', servers: ['s1'] });
    assert.equal(statSync(store.file).mode & 0o777, 0o600);
    assert.equal(statSync(store.dir).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(store.dir), ['users.json'], 'no temp file is left');
    const text = readFileSync(store.file, 'utf8');
    assert.ok(!text.includes('a long password'));
    assert.deepEqual(
      (await store.list()).map((u) => [u.name, u.role, u.servers]),
      [
        ['alice', 'admin', undefined],
        ['bob', 'viewer', ['s1']],
      ],
    );
    await store.remove('alice');
    assert.deepEqual(
      (await store.list()).map((u) => u.name),
      ['bob'],
    );
  });

  it('refuses bad names, short passwords, duplicates and unknown accounts, changing nothing', async () => {
    const store = new WebUserStore(tmp());
    await store.add({ name: 'carol', password: 'long enough pw', role: 'operator' });
    const before = readFileSync(store.file, 'utf8');
    const cases: [() => Promise<unknown>, string][] = [
      [() => store.add({ name: '../etc', password: 'long enough pw', role: 'admin' }), 'web_user_name'],
      [() => store.add({ name: '<b>', password: 'long enough pw', role: 'admin' }), 'web_user_name'],
      [() => store.add({ name: 'dave', password: 'short', role: 'admin' }), 'web_password_short'],
      [() => store.add({ name: 'carol', password: 'long enough pw', role: 'admin' }), 'web_user_exists'],
      [() => store.remove('nobody'), 'web_user_unknown'],
    ];
    for (const [fn, code] of cases)
      await assert.rejects(fn, (e: unknown) => isUserError(e) && e.code === code && !!e.hint);
    assert.equal(readFileSync(store.file, 'utf8'), before);
  });

  it('a corrupt file is a UserError naming it', async () => {
    const store = new WebUserStore(tmp());
    await store.add({ name: 'erin', password: 'long enough pw', role: 'viewer' });
    writeFileSync(store.file, '{not json');
    await assert.rejects(
      () => store.list(),
      (e: unknown) => isUserError(e) && e.where === store.file,
    );
  });
});

describe('web: roles, golden', () => {
  const admin: Principal = { name: 'a', role: 'admin' };
  const op: Principal = { name: 'o', role: 'operator', servers: ['s1'] };
  const viewer: Principal = { name: 'v', role: 'viewer' };
  it('admin everything; operator day-to-day changes on its servers; viewer only views', () => {
    const table = (p: Principal, server?: string) =>
      (
        [
          'view',
          'logs',
          'deploy',
          'upgrade',
          'rollback',
          'restart',
          'undeploy',
          'backup',
          'restore',
          'new-app',
        ] as const
      )
        .filter((a) => may(p, a, server))
        .join(' ');
    assert.equal(
      table(admin, 's1'),
      'view logs deploy upgrade rollback restart undeploy backup restore new-app',
    );
    assert.equal(table(op, 's1'), 'view logs deploy upgrade rollback restart backup restore');
    assert.equal(table(op, 's2'), '', 'limited to s1');
    assert.equal(table(viewer, 's2'), 'view');
  });
});

describe('web: sessions and CSRF', () => {
  it('random ids; ended by idle time and by age; an unknown id is no session', () => {
    let now = 0;
    const store = new SessionStore({ idleMs: 100, maxMs: 1000, now: () => now });
    const a = store.create({ name: 'alice', role: 'admin' });
    const b = store.create({ name: 'alice', role: 'admin' });
    assert.notEqual(a.id, b.id);
    assert.ok(a.id.length >= 43 && a.csrf.length >= 43);
    now = 90;
    assert.equal(store.get(a.id)?.user, 'alice');
    now = 191;
    assert.equal(store.get(b.id), undefined, 'idle too long');
    for (now = 200; now <= 1100; now += 50) store.get(a.id);
    assert.equal(store.get(a.id), undefined, 'too old');
    assert.equal(new SessionStore().get(a.id), undefined, 'another instance knows no session');
  });

  it('a form token matches only its own session', () => {
    const store = new SessionStore();
    const a = store.create({ name: 'a', role: 'admin' });
    const b = store.create({ name: 'b', role: 'admin' });
    assert.equal(csrfMatches(a, a.csrf), true);
    assert.equal(csrfMatches(a, b.csrf), false);
    assert.equal(csrfMatches(a, ''), false);
    assert.equal(csrfMatches(a, undefined), false);
  });
});

describe('web: listen address', () => {
  it('loopback by default; elsewhere only with TLS or --insecure-listen', () => {
    assert.deepEqual(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080, loopback: true });
    assert.deepEqual(parseListen('[::1]:9'), { host: '::1', port: 9, loopback: true });
    assert.deepEqual(parseListen(':80'), { host: '0.0.0.0', port: 80, loopback: false });
    for (const bad of ['8080', 'host:99999', 'a:b:c'])
      assert.throws(
        () => parseListen(bad),
        (e: unknown) => isUserError(e) && e.code === 'usage',
      );
    const open = parseListen('0.0.0.0:8443');
    assert.throws(
      () => checkExposure(open, false, false),
      (e: unknown) => isUserError(e) && e.code === 'web_insecure_listen',
    );
    checkExposure(open, true, false);
    checkExposure(open, false, true);
  });
});

describe('web: audit under the web user', () => {
  it('recordAudit names the given operator instead of user@host', async () => {
    const root = tmp();
    const env = { ABRA_DIR: root, USER: 'shell-user', DOCKER_HOST: 'unix:///nonexistent.sock' };
    const paths = abraPaths(env);
    const docker = new DockerConnector({ env, debug: () => undefined, warn: () => undefined });
    const res = await recordAudit(
      { paths, docker, env, events: () => undefined, operator: 'alice (web@h)' },
      {
        app: 'a.example',
        server: 'default',
        argv: ['app', 'deploy', 'a.example'],
        result: 'ok',
        remote: false,
      },
    );
    await docker.close();
    assert.equal(res.entry.operator, 'alice (web@h)');
    assert.match(readFileSync(join(root, 'audit.log'), 'utf8'), /alice \(web@h\)/);
  });
});
