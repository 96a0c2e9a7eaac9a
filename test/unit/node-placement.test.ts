import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Constraint, isPin, nodeMeets, parseConstraint } from '../../src/domain/nodes/constraints.js';
import type { NodeFacts } from '../../src/domain/nodes/facts.js';
import {
  type PlacedService,
  splitVolumeServices,
  splitVolumeWarning,
  unplaceableServices,
} from '../../src/domain/nodes/placement.js';
import type { Mount } from '../../src/domain/swarm/spec.js';

function node(hostname: string, extra: Partial<NodeFacts> = {}): NodeFacts {
  return {
    id: `id-${hostname}`,
    hostname,
    role: 'worker',
    availability: 'active',
    state: 'ready',
    labels: {},
    ...extra,
  };
}

const three = [
  node('mgr', { role: 'manager', labels: { zone: 'a' } }),
  node('w1', { labels: { zone: 'b', db: 'primary' } }),
  node('w2', { labels: { zone: 'b' } }),
];

function c(text: string): Constraint {
  const parsed = parseConstraint(text);
  assert.ok(parsed, text);
  return parsed;
}

const vol = (source: string, extra: Partial<Mount> = {}): Mount => ({
  Type: 'volume',
  Source: source,
  Target: `/data/${source}`,
  ...extra,
});

function svc(name: string, constraints: string[] = [], mounts: Mount[] = [], replicas = 1): PlacedService {
  return {
    name,
    mode: { Replicated: { Replicas: replicas } },
    placement: { Constraints: constraints },
    mounts,
  };
}

describe('parseConstraint / nodeMeets (swarmkit semantics)', () => {
  it('reads == and != with spaces, and rejects what swarmkit rejects', () => {
    assert.deepEqual(parseConstraint(' node.role == manager '), {
      text: 'node.role == manager',
      key: 'node.role',
      op: '==',
      value: 'manager',
    });
    assert.equal(parseConstraint('node.labels.db!=primary')?.op, '!=');
    assert.equal(parseConstraint('node.role'), undefined);
    assert.equal(parseConstraint('node.role=='), undefined, 'swarmkit refuses an empty value');
  });
  it('compares values case-insensitively; a missing label is ""; an unknown key matches nothing', () => {
    const w1 = three[1] as NodeFacts;
    assert.equal(nodeMeets(w1, c('node.hostname==W1')), true);
    assert.equal(nodeMeets(w1, c('node.labels.db==primary')), true);
    assert.equal(nodeMeets(w1, c('node.labels.DB==primary')), false);
    assert.equal(nodeMeets(w1, c('node.labels.gpu!=yes')), true);
    assert.equal(nodeMeets(w1, c('node.colour==red')), false);
    assert.equal(nodeMeets(w1, c('node.colour!=red')), false);
  });
  it('a pin is an id, a hostname, or a label value only one node has', () => {
    assert.equal(isPin(c('node.hostname==w2'), three), true);
    assert.equal(isPin(c('node.id==id-w2'), three), true);
    assert.equal(isPin(c('node.labels.db==primary'), three), true);
    assert.equal(isPin(c('node.labels.zone==b'), three), false);
    assert.equal(isPin(c('node.role==worker'), three), false);
    assert.equal(isPin(c('node.hostname!=w2'), three), false);
  });
});

describe('splitVolumeServices (volumes are node-local)', () => {
  it('golden: on three nodes, only unpinned services with a named local volume', () => {
    const services: PlacedService[] = [
      svc('db', [], [vol('app_db')]),
      svc('pinned', ['node.hostname == w1'], [vol('app_pinned')]),
      svc('labelled', ['node.labels.db == primary'], [vol('app_labelled')]),
      svc('zone', ['node.labels.zone == b'], [vol('app_zone'), vol('app_zone2'), vol('app_zone')]),
      svc('manager-only', ['node.role == manager'], [vol('app_m')]),
      svc('stateless', []),
      svc('bind', [], [{ Type: 'bind', Source: '/srv', Target: '/srv' }]),
      svc('anon', [], [{ Type: 'volume', Target: '/tmp/x' }]),
      svc(
        'nfs',
        [],
        [vol('app_nfs', { VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'nfs' } } } })],
      ),
      svc('plugin', [], [vol('app_p', { VolumeOptions: { DriverConfig: { Name: 'rexray' } } })]),
      { name: 'agent', mode: { Global: {} }, placement: undefined, mounts: [vol('app_agent')] },
    ];
    assert.deepEqual(splitVolumeServices(services, three), [
      { service: 'db', volumes: ['app_db'], nodes: ['mgr', 'w1', 'w2'] },
      { service: 'zone', volumes: ['app_zone', 'app_zone2'], nodes: ['w1', 'w2'] },
    ]);
  });
  it('one eligible node (a single-node swarm, or others drained) is no warning', () => {
    const services = [svc('db', [], [vol('app_db')])];
    assert.deepEqual(splitVolumeServices(services, [node('solo', { role: 'manager' })]), []);
    const drained = three.map((n) => (n.hostname === 'mgr' ? n : { ...n, availability: 'drain' as const }));
    assert.deepEqual(splitVolumeServices(services, drained), []);
  });
  it('the warning names the service, the volume and the fix', () => {
    assert.equal(
      splitVolumeWarning('blog.example.com', { service: 'db', volumes: ['blog_db'], nodes: ['w1', 'w2'] }),
      'blog.example.com: service db mounts volume blog_db but may run on 2 nodes (w1, w2); volumes are ' +
        'node-local, so a reschedule to another node starts with an empty volume. Fix: pin it in the ' +
        'recipe, e.g. deploy.placement.constraints: ["node.hostname == w1"] (or a node label only one node has).',
    );
  });
});

describe('unplaceableServices (a constraint no node meets)', () => {
  it('golden: names the constraint no node meets, alone when it alone rules every node out', () => {
    const res = unplaceableServices(
      [
        svc('app', ['node.role == worker', 'node.labels.gpu == yes']),
        svc('ok', ['node.labels.zone == b']),
        svc('combo', ['node.labels.zone == a', 'node.role == worker']),
        svc('idle', ['node.hostname == nowhere'], [], 0),
      ],
      three,
    );
    assert.deepEqual(res, [
      {
        service: 'app',
        constraints: ['node.labels.gpu == yes'],
        detail:
          'no node meets it (nodes: mgr [node.labels.gpu=], w1 [node.labels.gpu=], w2 [node.labels.gpu=])',
      },
      {
        service: 'combo',
        constraints: ['node.labels.zone == a', 'node.role == worker'],
        detail:
          'no node meets them together (nodes: mgr [node.labels.zone=a], w1 [node.labels.zone=b], w2 [node.labels.zone=b])',
      },
    ]);
  });
  it('nodes that meet it but are drained or down count as none, and say so', () => {
    const nodes = [
      node('solo', { role: 'manager' }),
      node('w1', { availability: 'drain', labels: { db: 'x' } }),
    ];
    assert.deepEqual(unplaceableServices([svc('db', ['node.labels.db == x'])], nodes), [
      {
        service: 'db',
        constraints: ['node.labels.db == x'],
        detail: 'only w1 (drain) meets them, and cannot take tasks now',
      },
    ]);
  });
  it('a single node meeting the constraint is fine; a global service is checked too', () => {
    const solo = [node('solo', { role: 'manager' })];
    assert.deepEqual(unplaceableServices([svc('app', ['node.role == manager'])], solo), []);
    const global: PlacedService = {
      name: 'agent',
      mode: { Global: {} },
      placement: { Constraints: ['node.role == worker'] },
      mounts: [],
    };
    assert.equal(unplaceableServices([global], solo)[0]?.constraints[0], 'node.role == worker');
  });
});
