import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { abra, snapshotTree } from '../helpers/cli.js';
import { type Fresh, lockFresh, releaseFresh, startFresh, stopFresh } from '../helpers/fresh.js';
import { loadLab, makeOperator, type Operator } from '../helpers/lab.js';
import { startTty } from '../helpers/tty.js';

// abra server bootstrap against a fresh host (test/lab/fresh.sh): its own netns and sshd,
// Docker installed on the shared root filesystem but not running, and no Docker state at all.
// Real: SSH, the probe, starting dockerd through `service docker start` (the lab's stand-in for
// an init script), swarm init and the proxy network through the Engine API. Installing the
// package is covered by test/unit/bootstrap-service.test.ts; here detection must say installed.

let op: Operator;
let fresh: Fresh;

interface StepEvent {
  event: string;
  step?: string;
  result?: string;
  detail?: string;
}

function stepsOf(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as StepEvent)
    .filter((e) => e.event === 'bootstrap')
    .map((e) => `${e.step} ${e.result}`);
}

before(async () => {
  await lockFresh();
  const lab = loadLab();
  op = makeOperator(lab);
  fresh = startFresh(lab.hostKeyPub);
  op.writeSshConfig(fresh.sshBlock('fresh'));
  appendFileSync(join(op.sshDir, 'known_hosts'), `${fresh.knownHostsLine}\n`);
});

after(() => {
  try {
    stopFresh();
  } finally {
    releaseFresh();
    op?.cleanup();
  }
});

describe('abra server bootstrap on a fresh namespaced host', () => {
  it('server add refuses a host without a running Docker and names bootstrap (no TTY, no question)', async () => {
    const before = snapshotTree(op.home);
    const res = await abra(['server', 'add', 'fresh'], op.env);
    assert.equal(res.code, 3, res.stderr);
    assert.match(res.stderr, /Docker daemon is not running/);
    assert.match(res.stderr, /fix: +Run `abra server bootstrap fresh`/);
    assert.deepEqual(snapshotTree(op.home), before);
    assert.equal(fresh.hasDockerState(), false, 'nothing was started');
  });

  it('first run: Docker found installed, started, swarm init, proxy created', async () => {
    assert.equal(fresh.hasDockerState(), false, 'the host starts with no Docker state');
    const res = await abra(['server', 'bootstrap', 'fresh', '--machine'], op.env);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(stepsOf(res.stderr), [
      'os checked',
      'privileges checked',
      'ports checked',
      'docker-install already',
      'docker-start changed',
      'swarm changed',
      'proxy-network changed',
    ]);
    const out = JSON.parse(res.stdout) as { changed: boolean; advertiseAddr: string };
    assert.equal(out.changed, true);
    assert.equal(out.advertiseAddr, fresh.host, 'advertised on the address the operator is routed to');
    assert.equal(
      fresh.docker([
        'info',
        '--format',
        '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeAddr}}',
      ]),
      `active true ${fresh.host}`,
    );
    assert.equal(
      fresh.docker(['network', 'inspect', 'proxy', '--format', '{{.Driver}} {{.Scope}} {{.Attachable}}']),
      'overlay swarm true',
    );
  });

  it('second run changes nothing and says so for each step', async () => {
    const swarmId = fresh.docker(['info', '--format', '{{.Swarm.Cluster.ID}}']);
    const proxyId = fresh.docker(['network', 'inspect', 'proxy', '--format', '{{.Id}}']);
    const res = await abra(['server', 'bootstrap', 'fresh'], op.env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      /^Nothing to change on fresh: Docker .*, swarm manager at 192\.168\.79\.10, network proxy\./,
    );
    for (const step of ['docker-install', 'docker-start', 'swarm', 'proxy-network'])
      assert.match(res.stderr, new RegExp(`^  ${step} +already `, 'm'), step);
    assert.doesNotMatch(res.stderr, /changed/);
    assert.equal(fresh.docker(['info', '--format', '{{.Swarm.Cluster.ID}}']), swarmId);
    assert.equal(fresh.docker(['network', 'inspect', 'proxy', '--format', '{{.Id}}']), proxyId);
  });

  it('server add then works without any question', async () => {
    const res = await abra(['server', 'add', 'fresh'], op.env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Added server fresh .*Swarm active \(1 node\)/);
  });

  it('port 80 served by something else: refused, nothing changed; --force goes on', async () => {
    let httpd: ChildProcess | undefined;
    try {
      httpd = fresh.listen(80);
      await waitFor(async () => (await abra(['server', 'bootstrap', 'fresh'], op.env)).code === 1);
      const res = await abra(['server', 'bootstrap', 'fresh'], op.env);
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /fresh already serves port 80 \(busybox\).*; nothing was changed/);
      assert.match(res.stderr, /fix: +Stop that service .*--force/);
      const forced = await abra(['server', 'bootstrap', 'fresh', '--force'], op.env);
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(forced.stderr, /ports +ok +port 80 \(busybox\) in use \(ignored: --force\)/);
    } finally {
      httpd?.kill();
    }
  });

  it('bad input: not an IP for --advertise-addr, the local server', async () => {
    const bad = await abra(['server', 'bootstrap', 'fresh', '--advertise-addr', 'nope'], op.env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--advertise-addr "nope" is not an IP address/);
    const local = await abra(['server', 'bootstrap', 'default'], op.env);
    assert.equal(local.code, 1);
    assert.match(local.stderr, /Bootstrap works over SSH/);
  });
});

describe('abra server add on a bare host, at a terminal', () => {
  it('offers bootstrap, runs it when told yes, then adds the server', async () => {
    stopFresh();
    fresh = startFresh(loadLab().hostKeyPub);
    rmSync(join(op.abraDir, 'servers', 'fresh'), { recursive: true, force: true });
    const t = startTty(['server', 'add', 'fresh'], { env: op.env });
    try {
      const question = await t.waitFor(/Bootstrap fresh now[\s\S]*\[y\/N\]/, 15_000);
      assert.match(question, /The Docker daemon is not running on 192\.168\.79\.10/);
      t.keys('y', 'Enter');
      assert.equal(await t.exited(60_000), 0, t.screen());
      const screen = t.screen();
      assert.match(screen, /swarm +changed +swarm init --advertise-addr 192\.168\.79\.10/);
      assert.match(screen, /Added server fresh .*Swarm active \(1 node\)/);
    } finally {
      t.close();
    }
    assert.equal(fresh.docker(['info', '--format', '{{.Swarm.LocalNodeState}}']), 'active');
  });
});

describe('abra server bootstrap on a swarm worker', () => {
  it('is refused and the node stays a worker', async () => {
    stopFresh();
    fresh = startFresh(loadLab().hostKeyPub);
    fresh.makeWorker();
    const res = await abra(['server', 'bootstrap', 'fresh'], op.env);
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /fresh is a worker of another swarm; nothing was changed/);
    assert.match(res.stderr, /fix: +Bootstrap never makes a node leave its swarm/);
    assert.equal(
      fresh.docker(['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}']),
      'active false',
    );
    assert.equal(fresh.docker(['network', 'ls', '-q', '--filter', 'name=^proxy$']), '');
  });
});

async function waitFor(cond: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met within 10s');
    await new Promise((r) => setTimeout(r, 200));
  }
}
