import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { abra } from '../helpers/cli.js';
import { docker } from '../helpers/lab.js';

const home = mkdtempSync(join(tmpdir(), 'abra-nodes-'));
const env = { PATH: process.env.PATH, HOME: home, ABRA_DIR: join(home, '.abra'), USER: 'root' };
mkdirSync(join(home, '.abra', 'servers', 'default'), { recursive: true });
after(() => rmSync(home, { recursive: true, force: true }));

describe('abra server nodes (one-node lab swarm)', () => {
  it('lists the node as docker does, with its role, availability, engine and running tasks', async () => {
    const res = await abra(['server', 'nodes', 'default', '-m'], env);
    assert.equal(res.code, 0, res.stderr);
    const { nodes } = JSON.parse(res.stdout) as {
      nodes: {
        id: string;
        hostname: string;
        role: string;
        leader: boolean;
        availability: string;
        engine: string;
        tasks: number;
      }[];
    };
    const expected = docker(['node', 'ls', '--format', '{{.ID}} {{.Hostname}} {{.Availability}}'])
      .split('\n')
      .map((l) => l.split(' '));
    assert.deepEqual(
      nodes.map((n) => [
        n.id.slice(0, expected[0]?.[0]?.length ?? 12),
        n.hostname,
        n.availability.replace(/^./, (c) => c.toUpperCase()),
      ]),
      expected,
    );
    assert.equal(nodes[0]?.role, 'manager');
    assert.equal(nodes[0]?.leader, true);
    assert.equal(nodes[0]?.engine, docker(['version', '--format', '{{.Server.Version}}']));
    const running = docker(['node', 'ps', 'self', '--filter', 'desired-state=running', '-q'])
      .split('\n')
      .filter(Boolean).length;
    // Other tests deploy concurrently: the count is of the same order, read at another moment.
    assert.ok(Math.abs((nodes[0]?.tasks ?? -1) - running) <= 10, `${nodes[0]?.tasks} vs ${running}`);
    const table = await abra(['server', 'nodes', 'default'], env);
    assert.match(table.stdout, /^NODE\s+ROLE\s+AVAILABILITY/m);
    assert.match(table.stdout, /manager \(leader\)\s+active\s+ready/);
  });

  it('server node drain/pause refuse the only node, changing nothing; an unknown node lists the nodes', async () => {
    const host = docker(['node', 'inspect', 'self', '--format', '{{.Description.Hostname}}']);
    for (const verb of ['drain', 'pause']) {
      const res = await abra(['-n', 'server', 'node', verb, 'default', host, '--force'], env);
      assert.equal(res.code, 1, res.stderr);
      assert.match(
        res.stderr,
        new RegExp(`Refusing to ${verb} ${host}: it is the last node of default that takes tasks`),
      );
      assert.match(res.stderr, /Add a node first/);
    }
    assert.equal(docker(['node', 'inspect', 'self', '--format', '{{.Spec.Availability}}']), 'active');
    const unknown = await abra(['server', 'node', 'activate', 'default', 'no-such-node'], env);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      new RegExp(`No node "no-such-node" in the swarm of default[\\s\\S]*${host}`),
    );
  });

  it('an unknown server is a clear error', async () => {
    const res = await abra(['server', 'nodes', 'nope'], env);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /Unknown server "nope"/);
  });
});
