import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EngineAnswers, healthOf, summariseServer } from '../../src/domain/status/server-status.js';

// Golden cases for `abra server status`'s fold of five Engine API answers.

const ns = 'com.docker.stack.namespace';

function svc(name: string, stack: string, labels: Record<string, string>, running: number, desired: number) {
  return {
    Spec: { Name: name, Labels: { [ns]: stack, ...labels } },
    ServiceStatus: { RunningTasks: running, DesiredTasks: desired },
  };
}

const answers: EngineAnswers = {
  version: { Version: '24.0.7', ApiVersion: '1.43', KernelVersion: '6.1.0' },
  info: {
    MemTotal: 4 * 1024 ** 3,
    NCPU: 2,
    OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
    Swarm: { LocalNodeState: 'active', ControlAvailable: true, NodeAddr: '203.0.113.10' },
  },
  nodes: [
    {
      Spec: { Role: 'manager' },
      Status: { State: 'ready' },
      Description: { Engine: { EngineVersion: '24.0.7' } },
    },
    {
      Spec: { Role: 'worker' },
      Status: { State: 'down' },
      Description: { Engine: { EngineVersion: '23.0.1' } },
    },
  ],
  df: {
    LayersSize: 1000,
    Containers: [{ SizeRw: 10 }, { SizeRw: 5 }],
    Volumes: [{ UsageData: { Size: 300 } }, { UsageData: { Size: -1 } }, { UsageData: null }],
    BuildCache: null,
  },
  services: [
    svc(
      'traefik_example_com_app',
      'traefik_example_com',
      {
        'coop-cloud.traefik_example_com.recipe': 'traefik',
        'coop-cloud.traefik_example_com.version': '2.1.0+v2.11.0',
      },
      1,
      1,
    ),
    svc(
      'blog_example_com_app',
      'blog_example_com',
      { 'coop-cloud.blog_example_com.recipe': 'wordpress' },
      1,
      1,
    ),
    svc('blog_example_com_db', 'blog_example_com', {}, 0, 1),
    svc('old_example_com_app', 'old_example_com', {}, 0, 0),
  ],
};

describe('summariseServer', () => {
  it('folds versions, nodes, memory, disk, the proxy and app health', () => {
    const r = summariseServer(answers);
    assert.deepEqual(r.docker, {
      version: '24.0.7',
      api: '1.43',
      os: 'Debian GNU/Linux 12 (bookworm)',
      kernel: '6.1.0',
    });
    assert.deepEqual(r.swarm, {
      state: 'active',
      manager: true,
      address: '203.0.113.10',
      nodes: 2,
      ready: 1,
      managers: 1,
      engines: ['23.0.1', '24.0.7'],
    });
    assert.equal(r.memoryBytes, 4 * 1024 ** 3);
    assert.deepEqual(r.disk, {
      images: { count: 0, bytes: 1000, unused: 0 },
      containers: { count: 2, running: 0, bytes: 15 },
      volumes: { count: 3, bytes: 300, unused: 0 },
      buildCacheBytes: 0,
    });
    assert.deepEqual(
      r.apps.map(
        (a) => `${a.stack} ${a.recipe ?? '-'} ${a.version ?? '-'} ${a.running}/${a.desired} ${a.health}`,
      ),
      [
        'blog_example_com wordpress - 1/2 degraded',
        'old_example_com - - 0/0 stopped',
        'traefik_example_com traefik 2.1.0+v2.11.0 1/1 healthy',
      ],
    );
    assert.equal(r.proxy?.stack, 'traefik_example_com');
  });

  it('a node outside a swarm or a worker: no nodes, no apps, no proxy', () => {
    const r = summariseServer({
      ...answers,
      info: { ...answers.info, Swarm: { LocalNodeState: 'inactive', ControlAvailable: false, NodeAddr: '' } },
      nodes: undefined,
      services: undefined,
    } as EngineAnswers);
    assert.deepEqual(
      [r.swarm.state, r.swarm.address, r.swarm.nodes, r.apps, r.proxy],
      ['inactive', undefined, 0, [], undefined],
    );
  });

  it('health', () => {
    assert.equal(healthOf({ running: 0, desired: 0 }), 'stopped');
    assert.equal(healthOf({ running: 2, desired: 2 }), 'healthy');
    assert.equal(healthOf({ running: 1, desired: 2 }), 'degraded');
  });
});
