import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeFacts } from '../../src/domain/nodes/facts.js';
import { unplaceableServices } from '../../src/domain/nodes/placement.js';
import { volumesOnNodes } from '../../src/domain/nodes/volumes.js';
import type { DesiredStack } from '../../src/domain/swarm/stack.js';
import { placedServices, splitVolumeWarnings, unplaceableError } from '../../src/services/nodes/placement.js';

const node = (hostname: string, extra: Partial<NodeFacts> = {}): NodeFacts => ({
  id: `id-${hostname}`,
  hostname,
  role: 'worker',
  availability: 'active',
  state: 'ready',
  labels: {},
  ...extra,
});
const nodes = [node('n0', { role: 'manager' }), node('n1', { labels: { db: 'yes' } }), node('n2')];

function stack(
  services: { key: string; constraints?: string[]; volume?: string; global?: boolean; replicas?: number }[],
): DesiredStack {
  return {
    namespace: 'blog',
    services: services.map((s) => ({
      key: s.key,
      spec: {
        Name: `blog_${s.key}`,
        Mode: s.global ? { Global: {} } : { Replicated: { Replicas: s.replicas ?? 1 } },
        TaskTemplate: {
          Placement: s.constraints ? { Constraints: s.constraints } : {},
          ContainerSpec: {
            Image: 'x',
            ...(s.volume ? { Mounts: [{ Type: 'volume', Source: `blog_${s.volume}`, Target: '/d' }] } : {}),
          },
        },
      },
    })),
  } as unknown as DesiredStack;
}

describe('placement rules wired to a desired stack (deploy and app check)', () => {
  const desired = stack([
    { key: 'app', volume: 'data' },
    { key: 'db', volume: 'db', constraints: ['node.labels.db == yes'] },
    { key: 'web' },
    { key: 'cache', constraints: ['node.labels.zone == eu'] },
    { key: 'agent', global: true, volume: 'agent' },
  ]);

  it('warns for the unpinned service with a volume only (a label one node has is a pin)', () => {
    assert.deepEqual(splitVolumeWarnings('blog.example.com', desired, nodes), [
      'blog.example.com: service app mounts volume blog_data but may run on 3 nodes (n0, n1, n2); volumes are node-local, so a reschedule to another node starts with an empty volume. Fix: pin it in the recipe, e.g. deploy.placement.constraints: ["node.hostname == n0"] (or a node label only one node has).',
    ]);
    // One node: nothing to split.
    assert.deepEqual(splitVolumeWarnings('blog.example.com', desired, nodes.slice(0, 1)), []);
  });

  it('only the services a deploy changes are judged; the refusal names service, constraint and nodes', () => {
    const changed = placedServices(desired, new Set(['cache', 'web']));
    assert.deepEqual(
      changed.map((s) => s.name),
      ['web', 'cache'],
    );
    const list = unplaceableServices(changed, nodes);
    assert.deepEqual(
      list.map((u) => [u.service, u.constraints]),
      [['cache', ['node.labels.zone == eu']]],
    );
    const err = unplaceableError('blog.example.com', 'srv', list);
    assert.equal(err.code, 'placement_unsatisfiable');
    assert.equal(
      err.message,
      'Cannot deploy blog.example.com: no node of srv can run a service; nothing was changed.\n' +
        '  service cache: placement constraint "node.labels.zone == eu": no node meets it (nodes: n0 [node.labels.zone=], n1 [node.labels.zone=], n2 [node.labels.zone=])',
    );
    assert.match(err.hint ?? '', /abra server node label srv <node> zone=eu/);
    // Unchanged services are not judged at all.
    assert.deepEqual(unplaceableServices(placedServices(desired, new Set(['app'])), nodes), []);
  });

  it('every node drained: even an unconstrained service cannot be placed, and the hint says so', () => {
    const drained = nodes.map((n) => ({ ...n, availability: 'drain' as const }));
    const list = unplaceableServices(placedServices(desired, new Set(['web'])), drained);
    const err = unplaceableError('blog.example.com', 'srv', list);
    assert.match(err.message, /service web: no node takes tasks: n0 \(drain\), n1 \(drain\), n2 \(drain\)/);
    assert.match(err.hint ?? '', /abra server nodes srv/);
  });
});

describe('volumesOnNodes: where the stack’s volumes live, from its tasks (golden)', () => {
  const mount = (source: string, driver?: string) => ({
    Type: 'volume',
    Source: source,
    ...(driver ? { VolumeOptions: { DriverConfig: { Name: driver } } } : {}),
  });
  it('each volume once per node where a task container was created; others and binds ignored', () => {
    assert.deepEqual(
      volumesOnNodes('blog', [
        {
          nodeId: 'n1',
          containerCreated: true,
          mounts: [mount('blog_data'), { Type: 'bind', Source: '/x' }],
        },
        { nodeId: 'n1', containerCreated: true, mounts: [mount('blog_data')] },
        // Moved after a drain: the volume now exists on n2 as well (empty there).
        { nodeId: 'n2', containerCreated: true, mounts: [mount('blog_data')] },
        // Rejected before its container existed: no volume was made.
        { nodeId: 'n0', containerCreated: false, mounts: [mount('blog_data')] },
        // Not yet scheduled.
        { nodeId: undefined, containerCreated: false, mounts: [mount('blog_db')] },
        {
          nodeId: 'n0',
          containerCreated: true,
          mounts: [mount('blog_db', 'nfs-driver'), mount('other_data')],
        },
      ]),
      [
        { volume: 'blog_data', nodeId: 'n1', driver: 'local' },
        { volume: 'blog_data', nodeId: 'n2', driver: 'local' },
        { volume: 'blog_db', nodeId: 'n0', driver: 'nfs-driver' },
      ],
    );
  });
});
