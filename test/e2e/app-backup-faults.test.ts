import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelloWorld } from '../helpers/hello-world.js';
import { docker } from '../helpers/lab.js';
import {
  assertNoLeftoverTasks,
  cleanupBackupWorld,
  resticJob,
  serviceContainer,
  serviceExec,
} from './backup-helpers.js';

// Faults during `abra app backup create` on the lab swarm: restic killed mid-backup, the
// repository's disk full, the repository unreachable. Each: a clear error (exit 1, not a bug
// report), the post-hook run, the service still running, no restic task left behind.

const COMPOSE = `---
version: "3.8"

services:
  web:
    image: abra-lab/nginx:1
    volumes:
      - data:/data
    stop_grace_period: 1s
    deploy:
      endpoint_mode: dnsrr
      labels:
        - "coop-cloud.\${STACK_NAME}.version=1.0.0+1"
        - "backupbot.backup=true"
        - "backupbot.backup.post-hook=echo ran >> /tmp/post-hook.log"

volumes:
  data:
`;

const UNREACHABLE = 'rest:http://127.0.0.1:9/';

let world: HelloWorld;
let app: string;
let stack: string;
let repoDir: string;
let tiny: string | undefined;

const exec = (script: string) => serviceExec(stack, 'web', script);
const postHookRuns = () => Number(exec('cat /tmp/post-hook.log 2>/dev/null | wc -l').trim());

/** Run with RESTIC_REPOSITORY=<url> in the app's env, then take it out again. */
async function withAppRepository<T>(url: string, fn: () => Promise<T>): Promise<T> {
  appendFileSync(world.envPath(app), `RESTIC_REPOSITORY=${url}\n`);
  try {
    return await fn();
  } finally {
    const env = readFileSync(world.envPath(app), 'utf8');
    writeFileSync(world.envPath(app), env.replace(`RESTIC_REPOSITORY=${url}\n`, ''));
  }
}

before(async () => {
  world = new HelloWorld([{ tag: '1.0.0+1', edit: () => COMPOSE }]);
  world.env.ABRA_RESTIC_IMAGE = 'abra-lab/restic:1';
  app = world.app('bkf', { COMPOSE_FILE: 'compose.yml' });
  stack = world.stack(app);
  repoDir = join(world.home, 'repo');
  const dep = await world.run('app', 'deploy', app, '1.0.0+1', '-n', '--no-domain-checks');
  assert.equal(dep.code, 0, dep.stderr);
  const conf = await world.run('server', 'backup-config', 'default', '--repository', repoDir);
  assert.equal(conf.code, 0, conf.stderr);
  const init = await world.run('server', 'backup-init', 'default');
  assert.equal(init.code, 0, init.stderr);
});

after(() => {
  try {
    if (tiny) spawnSync('umount', ['-l', tiny]);
  } finally {
    cleanupBackupWorld(world, stack, [UNREACHABLE]);
  }
});

describe('app backup create: faults (lab swarm)', () => {
  it('restic killed mid-backup: a clear error, hooks run, the repository passes restic check, the next backup works', async () => {
    exec('head -c 300000000 /dev/urandom > /data/big && head -c 1000 /dev/urandom > /data/small');
    const cid = serviceContainer(stack, 'web');
    const before = postHookRuns();
    const running = world.run('app', 'backup', 'create', app);
    // Kill the restic task's container while it runs.
    let killed = '';
    const deadline = Date.now() + 30_000;
    while (!killed && Date.now() < deadline) {
      const ids = docker([
        'ps',
        '-q',
        '--filter',
        `label=coop-cloud.backup.stack=${stack}`,
        '--filter',
        'status=running',
      ])
        .split('\n')
        .filter(Boolean);
      if (ids[0]) {
        // Let it write some data first.
        execFileSync('sleep', ['0.7']);
        if (spawnSync('docker', ['kill', ids[0]]).status === 0) killed = ids[0];
      } else execFileSync('sleep', ['0.1']);
    }
    const res = await running;
    assert.ok(killed, `no restic task container was seen running\n${res.stderr}`);
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /^Error: The backup of .* failed: the restic task was killed \(SIGKILL/m);
    assert.doesNotMatch(res.stderr, /bug/i);
    assert.equal(postHookRuns(), before + 1, 'the post-hook ran');
    assert.equal(serviceContainer(stack, 'web'), cid, 'the service kept running, same container');
    assertNoLeftoverTasks(stack);
    // The killed run's lock is gone: restic check takes an exclusive lock and would fail on it.
    assert.match(resticJob(['check'], repoDir), /no errors were found/);
    assert.doesNotMatch(resticJob(['list', 'locks', '--no-lock'], repoDir), /[0-9a-f]{64}/);

    exec('rm -f /data/big');
    const next = await world.run('app', 'backup', 'create', app, '--machine');
    assert.equal(next.code, 0, next.stderr);
    assert.equal(JSON.parse(next.stdout).snapshots.length, 1);
    assert.match(resticJob(['check', '--read-data'], repoDir), /no errors were found/);
  });

  it('disk full where the repository lives: a clear error naming it, hooks run, nothing left behind', async () => {
    tiny = join(world.home, 'tiny');
    mkdirSync(tiny);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', tiny]);
    const repo = join(tiny, 'repo');
    const init = await world.run('server', 'backup-init', 'default', '--repository', repo);
    assert.equal(init.code, 0, init.stderr);
    exec('head -c 8000000 /dev/urandom > /data/fill');
    const cid = serviceContainer(stack, 'web');
    const before = postHookRuns();
    try {
      const res = await withAppRepository(repo, () => world.run('app', 'backup', 'create', app));
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /^Error: The backup of .* failed: no space left on device/m);
      assert.doesNotMatch(res.stderr, /bug/i);
      assert.equal(postHookRuns(), before + 1, 'the post-hook ran');
      assert.equal(serviceContainer(stack, 'web'), cid, 'the service kept running, same container');
      assertNoLeftoverTasks(stack);
      // The repository on the full disk is still consistent, and the server's is untouched.
      assert.match(resticJob(['check'], repo), /no errors were found/);
    } finally {
      exec('rm -f /data/fill');
    }
  });

  it('an unreachable repository: a clear error, quickly', async () => {
    // Its password secret exists (backup-init cannot reach it either).
    const name = `abra-backup_${createHash('sha256').update(UNREACHABLE).digest('hex').slice(0, 16)}`;
    if (spawnSync('docker', ['secret', 'inspect', name]).status !== 0)
      execFileSync(
        'docker',
        ['secret', 'create', '--label', `coop-cloud.backup.repository=${UNREACHABLE}`, name, '-'],
        { input: 'pw' },
      );
    const before = postHookRuns();
    const started = Date.now();
    const res = await withAppRepository(UNREACHABLE, () => world.run('app', 'backup', 'create', app));
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /^Error: The backup of .* failed: the repository is unreachable/m);
    assert.match(res.stderr, /connection refused/);
    assert.doesNotMatch(res.stderr, /no restic repository|bug/i);
    assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
    assert.equal(postHookRuns(), before + 1, 'the post-hook ran');
    assertNoLeftoverTasks(stack);
  });
});
