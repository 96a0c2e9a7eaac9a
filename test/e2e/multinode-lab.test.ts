import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, loadLab } from '../helpers/lab.js';
import {
  MANAGER_IP,
  type MultiNode,
  NODE_NAMES,
  type NodeIndex,
  startMultiNode,
  stopMultiNode,
} from '../helpers/multinode.js';

// The 3-node lab itself (test/lab/multinode.sh): what multinode.test.ts builds on.
let lab: Lab;
let mn: MultiNode;
const NODES: NodeIndex[] = [0, 1, 2];

before(async () => {
  lab = loadLab();
  mn = await startMultiNode(lab.hostKeyPub);
});
after(() => stopMultiNode());

async function until<T>(what: string, f: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('3-node lab', () => {
  it('has three Ready nodes, one of them the manager, and the lab images on each', () => {
    const nodes = mn
      .docker(0, ['node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'])
      .split('\n')
      .map((s) => s.trim())
      .sort();
    assert.deepEqual(nodes, ['l3-n0 Ready Leader', 'l3-n1 Ready', 'l3-n2 Ready']);
    for (const n of NODES) {
      const tags = mn.docker(n, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']).split('\n');
      // What multinode.sh loads by default (postgres and the proxy/ACME fixtures only on request).
      for (const img of [lab.images.busybox, lab.images.nginx, lab.images.restic, lab.images.socat])
        assert.ok(tags.includes(img), `${img} on ${NODE_NAMES[n]}`);
    }
  });

  it('is idempotent: a second up changes nothing', () => {
    const ids = mn.docker(0, ['node', 'ls', '-q']);
    execFileSync('bash', [new URL('../lab/multinode.sh', import.meta.url).pathname, 'up'], {
      stdio: 'ignore',
    });
    assert.equal(mn.docker(0, ['node', 'ls', '-q']), ids);
  });

  it('reaches the manager over ssh at its own address', () => {
    const dir = mkdtempSync(join(tmpdir(), 'l3-kh-'));
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${mn.knownHostsLine}\n`);
    const out = execFileSync(
      'ssh',
      [
        '-F',
        '/dev/null',
        '-i',
        lab.sshKey,
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'BatchMode=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'StrictHostKeyChecking=yes',
        `root@${MANAGER_IP}`,
        'docker info --format "{{.Name}} {{.Swarm.ControlAvailable}}"',
      ],
      { encoding: 'utf8' },
    ).trim();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(out, 'l3-n0 true');
  });

  it('spreads a 3-replica dnsrr service one task per node', async () => {
    const name = `spread-${Math.random().toString(36).slice(2, 8)}`;
    mn.docker(0, [
      'service',
      'create',
      '-d',
      '-q',
      '--no-resolve-image',
      '--name',
      name,
      '--replicas',
      '3',
      '--endpoint-mode',
      'dnsrr',
      '--stop-grace-period',
      '1s',
      lab.images.busybox,
      'sleep',
      '3600',
    ]);
    try {
      const placed = await until('3 running tasks', () => {
        const rows = mn
          .docker(0, [
            'service',
            'ps',
            name,
            '--filter',
            'desired-state=running',
            '--format',
            '{{.Node}} {{.CurrentState}}',
          ])
          .split('\n')
          .filter((r) => /Running/.test(r));
        return rows.length === 3 ? rows.map((r) => r.split(' ')[0]).sort() : undefined;
      });
      assert.deepEqual(placed, [...NODE_NAMES]);
    } finally {
      mn.docker(0, ['service', 'rm', name]);
    }
  });

  it("gives each node its own engine on the host and in its tasks' /var/run/docker.sock", async () => {
    const ids = NODES.map((n) => mn.docker(n, ['info', '--format', '{{.Name}} {{.Swarm.NodeID}}']));
    assert.deepEqual(
      ids.map((s) => s.split(' ')[0]),
      [...NODE_NAMES],
    );
    assert.equal(new Set(ids.map((s) => s.split(' ')[1])).size, 3);
    // A job on every node asks the engine behind the socket it bind-mounts for its name.
    const name = `sock-${Math.random().toString(36).slice(2, 8)}`;
    mn.docker(0, [
      'service',
      'create',
      '-d',
      '-q',
      '--no-resolve-image',
      '--name',
      name,
      '--mode',
      'global-job',
      '--mount',
      'type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock',
      '--entrypoint',
      'sh',
      lab.images.socat,
      '-c',
      'printf "GET /info HTTP/1.0\\r\\n\\r\\n" | socat - UNIX-CONNECT:/var/run/docker.sock | grep -o "\\"Name\\":\\"l3-n[0-9]*\\""',
    ]);
    try {
      for (const n of NODES) {
        const out = await until(`the job's output on ${NODE_NAMES[n]}`, () => {
          const c = mn.docker(n, ['ps', '-aq', '--filter', `label=com.docker.swarm.service.name=${name}`]);
          if (!c) return undefined;
          const logs = mn.docker(n, ['logs', c.split('\n')[0] ?? '']);
          return logs ? logs : undefined;
        });
        assert.equal(out, `"Name":"${NODE_NAMES[n]}"`);
      }
    } finally {
      mn.docker(0, ['service', 'rm', name]);
    }
  });
});
