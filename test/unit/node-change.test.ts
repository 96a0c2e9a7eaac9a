import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { OperationEvent } from '../../src/domain/events/types.js';
import { describeDrain, drainImpact } from '../../src/domain/nodes/drain.js';
import { Cancelled, UserError } from '../../src/errors.js';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import type { SwarmNode } from '../../src/infra/docker/swarm-types.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { ServerStore } from '../../src/infra/store/servers.js';
import { systemClock } from '../../src/services/deps.js';
import type { SignalHost } from '../../src/services/lock/signals.js';
import { labelNode, type NodeChangeDeps, setNodeAvailability } from '../../src/services/nodes/change.js';
import { type FakeEngine, startFakeEngine } from '../helpers/fake-engine.js';
import { fakePrompt, type ScriptedAnswer } from '../helpers/prompt.js';

const NS = 'com.docker.stack.namespace';

describe('drainImpact: which apps a drain moves (golden)', () => {
  const services = [
    { id: 's1', name: 'blog_app', labels: { [NS]: 'blog' }, global: false },
    { id: 's2', name: 'blog_db', labels: { [NS]: 'blog' }, global: false },
    { id: 's3', name: 'mon_agent', labels: { [NS]: 'mon' }, global: true },
    { id: 's4', name: 'adhoc', labels: undefined, global: false },
    { id: 's5', name: 'cloud_app', labels: { [NS]: 'cloud' }, global: false },
  ];
  const tasks = [
    { serviceId: 's1', nodeId: 'n1' },
    { serviceId: 's1', nodeId: 'n1' },
    { serviceId: 's1', nodeId: 'n2' },
    { serviceId: 's2', nodeId: 'n1' },
    { serviceId: 's3', nodeId: 'n1' },
    { serviceId: 's4', nodeId: 'n1' },
    { serviceId: 's5', nodeId: 'n2' },
    { serviceId: 'gone', nodeId: 'n1' },
  ];
  it('groups the tasks on the node by stack; global services stop, others move', () => {
    const impact = drainImpact('n1', tasks, services);
    assert.deepEqual(impact, {
      stacks: [
        {
          stack: 'blog',
          moves: [
            { service: 'blog_app', tasks: 2 },
            { service: 'blog_db', tasks: 1 },
          ],
          stops: [],
        },
        { stack: 'mon', moves: [], stops: ['mon_agent'] },
      ],
      other: ['adhoc', 'gone'],
      tasks: 6,
    });
    assert.deepEqual(describeDrain('web1', impact), [
      'Draining web1 moves its 6 task(s) to other nodes:',
      'blog: moves blog_app (2 tasks), blog_db',
      'mon: stops mon_agent (global: one task per node)',
      'services of no app: adhoc, gone',
    ]);
  });
  it('a node with no task: nothing moves', () => {
    const impact = drainImpact('n9', tasks, services);
    assert.deepEqual(impact, { stacks: [], other: [], tasks: 0 });
    assert.deepEqual(describeDrain('web9', impact), ['No task runs on web9: nothing moves.']);
  });
});

// The service against a fake engine: three nodes, one manager (n0, the one abra talks to).
let engine: FakeEngine;
let nodes: SwarmNode[];
let updates: { id: string; version: string | null; spec: SwarmNode['Spec'] }[];
const dirs: string[] = [];
const connectors: DockerConnector[] = [];

function node(
  id: string,
  hostname: string,
  role: 'manager' | 'worker',
  labels: Record<string, string> = {},
): SwarmNode {
  return {
    ID: id,
    Version: { Index: 5 },
    Spec: { Role: role, Availability: 'active', Labels: labels },
    Description: { Hostname: hostname },
    Status: { State: 'ready' },
    ...(role === 'manager' ? { ManagerStatus: { Leader: true, Reachability: 'reachable' } } : {}),
  };
}

before(async () => {
  engine = await startFakeEngine();
  engine.route = (req) => {
    if (req.path === '/info')
      return {
        status: 200,
        value: { Swarm: { NodeID: 'n0aaaa', LocalNodeState: 'active', ControlAvailable: true } },
      };
    if (req.path === '/nodes' && req.method === 'GET') {
      const f = JSON.parse(req.query.get('filters') ?? '{}') as { id?: string[] };
      return { status: 200, value: nodes.filter((n) => !f.id || f.id.some((i) => n.ID.startsWith(i))) };
    }
    const m = /^\/nodes\/([^/]+)\/update$/.exec(req.path);
    if (m && req.method === 'POST') {
      const n = nodes.find((x) => x.ID === m[1]);
      if (!n) return { status: 404, value: { message: 'node not found' } };
      if (req.query.get('version') !== String(n.Version.Index))
        return { status: 500, value: { message: 'update out of sequence' } };
      n.Spec = JSON.parse(req.body) as SwarmNode['Spec'];
      n.Version.Index++;
      updates.push({ id: n.ID, version: req.query.get('version'), spec: n.Spec });
      return { status: 200, value: {} };
    }
    if (req.path === '/tasks')
      return {
        status: 200,
        value: [
          {
            ID: 't1',
            ServiceID: 'svc1',
            NodeID: 'n1bbbb',
            DesiredState: 'running',
            Status: { State: 'running' },
          },
          {
            ID: 't2',
            ServiceID: 'svc1',
            NodeID: 'n1bbbb',
            DesiredState: 'running',
            Status: { State: 'running' },
          },
        ],
      };
    if (req.path === '/services')
      return {
        status: 200,
        value: [
          {
            ID: 'svc1',
            Spec: { Name: 'blog_app', Labels: { [NS]: 'blog' }, Mode: { Replicated: { Replicas: 3 } } },
          },
        ],
      };
    return undefined;
  };
});
beforeEach(() => {
  nodes = [
    node('n0aaaa', 'mgr', 'manager'),
    node('n1bbbb', 'w1', 'worker', { keep: 'me' }),
    node('n2cccc', 'w2', 'worker'),
  ];
  updates = [];
});
after(async () => {
  for (const c of connectors) await c.close();
  await engine.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function deps(answers: ScriptedAnswer[] = []) {
  const root = mkdtempSync(join(tmpdir(), 'abra-node-'));
  dirs.push(root);
  mkdirSync(join(root, 'servers', 'default'), { recursive: true });
  const env = { ...engine.env, ABRA_DIR: root, USER: 'alice' };
  const docker = new DockerConnector({ env, debug: () => undefined });
  connectors.push(docker);
  const paths = abraPaths(env);
  const seen: OperationEvent[] = [];
  const prompt = fakePrompt(answers);
  const d: NodeChangeDeps = {
    servers: new ServerStore(paths),
    docker,
    events: (e) => seen.push(e),
    prompt,
    paths,
    env,
    signals: process as unknown as SignalHost,
    machineId: async () => 'm',
    clock: systemClock,
    argv: ['server', 'node'],
  };
  const audit = () =>
    readFileSync(join(root, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { app: string; result: string; message?: string });
  return { d, seen, prompt, audit };
}

const messages = (seen: OperationEvent[]) =>
  seen.flatMap((e) => (e.type === 'info' || e.type === 'warning' ? [e.message] : []));

describe('server node drain|pause|activate (fake engine)', () => {
  it('drain lists the app whose tasks move, asks, then updates the whole spec at its version, audited', async () => {
    const { d, seen, prompt, audit } = deps([true]);
    const res = await setNodeAvailability({ server: 'default', node: 'w1', to: 'drain', force: false }, d);
    assert.equal(res.changed, true);
    assert.deepEqual(res.impact?.stacks, [
      { stack: 'blog', moves: [{ service: 'blog_app', tasks: 2 }], stops: [] },
    ]);
    assert.match(messages(seen).join('\n'), /blog: moves blog_app \(2 tasks\)/);
    assert.deepEqual(
      prompt.asked.map((a) => a.question),
      ['Drain w1 on default?'],
    );
    assert.deepEqual(updates, [
      { id: 'n1bbbb', version: '5', spec: { Role: 'worker', Availability: 'drain', Labels: { keep: 'me' } } },
    ]);
    const [entry] = audit();
    assert.equal(entry?.app, '');
    assert.equal(entry?.result, 'ok');
    assert.equal(entry?.message, 'w1: availability active -> drain');
  });

  it('drain answered no: nothing written, nothing audited', async () => {
    const { d, audit } = deps([false]);
    await assert.rejects(
      setNodeAvailability({ server: 'default', node: 'n1b', to: 'drain', force: false }, d),
      Cancelled,
    );
    assert.deepEqual(updates, []);
    assert.throws(audit);
  });

  it('--force drains without asking', async () => {
    const { d, prompt } = deps([]);
    await setNodeAvailability({ server: 'default', node: 'w2', to: 'drain', force: true }, d);
    assert.equal(prompt.asked.length, 0);
    assert.equal(nodes[2]?.Spec.Availability, 'drain');
  });

  it('refuses to drain or pause the only manager while workers need it, naming the fix', async () => {
    for (const to of ['drain', 'pause'] as const) {
      const { d } = deps([true]);
      await assert.rejects(
        setNodeAvailability({ server: 'default', node: 'mgr', to, force: false }, d),
        (err: unknown) =>
          err instanceof UserError &&
          err.code === 'node_last_manager' &&
          /last reachable manager/.test(err.message) &&
          /docker node promote/.test(err.hint ?? ''),
      );
    }
    assert.deepEqual(updates, []);
  });

  it('--force pauses the connected manager, with a warning that workers cannot be reached meanwhile', async () => {
    const { d, seen } = deps([]);
    const res = await setNodeAvailability({ server: 'default', node: 'mgr', to: 'pause', force: true }, d);
    assert.equal(res.to, 'pause');
    assert.match(messages(seen).join('\n'), /mgr is the node abra reaches default through/);
  });

  it('refuses to drain the last node that takes tasks', async () => {
    for (const n of nodes.slice(1)) n.Spec.Availability = 'drain';
    const { d } = deps([true]);
    await assert.rejects(
      setNodeAvailability({ server: 'default', node: 'mgr', to: 'drain', force: true }, d),
      (err: unknown) => err instanceof UserError && err.code === 'node_last_active',
    );
  });

  it('activate on an active node changes nothing and records nothing; an unknown node lists the nodes', async () => {
    const { d, audit } = deps();
    const res = await setNodeAvailability({ server: 'default', node: 'w1', to: 'active', force: false }, d);
    assert.equal(res.changed, false);
    assert.throws(audit);
    await assert.rejects(
      setNodeAvailability({ server: 'default', node: 'w9', to: 'active', force: false }, d),
      /No node "w9" in the swarm of default/,
    );
    assert.deepEqual(updates, []);
  });
});

describe('server node label (fake engine)', () => {
  it('sets and removes labels, keeping the others, audited', async () => {
    nodes[1] = node('n1bbbb', 'w1', 'worker', { keep: 'me', old: 'x' });
    const { d, audit } = deps();
    const res = await labelNode({ server: 'default', node: 'w1', set: ['db=primary'], remove: ['old'] }, d);
    assert.deepEqual(res.changed, ['db=primary', '-old']);
    assert.deepEqual(res.labels, { keep: 'me', db: 'primary' });
    assert.deepEqual(updates[0]?.spec.Labels, { keep: 'me', db: 'primary' });
    assert.equal(audit()[0]?.message, 'w1: db=primary -old');
  });

  it('bad input is refused before the engine is asked; the same labels again write nothing', async () => {
    const { d } = deps();
    const before = engine.requests.length;
    await assert.rejects(
      labelNode({ server: 'default', node: 'w1', set: ['novalue'], remove: [] }, d),
      /not key=value/,
    );
    assert.equal(engine.requests.length, before);
    const res = await labelNode({ server: 'default', node: 'w1', set: ['keep=me'], remove: ['absent'] }, d);
    assert.deepEqual(res.changed, []);
    assert.deepEqual(updates, []);
  });
});
