import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stackNameOf } from '../../src/domain/stack/contract.js';
import { isUserError, UserError } from '../../src/errors.js';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import {
  type AppLock,
  type AppLockDeps,
  acquireAppLock,
  withAppLock,
} from '../../src/services/lock/app-lock.js';
import type { SignalHost } from '../../src/services/lock/signals.js';
import { appUnlock, readAppLock } from '../../src/services/lock/unlock.js';
import { docker, hostBlock, type Lab, loadLab, makeOperator, type Operator } from '../helpers/lab.js';

let lab: Lab;
let op: Operator;
let env: NodeJS.ProcessEnv;
const connectors: DockerConnector[] = [];
const apps: string[] = [];

before(() => {
  lab = loadLab();
  op = makeOperator(lab);
  // In-process code cannot move os.homedir(), so the SSH config uses absolute paths.
  op.writeSshConfig(
    hostBlock('lab', lab, {
      IdentityFile: join(op.sshDir, 'id_ed25519'),
      UserKnownHostsFile: join(op.sshDir, 'known_hosts'),
    }),
  );
  env = { ...op.env, ABRA_SSH_CONFIG: join(op.sshDir, 'config') };
});

after(async () => {
  for (const c of connectors) await c.close();
  for (const app of apps) {
    const ids = docker(['config', 'ls', '-q', '--filter', `label=coop-cloud.lock.stack=${stackNameOf(app)}`]);
    if (ids) docker(['config', 'rm', ...ids.split('\n')]);
  }
  op.cleanup();
});

function newApp(kind: string): string {
  const app = `lock-${kind}-${randomBytes(4).toString('hex')}.example.org`;
  apps.push(app);
  return app;
}

/** In-process tests must not catch the test runner's own signals. */
const noSignals: SignalHost = { pid: 0, on: () => 0, off: () => 0, listenerCount: () => 0, kill: () => 0 };

/** One operator machine: its own engine connection, its own name, its warnings recorded. */
function operator(user: string): AppLockDeps & { warnings: string[] } {
  const warnings: string[] = [];
  const connector = new DockerConnector({ env, debug: () => undefined });
  connectors.push(connector);
  return {
    docker: connector,
    events: (e) => {
      if (e.type === 'warning') warnings.push(e.message);
    },
    machineId: async () => `machine-of-${user}`,
    env: { ...env, USER: user },
    signals: noSignals,
    warnings,
  };
}

function lockConfigs(app: string): { id: string; labels: Record<string, string> }[] {
  const ids = docker(['config', 'ls', '-q', '--filter', `name=abra-lock_${stackNameOf(app)}`]);
  if (!ids) return [];
  return ids.split('\n').map((id) => ({
    id,
    labels: JSON.parse(docker(['config', 'inspect', '-f', '{{json .Spec.Labels}}', id])) as Record<
      string,
      string
    >,
  }));
}

async function expectLocked(p: Promise<unknown>, holder: RegExp): Promise<UserError> {
  const err = await p.then(
    () => assert.fail('expected the lock to be refused'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof UserError, String(err));
  assert.equal(err.code, 'app_locked', err.message);
  assert.match(err.message, holder);
  return err;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const server of ['default', 'lab'] as const) {
  const via = server === 'default' ? 'local socket' : 'SSH';
  describe(`app deploy lock on the server (${via})`, () => {
    it('of five operators acquiring at once exactly one wins; the others are told who holds it', async () => {
      const app = newApp('race');
      const ops = Array.from({ length: 5 }, (_, i) => operator(`op${i}`));
      const results = await Promise.allSettled(
        ops.map((o) =>
          acquireAppLock({ server, app, command: ['app', 'deploy', app], keepAliveMs: false }, o),
        ),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ lock: r.value, i }] : []));
      assert.equal(won.length, 1, 'exactly one winner');
      const winner = won[0]!;
      for (const r of results) {
        if (r.status === 'fulfilled') continue;
        assert.ok(isUserError(r.reason), String(r.reason));
        assert.equal(r.reason.code, 'app_locked');
        assert.match(
          r.reason.message,
          new RegExp(`locked by op${winner.i}@\\S+ \\(pid ${process.pid}\\) running "app deploy ${app}"`),
        );
      }
      assert.equal(lockConfigs(app).length, 1);
      assert.equal(lockConfigs(app)[0]?.labels['coop-cloud.lock.holder']?.startsWith(`op${winner.i}@`), true);
      await winner.lock.release();
      assert.deepEqual(lockConfigs(app), [], 'released: the config is gone');
      const next = await acquireAppLock(
        { server, app, command: ['app', 'upgrade', app], keepAliveMs: false },
        ops[0]!,
      );
      await next.release();
      assert.ok(
        ops.every((o) => o.warnings.length === 0),
        ops.flatMap((o) => o.warnings).join('\n'),
      );
    });

    it('is released when the locked operation fails, and the error comes through unchanged', async () => {
      const app = newApp('fail');
      const alice = operator('alice');
      const boom = new Error('deploy failed half way');
      let seen: AppLock | undefined;
      await assert.rejects(
        withAppLock({ server, app, command: ['app', 'deploy', app] }, alice, async (lock) => {
          seen = lock;
          assert.equal(lockConfigs(app).length, 1, 'held while running');
          await expectLocked(
            acquireAppLock({ server, app, command: ['app', 'deploy', app] }, operator('bob')),
            /locked by alice@/,
          );
          throw boom;
        }),
        (err) => err === boom,
      );
      assert.equal(seen?.lost.aborted, false);
      assert.deepEqual(lockConfigs(app), []);
      assert.equal(await withAppLock({ server, app, command: ['x'] }, alice, async () => 'again'), 'again');
    });

    it('an expired lock (holder gone) is taken over with a warning naming the old holder', async () => {
      const app = newApp('stale');
      const crashed = operator('alice');
      const bob = operator('bob');
      const stale = await acquireAppLock(
        { server, app, command: ['app', 'deploy', app, '--chaos'], ttlMs: 1500, keepAliveMs: false },
        crashed,
      );
      const held = await expectLocked(
        acquireAppLock({ server, app, command: ['app', 'deploy', app] }, bob),
        /locked by alice@\S+ \(pid \d+\) running "app deploy \S+ --chaos", since \S+ \(\d+ms ago\)/,
      );
      assert.match(held.hint ?? '', /expires by itself in \d/);
      const status = await readAppLock({ server, app }, bob);
      assert.equal(status?.expired, false);
      await sleep(1700);
      assert.equal((await readAppLock({ server, app }, bob))?.expired, true);
      const lock = await acquireAppLock({ server, app, command: ['app', 'deploy', app] }, bob);
      assert.equal(bob.warnings.length, 1);
      assert.match(
        bob.warnings[0] ?? '',
        /^Took over the lock on \S+ held by alice@\S+ \(pid \d+\) for "app deploy \S+ --chaos" since \S+ \(it expired .* ago without a refresh\)/,
      );
      const [cfg] = lockConfigs(app);
      assert.match(cfg?.labels['coop-cloud.lock.holder'] ?? '', /^bob@/);
      // The old holder, waking up, learns it lost the lock and does not delete bob's.
      await assert.rejects(stale.refresh(), (e: unknown) => isUserError(e) && e.code === 'lock_lost');
      assert.equal(stale.lost.aborted, true);
      assert.match(crashed.warnings.join('\n'), /taken over by bob@/);
      await stale.release();
      assert.equal(lockConfigs(app).length, 1, "the old holder's release left bob's lock alone");
      await lock.release();
      assert.deepEqual(lockConfigs(app), []);
    });

    it('a held lock is kept alive by its refreshes past its TTL', async () => {
      const app = newApp('alive');
      const alice = operator('alice');
      const lock = await acquireAppLock(
        { server, app, command: ['app', 'deploy', app], ttlMs: 1200, keepAliveMs: 250 },
        alice,
      );
      await sleep(2000);
      await expectLocked(
        acquireAppLock({ server, app, command: ['x'] }, operator('bob')),
        /locked by alice@/,
      );
      assert.ok(
        Number(lockConfigs(app)[0]?.labels['coop-cloud.lock.refreshed']) >= 3,
        'refreshed while held',
      );
      assert.deepEqual(alice.warnings, []);
      await lock.release();
      assert.deepEqual(lockConfigs(app), []);
    });

    it('--force-unlock takes over a live lock; app unlock removes whatever holds it', async () => {
      const app = newApp('force');
      const alice = operator('alice');
      const bob = operator('bob');
      const a = await acquireAppLock(
        { server, app, command: ['app', 'deploy', app], keepAliveMs: false },
        alice,
      );
      const b = await acquireAppLock({ server, app, command: ['app', 'deploy', app], force: true }, bob);
      assert.match(bob.warnings.join('\n'), /held by alice@.*forced with --force-unlock/);
      await assert.rejects(a.refresh(), (e: unknown) => isUserError(e) && e.code === 'lock_lost');
      const removed = await appUnlock({ server, app }, operator('carol'));
      assert.match(removed?.operator ?? '', /^bob@/);
      assert.deepEqual(lockConfigs(app), []);
      assert.equal(await appUnlock({ server, app }, operator('carol')), undefined);
      await b.release();
      assert.match(bob.warnings.join('\n'), /The lock on \S+ was removed while this operation held it/);
    });

    it('Ctrl-C (SIGINT) in a process holding the lock releases it, then the process dies of SIGINT', async () => {
      const app = newApp('sigint');
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
        env: { ...env, USER: 'dave', LOCK_SERVER: server, LOCK_APP: app, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      for (let i = 0; i < 200 && !stdout.includes('locked'); i++) await sleep(50);
      assert.match(stdout, /locked/, stderr);
      assert.match(lockConfigs(app)[0]?.labels['coop-cloud.lock.holder'] ?? '', /^dave@/);
      child.kill('SIGINT');
      const { code, signal } = await exited;
      assert.equal(signal, 'SIGINT', `code ${code}\n${stderr}`);
      assert.match(stderr, /SIGINT: releasing the lock on \S+ before exiting/);
      assert.deepEqual(lockConfigs(app), [], 'the lock was released before the process died');
    });
  });
}

describe('the lock is shared by operators reaching the same engine differently', () => {
  it('held through the local socket, refused over SSH (and the other way round)', async () => {
    const app = newApp('cross');
    const local = await acquireAppLock(
      { server: 'default', app, command: ['app', 'deploy', app] },
      operator('alice'),
    );
    await expectLocked(
      acquireAppLock({ server: 'lab', app, command: ['x'] }, operator('bob')),
      /locked by alice@/,
    );
    await local.release();
    const remote = await acquireAppLock(
      { server: 'lab', app, command: ['app', 'deploy', app] },
      operator('bob'),
    );
    await expectLocked(
      acquireAppLock({ server: 'default', app, command: ['x'] }, operator('alice')),
      /locked by bob@/,
    );
    await remote.release();
    assert.deepEqual(lockConfigs(app), []);
  });
});

const ROOT = new URL('../..', import.meta.url).pathname;
const CHILD = `
const { acquireAppLock } = await import(${JSON.stringify(`${ROOT}src/services/lock/app-lock.ts`)});
const { DockerConnector } = await import(${JSON.stringify(`${ROOT}src/infra/docker/connector.ts`)});
const env = process.env;
const docker = new DockerConnector({ env, debug: () => {} });
const events = (e) => { if (e.type === 'warning') process.stderr.write(e.message + '\\n'); };
await acquireAppLock({ server: env.LOCK_SERVER, app: env.LOCK_APP, command: ['app', 'deploy', env.LOCK_APP] }, { docker, events, env, machineId: async () => 'child-machine' });
process.stdout.write('locked\\n');
setInterval(() => {}, 1000);
`;
