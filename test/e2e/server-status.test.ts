import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ServerStatusRow } from '../../src/services/server/status.js';
import { abra } from '../helpers/cli.js';
import { docker, hostBlock, type Lab, loadLab, makeOperator, type Operator } from '../helpers/lab.js';

// abra server status against the lab swarm: three stacks of our own made with the docker CLI
// and abra's labels (a traefik app running 1/1, an app scaled to 0, an app whose task can
// never be placed), a second alias of the same sshd, and a server that refuses connections.

let lab: Lab;
let op: Operator;
const id = randomBytes(3).toString('hex');
const proxy = `st_proxy_${id}`;
const stopped = `st_stopped_${id}`;
const stuck = `st_stuck_${id}`;
const created: string[] = [];

function stackService(stack: string, recipe: string, extra: string[]): void {
  const name = `${stack}_app`;
  docker([
    'service',
    'create',
    '--detach',
    '--quiet',
    '--name',
    name,
    '--label',
    `com.docker.stack.namespace=${stack}`,
    '--label',
    `coop-cloud.${stack}.recipe=${recipe}`,
    '--label',
    `coop-cloud.${stack}.version=1.2.3+v4`,
    '--endpoint-mode',
    'dnsrr',
    '--no-resolve-image',
    ...extra,
    lab.images.busybox,
    'sleep',
    '3600',
  ]);
  created.push(name);
}

before(async () => {
  lab = loadLab();
  op = makeOperator(lab);
  op.writeSshConfig(
    hostBlock('lab', lab) + hostBlock('lab-two', lab) + hostBlock('lab-refused', lab, { Port: 1 }),
  );
  for (const s of ['lab', 'lab-two', 'lab-refused'])
    mkdirSync(join(op.abraDir, 'servers', s), { recursive: true });
  stackService(proxy, 'traefik', ['--replicas', '1']);
  stackService(stopped, 'hello', ['--replicas', '0']);
  stackService(stuck, 'hello', ['--replicas', '1', '--constraint', `node.labels.never-${id}==true`]);
  // Wait until the running one runs, so its health is a fact rather than a race.
  const deadline = Date.now() + 60_000;
  while (docker(['service', 'ls', '--filter', `name=${proxy}_app`, '--format', '{{.Replicas}}']) !== '1/1') {
    if (Date.now() > deadline) throw new Error(`${proxy}_app did not start`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

after(() => {
  if (created.length > 0) docker(['service', 'rm', ...created]);
  op?.cleanup();
});

describe('abra server status', () => {
  it('one server: versions, nodes, memory, disk, the proxy and each app with its health', async () => {
    const res = await abra(['server', 'status', 'lab', '--machine'], op.env);
    assert.equal(res.code, 0, res.stderr);
    const [row] = JSON.parse(res.stdout) as ServerStatusRow[];
    assert.equal(row?.server, 'lab');
    const r = row?.report;
    assert.ok(r, JSON.stringify(row));
    assert.equal(r.docker.version, docker(['version', '--format', '{{.Server.Version}}']));
    assert.equal(r.swarm.state, 'active');
    assert.equal(r.swarm.manager, true);
    assert.equal(r.swarm.nodes, Number(docker(['info', '--format', '{{.Swarm.Nodes}}'])));
    assert.ok(r.swarm.ready >= 1);
    assert.equal(r.memoryBytes, Number(docker(['info', '--format', '{{.MemTotal}}'])));
    assert.ok(r.disk.images.bytes > 0 && r.disk.images.count > 0, 'the lab images take space');
    const app = (stack: string) => r.apps.find((a) => a.stack === stack);
    assert.deepEqual(app(proxy), {
      stack: proxy,
      recipe: 'traefik',
      version: '1.2.3+v4',
      services: 1,
      running: 1,
      desired: 1,
      health: 'healthy',
    });
    assert.equal(app(stopped)?.health, 'stopped');
    assert.deepEqual([app(stuck)?.running, app(stuck)?.desired, app(stuck)?.health], [0, 1, 'degraded']);
    assert.equal(r.proxy?.recipe, 'traefik');
  });

  it('every server at once, one connection each; an unreachable one is a row with its error', async () => {
    const res = await abra(['server', 'status', '--debug'], op.env);
    assert.equal(res.code, 1, 'exit 1 when a server could not be reached');
    assert.match(res.stdout, /^lab: Docker \S+ \(API [\d.]+\)/m);
    assert.match(res.stdout, /^lab-two: Docker /m);
    assert.match(res.stdout, /^lab-refused: unreachable: Connection refused/m);
    assert.match(res.stdout, new RegExp(`${proxy}\\s+traefik\\s+1\\.2\\.3\\+v4\\s+1/1\\s+healthy`));
    assert.match(res.stdout, new RegExp(`${stuck}\\s+hello\\s+1\\.2\\.3\\+v4\\s+0/1\\s+degraded`));
    assert.match(res.stdout, /^ {2}proxy {3}\S+ \(.*\) \d+\/\d+ /m);
    assert.match(res.stderr, /ssh connections=2 channels=\d+ api calls=1[0-9]/);
    assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  });

  it('an unknown server is a clear error', async () => {
    const res = await abra(['server', 'status', 'nope'], op.env);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /Unknown server "nope"/);
  });
});
