import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelloWorld } from '../helpers/hello-world.js';
import { type Lab, loadLab } from '../helpers/lab.js';
import {
  type MultiNode,
  managerHostBlock,
  NODE_NAMES,
  startMultiNode,
  stopMultiNode,
} from '../helpers/multinode.js';

// Issue 16's "done when" on the 3-node lab (test/lab/multinode.sh): the operator reaches only the
// manager, over SSH like a real server; tasks on the workers are reached through it.
//   app:  3 replicas, spread one per node, each line of its log names its node
//   data: 1 replica pinned to the worker l3-n1, with a named volume that is backed up (other apps
//         of the same recipe change its constraint with DATA_PIN, to exercise placement checks)

const WORKER = 'l3-n1';
const compose = (v: number, version: string) => `---
version: "3.8"

services:
  app:
    image: abra-lab/busybox:1
    command:
      - sh
      - -c
      - trap 'exit 0' TERM; while :; do echo "tick from $$NODE_NAME v=$$V"; sleep 1; done & wait
    environment:
      - NODE_NAME={{.Node.Hostname}}
      - V=${v}
    stop_grace_period: 1s
    deploy:
      replicas: 3
      endpoint_mode: dnsrr
      update_config:
        parallelism: 1
        delay: 0s
        monitor: 1s
        failure_action: rollback
        order: stop-first
      labels:
        - "coop-cloud.\${STACK_NAME}.version=${version}"
        - "coop-cloud.\${STACK_NAME}.timeout=\${TIMEOUT:-120}"
  data:
    image: abra-lab/busybox:1
    command:
      - sh
      - -c
      - trap 'exit 0' TERM; sleep 100000 & wait
    environment:
      - NODE_NAME={{.Node.Hostname}}
    volumes:
      - data:/data
    stop_grace_period: 1s
    deploy:
      endpoint_mode: dnsrr
      placement:
        constraints:
          - "\${DATA_PIN:-node.hostname == ${WORKER}}"
      labels:
        - "backupbot.backup=true"

volumes:
  data:
`;

let lab: Lab;
let mn: MultiNode;
let world: HelloWorld;
let app: string;
let stack: string;

interface PsTask {
  nodeName?: string;
  state: string;
  desired: string;
  current: boolean;
}
interface PsService {
  service: string;
  replicas: string;
  tasks: PsTask[];
}

async function ps(): Promise<PsService[]> {
  const res = await world.run('app', 'ps', app, '--machine');
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout).services as PsService[];
}

function running(s: PsService | undefined): PsTask[] {
  return (s?.tasks ?? []).filter((t) => t.desired === 'running' && t.state === 'running');
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface NodeJson {
  hostname: string;
  availability: string;
  labels: Record<string, string>;
}

async function serverNodes(): Promise<NodeJson[]> {
  const res = await world.run('server', 'nodes', 'l3', '--machine');
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout).nodes as NodeJson[];
}

/** What the swarm itself says, through the manager's engine. */
function availability(node: string): string {
  return mn.docker(0, ['node', 'inspect', node, '--format', '{{.Spec.Availability}}']);
}
function nodeLabels(node: string): Record<string, string> {
  return JSON.parse(mn.docker(0, ['node', 'inspect', node, '--format', '{{json .Spec.Labels}}'])) ?? {};
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The data volume's tree as the worker's own engine sees it: paths, modes and sha256 of files. */
function dataTree(): string {
  const c = mn.docker(1, [
    'ps',
    '-q',
    '--filter',
    `label=com.docker.swarm.service.name=${stack}_data`,
    '--filter',
    'status=running',
  ]);
  assert.ok(c, `a running data container on ${WORKER}`);
  return mn.docker(1, [
    'exec',
    c.split('\n')[0] ?? '',
    'sh',
    '-c',
    'cd /data && find . | sort | while read -r f; do stat -c "%a %F %n" "$f"; done && find . -type f -exec sha256sum {} + | sort -k2',
  ]);
}

before(async () => {
  lab = loadLab();
  mn = await startMultiNode(lab.hostKeyPub);
  world = new HelloWorld([
    { tag: '1.0.0+1', edit: () => compose(1, '1.0.0+1') },
    { tag: '1.1.0+1', edit: () => compose(2, '1.1.0+1') },
  ]);
  world.env.ABRA_HELPER_IMAGE = lab.images.socat;
  world.env.ABRA_RESTIC_IMAGE = lab.images.restic;
  const ssh = join(world.home, '.ssh');
  mkdirSync(ssh, { recursive: true, mode: 0o700 });
  copyFileSync(lab.sshKey, join(ssh, 'id_ed25519'));
  chmodSync(join(ssh, 'id_ed25519'), 0o600);
  writeFileSync(join(ssh, 'known_hosts'), `${mn.knownHostsLine}\n`);
  writeFileSync(
    join(ssh, 'config'),
    managerHostBlock('l3', join(ssh, 'id_ed25519'), join(ssh, 'known_hosts')),
  );
  const added = await world.run('server', 'add', 'l3');
  assert.equal(added.code, 0, added.stderr);
  app = world.app('mn', { COMPOSE_FILE: 'compose.yml' }, 'l3');
  stack = world.stack(app);
  const dep = await world.run('app', 'deploy', app, '1.0.0+1', '-n', '--no-domain-checks');
  assert.equal(dep.code, 0, dep.stderr);
});

after(() => {
  try {
    world?.cleanup();
  } finally {
    stopMultiNode();
  }
});

describe('multi-node: every command reaches the workers through the manager', () => {
  it('spreads the 3 replicas one task per node, and app ps names three nodes', async () => {
    const services = await ps();
    const appSvc = services.find((s) => s.service === 'app');
    assert.equal(appSvc?.replicas, '3/3');
    const nodes = running(appSvc).map((t) => t.nodeName);
    assert.deepEqual([...nodes].sort(), [...NODE_NAMES]);
    const data = running(services.find((s) => s.service === 'data'));
    assert.deepEqual(
      data.map((t) => t.nodeName),
      [WORKER],
    );
  });

  it('app logs shows lines from all three tasks', async () => {
    const seen = await until('log lines from every node', async () => {
      const res = await world.run('app', 'logs', app, 'app', '--tail', '20');
      assert.equal(res.code, 0, res.stderr);
      const nodes = new Set([...res.stdout.matchAll(/tick from (l3-n\d) v=1/g)].map((m) => m[1]));
      return nodes.size === 3 ? [...nodes].sort() : undefined;
    });
    assert.deepEqual(seen, [...NODE_NAMES]);
  });

  it('app run reaches the task on a worker and returns its exit code', async () => {
    const res = await world.run(
      'app',
      'run',
      app,
      'data',
      '--',
      'sh',
      '-c',
      'echo "$NODE_NAME $(hostname)"; exit 3',
    );
    assert.equal(res.code, 3, res.stderr);
    const [node, host] = res.stdout.trim().split(' ');
    assert.equal(node, WORKER);
    // the container it ran in is the worker's own (its engine knows it by that id)
    assert.ok(mn.docker(1, ['ps', '-q', '--no-trunc']).includes(host ?? 'none'), `${host} runs on ${WORKER}`);
  });

  it('app cp copies to and from the task on a worker, byte for byte', async () => {
    const bytes = randomBytes(300_000);
    const local = join(world.home, 'in.bin');
    writeFileSync(local, bytes);
    const up = await world.run('app', 'cp', app, local, 'data:/data/');
    assert.equal(up.code, 0, up.stderr);
    assert.match(dataTree(), new RegExp(`${sha256(bytes)} +\\./in\\.bin`));
    const outDir = join(world.home, 'out');
    mkdirSync(outDir);
    const down = await world.run('app', 'cp', app, 'data:/data/in.bin', outDir);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha256(readFileSync(join(outDir, 'in.bin'))), sha256(bytes));
  });

  it('a volume on a worker backs up and restores byte-identical (restic runs on that node)', async () => {
    const repo = join(world.home, 'repo');
    const conf = await world.run('server', 'backup-config', 'l3', '--repository', repo);
    assert.equal(conf.code, 0, conf.stderr);
    const init = await world.run('server', 'backup-init', 'l3');
    assert.equal(init.code, 0, init.stderr);
    const fill = await world.run(
      'app',
      'run',
      app,
      'data',
      '--',
      'sh',
      '-c',
      'cd /data && mkdir -p a/b "with space" && for i in 1 2 3 4 5; do head -c $((i * 7919)) /dev/urandom > a/f$i; done && head -c 65536 /dev/urandom > "with space/h" && chmod 600 a/f1 && echo tiny > a/b/t',
    );
    assert.equal(fill.code, 0, fill.stderr);
    const tree = dataTree();
    const made = await world.run('app', 'backup', 'create', app, '--machine');
    assert.equal(made.code, 0, made.stderr);
    const snap = JSON.parse(made.stdout).snapshots[0];
    assert.deepEqual(snap.services, ['data']);
    // Destroy, and add a file that was not there.
    const wipe = await world.run(
      'app',
      'run',
      app,
      'data',
      '--',
      'sh',
      '-c',
      'rm -rf /data/* && echo stray > /data/stray',
    );
    assert.equal(wipe.code, 0, wipe.stderr);
    assert.notEqual(dataTree(), tree);
    const restored = await world.run('app', 'restore', app, '--machine');
    assert.equal(restored.code, 0, restored.stderr);
    assert.deepEqual(JSON.parse(restored.stdout).services, ['data']);
    assert.equal(dataTree(), tree);
  });

  it('app volume ls names the worker that holds the data volume', async () => {
    const res = await world.run('app', 'volume', 'ls', app, '--machine');
    assert.equal(res.code, 0, res.stderr);
    const volumes = JSON.parse(res.stdout).volumes as { name: string; node: string }[];
    assert.deepEqual(
      volumes.map((v) => [v.name, v.node]),
      [[`${stack}_data`, WORKER]],
    );
    // The worker's own engine agrees, and the manager's has no such volume.
    assert.equal(mn.docker(1, ['volume', 'ls', '-q', '--filter', `name=${stack}_data`]), `${stack}_data`);
    assert.equal(mn.docker(0, ['volume', 'ls', '-q', '--filter', `name=${stack}_data`]), '');
    const table = await world.run('app', 'volume', 'ls', app);
    assert.match(table.stdout, new RegExp(`^${stack}_data +local +- +${WORKER} +-$`, 'm'));
  });

  it('server node label sets and removes a label, shown by server nodes --machine; pause refuses a scale-up pinned there; activate', async () => {
    const set = await world.run('server', 'node', 'label', 'l3', 'l3-n2', 'abra-e2e=yes', 'zone=b');
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(nodeLabels('l3-n2'), { 'abra-e2e': 'yes', zone: 'b' });
    const listed = await serverNodes();
    assert.deepEqual(listed.find((n) => n.hostname === 'l3-n2')?.labels, { 'abra-e2e': 'yes', zone: 'b' });
    const rm = await world.run('server', 'node', 'label', 'l3', 'l3-n2', '--rm', 'zone', '--machine');
    assert.equal(rm.code, 0, rm.stderr);
    assert.deepEqual(JSON.parse(rm.stdout).changed, ['-zone']);
    assert.deepEqual(nodeLabels('l3-n2'), { 'abra-e2e': 'yes' });
    const bad = await world.run('server', 'node', 'label', 'l3', 'l3-n2', 'no-value');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"no-value" is not key=value/);

    const pause = await world.run('server', 'node', 'pause', 'l3', 'l3-n1');
    assert.equal(pause.code, 0, pause.stderr);
    assert.equal(availability('l3-n1'), 'pause');
    // data is pinned to the paused node: scaling it up is refused at once, naming the constraint.
    const scale = await world.run('app', 'scale', app, 'data=2');
    assert.equal(scale.code, 1, scale.stderr);
    assert.match(scale.stderr, /Cannot scale .*: no node of l3 can run a service; nothing was changed/);
    assert.match(
      scale.stderr,
      /service data: placement constraint "node.hostname == l3-n1": only l3-n1 \(pause\) meets them/,
    );
    assert.equal(
      mn.docker(0, ['service', 'inspect', `${stack}_data`, '--format', '{{.Spec.Mode.Replicated.Replicas}}']),
      '1',
    );
    const back = await world.run('server', 'node', 'activate', 'l3', 'l3-n1');
    assert.equal(back.code, 0, back.stderr);
    assert.equal(availability('l3-n1'), 'active');
    // Audited as server-wide entries (app ''), as `server prune` is.
    const audit = readFileSync(join(world.abraDir, 'audit.log'), 'utf8');
    assert.match(audit, /"app":"".*l3-n2: abra-e2e=yes zone=b/);
    assert.match(audit, /l3-n1: availability pause -> active/);
  });

  it('a constraint no node meets: app check warns, deploy refuses naming it and creates nothing; an unpinned volume is warned about', async () => {
    const nowhere = world.app(
      'pl',
      { COMPOSE_FILE: 'compose.yml', DATA_PIN: 'node.labels.abra-e2e == nowhere' },
      'l3',
    );
    const check = await world.run('app', 'check', nowhere, '--machine');
    const placement = JSON.parse(check.stdout).placement;
    assert.equal(placement.checked, true, check.stderr);
    assert.equal(placement.nodes, 3);
    assert.deepEqual(
      placement.unplaceable.map((u: { service: string; constraints: string[] }) => [
        u.service,
        u.constraints,
      ]),
      [['data', ['node.labels.abra-e2e == nowhere']]],
    );
    const dep = await world.run('app', 'deploy', nowhere, '1.0.0+1', '-n', '--no-domain-checks');
    assert.equal(dep.code, 1, dep.stderr);
    assert.match(dep.stderr, /no node of l3 can run a service; nothing was changed/);
    assert.match(
      dep.stderr,
      /service data: placement constraint "node.labels.abra-e2e == nowhere": no node meets it/,
    );
    assert.match(dep.stderr, /abra server node label l3 <node> abra-e2e=nowhere/);
    const ns = `label=com.docker.stack.namespace=${world.stack(nowhere)}`;
    assert.equal(mn.docker(0, ['service', 'ls', '-q', '--filter', ns]), '');
    assert.equal(mn.docker(0, ['network', 'ls', '-q', '--filter', ns]), '');

    const spread = world.app(
      'sv',
      { COMPOSE_FILE: 'compose.yml', DATA_PIN: 'node.platform.os == linux' },
      'l3',
    );
    const warned = await world.run('app', 'check', spread, '--machine');
    const split = JSON.parse(warned.stdout).placement.splitVolumes as string[];
    assert.equal(split.length, 1, warned.stderr);
    assert.match(
      split[0] ?? '',
      /service data mounts volume \S+_data but may run on 3 nodes \(l3-n0, l3-n1, l3-n2\)/,
    );
    assert.match(warned.stderr, /"event":"warning".*service data mounts volume/);
  });

  it('drain lists the app, needs a terminal or -n, moves the task off the node, app ps shows where; activate', async () => {
    const onN2 = running((await ps()).find((s) => s.service === 'app')).filter((t) => t.nodeName === 'l3-n2');
    assert.equal(onN2.length, 1, 'one app task on l3-n2 before the drain');
    const asked = await world.run('server', 'node', 'drain', 'l3', 'l3-n2');
    assert.equal(asked.code, 1);
    assert.match(asked.stderr, new RegExp(`${stack}: moves ${stack}_app`));
    assert.match(asked.stderr, /Needs confirmation, but there is no terminal to ask: Drain l3-n2 on l3\?/);
    assert.equal(availability('l3-n2'), 'active');

    const drained = await world.run('-n', 'server', 'node', 'drain', 'l3', 'l3-n2', '--machine');
    assert.equal(drained.code, 0, drained.stderr);
    const res = JSON.parse(drained.stdout);
    assert.equal(res.to, 'drain');
    assert.deepEqual(res.impact.stacks.find((x: { stack: string }) => x.stack === stack)?.moves, [
      { service: `${stack}_app`, tasks: 1 },
    ]);
    assert.equal(availability('l3-n2'), 'drain');
    const moved = await until('the app task to move off l3-n2', async () => {
      const live = running((await ps()).find((s) => s.service === 'app')).filter((t) => t.current);
      return live.length === 3 && live.every((t) => t.nodeName !== 'l3-n2') ? live : undefined;
    });
    assert.ok(
      moved.every((t) => t.nodeName === 'l3-n0' || t.nodeName === 'l3-n1'),
      JSON.stringify(moved),
    );
    const table = await world.run('app', 'ps', app);
    assert.doesNotMatch(
      table.stdout
        .split('\n')
        .filter((l) => /running/.test(l))
        .join('\n'),
      /l3-n2/,
    );

    const active = await world.run('server', 'node', 'activate', 'l3', 'l3-n2');
    assert.equal(active.code, 0, active.stderr);
    assert.equal(availability('l3-n2'), 'active');
    assert.equal((await serverNodes()).find((n) => n.hostname === 'l3-n2')?.availability, 'active');
  });

  it('refuses to drain the only manager, which abra reaches the workers through', async () => {
    const res = await world.run('-n', 'server', 'node', 'drain', 'l3', 'l3-n0');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /Refusing to drain l3-n0: it is the last reachable manager that takes tasks/);
    assert.match(res.stderr, /docker node promote/);
    assert.equal(availability('l3-n0'), 'active');
  });

  it("a worker's dockerd killed mid-deploy: the app converges on the live nodes, or rolls back clearly", async (t) => {
    const deploy = world.start('app', 'deploy', app, '1.1.0+1', '-n', '--no-domain-checks');
    const exited = new Promise<number | null>((resolve) => deploy.once('close', resolve));
    // Kill l3-n2 once the update has begun (its first task replaced), not before.
    await until('the update to start', async () => {
      const out = mn.docker(0, [
        'service',
        'inspect',
        `${stack}_app`,
        '--format',
        '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}} {{range .Spec.TaskTemplate.ContainerSpec.Env}}{{.}},{{end}}',
      ]);
      return /V=2/.test(out) ? out : undefined;
    });
    mn.stopNode(2);
    try {
      const code = await exited;
      const output = deploy.output();
      const env = mn.docker(0, [
        'service',
        'inspect',
        `${stack}_app`,
        '--format',
        '{{range .Spec.TaskTemplate.ContainerSpec.Env}}{{.}},{{end}}',
      ]);
      const why = output
        .split('\n')
        .filter((l) => /^Error:|failed|timed out/i.test(l))
        .slice(0, 3)
        .join(' | ');
      t.diagnostic(
        `deploy with l3-n2 killed: ${code === 0 ? 'converged on the live nodes' : `rolled back (exit ${code}): ${why}`}`,
      );
      if (code === 0) {
        // Converged: three tasks of the new version, running on the two live nodes.
        assert.match(env, /V=2/);
        const appSvc = (await ps()).find((s) => s.service === 'app');
        const live = running(appSvc).filter((t) => t.current);
        assert.equal(live.length, 3, JSON.stringify(appSvc));
        assert.ok(
          live.every((t) => t.nodeName === 'l3-n0' || t.nodeName === 'l3-n1'),
          JSON.stringify(live),
        );
      } else {
        // Rolled back: said so, and the spec is the old one again.
        assert.match(output, /roll(ed)? ?back/i, output);
        assert.match(env, /V=1/, output);
      }
    } finally {
      mn.startNode(2);
    }
    await until('l3-n2 Ready again', async () =>
      /l3-n2 Ready/.test(mn.docker(0, ['node', 'ls', '--format', '{{.Hostname}} {{.Status}}']))
        ? true
        : undefined,
    );
  });
});
