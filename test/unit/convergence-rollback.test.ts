import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperationEvent } from '../../src/domain/events/types.js';
import type { DockerClient } from '../../src/infra/docker/client.js';
import type { Service, ServiceSpec, Task } from '../../src/infra/docker/swarm-types.js';
import { rollBack } from '../../src/services/deploy/rollback.js';
import { assessService } from '../../src/services/deploy/watch.js';
import { emptyApplied } from '../../src/services/release/apply.js';

const NS = 'com.docker.stack.namespace';

function spec(image: string, stack = 'st'): ServiceSpec {
  return {
    Name: `${stack}_app`,
    Labels: { [NS]: stack },
    TaskTemplate: { ContainerSpec: { Image: image } },
    Mode: { Replicated: { Replicas: 1 } },
  } as unknown as ServiceSpec;
}

function service(image: string, update?: string, replicas = 1): Service {
  const s = spec(image);
  s.Mode = { Replicated: { Replicas: replicas } };
  return {
    ID: 'svc1',
    Version: { Index: 3 },
    CreatedAt: '2026-01-01T00:00:00Z',
    UpdatedAt: '2026-01-01T00:00:00Z',
    Spec: s,
    ...(update ? { UpdateStatus: { State: update, Message: 'update paused due to failure' } } : {}),
  };
}

function task(image: string, state: string, extra: Partial<Task['Status']> = {}, desired = 'running'): Task {
  return {
    ID: `t-${Math.random()}`,
    Version: { Index: 1 },
    CreatedAt: '2026-01-01T00:00:00Z',
    UpdatedAt: '2026-01-01T00:00:01.5Z',
    Spec: { ContainerSpec: { Image: image } } as Task['Spec'],
    ServiceID: 'svc1',
    Status: { Timestamp: '2026-01-01T00:00:01Z', State: state, ...extra },
    DesiredState: desired,
  };
}

describe('assessService: when a deploy counts as converged or failed (golden cases)', () => {
  const cases: [string, Service, Task[], ReturnType<typeof assessService>['state'], RegExp?][] = [
    ['the new task runs', service('img:2'), [task('img:2', 'running')], 'converged'],
    [
      'only the old version runs',
      service('img:2'),
      [task('img:1', 'running')],
      'pending',
      /waiting for tasks/,
    ],
    ['the new task is starting', service('img:2'), [task('img:2', 'starting')], 'pending', /starting/],
    [
      'a stuck task explains itself',
      service('img:2'),
      [task('img:2', 'pending', { Err: 'no suitable node (host-mode port already in use)' })],
      'pending',
      /no suitable node/,
    ],
    [
      'a rejected task fails at once',
      service('img:2'),
      [task('img:2', 'rejected', { Err: 'No such image' })],
      'failed',
      /rejected/,
    ],
    [
      'three failed tasks of the new version',
      service('img:2'),
      [1, 2, 3].map(() => task('img:2', 'failed', { ContainerStatus: { ExitCode: 3 } }, 'shutdown')),
      'failed',
      /3 tasks of the new version failed/,
    ],
    [
      'swarm paused the update',
      service('img:2', 'paused'),
      [task('img:2', 'failed', {}, 'shutdown')],
      'failed',
      /swarm stopped the update \(paused\)/,
    ],
    ['scaled to zero is converged', service('img:2', undefined, 0), [], 'converged'],
    [
      'an update still in progress is not converged',
      service('img:2', 'updating'),
      [task('img:2', 'running')],
      'pending',
      /updating/,
    ],
  ];
  for (const [name, svc, tasks, state, detail] of cases) {
    it(name, () => {
      const p = assessService(svc, tasks, 3);
      assert.equal(p.state, state, JSON.stringify(p));
      if (detail)
        assert.match(
          p.state === 'pending' ? p.detail : p.state === 'failed' ? `${p.reason} ${p.taskError ?? ''}` : '',
          detail,
        );
    });
  }

  it("watching a rollback, swarm's rollback states are progress, not failure", () => {
    assert.equal(
      assessService(service('img:1', 'rollback_started'), [task('img:1', 'running')], 3, true).state,
      'pending',
    );
    assert.equal(
      assessService(service('img:1', 'rollback_completed'), [task('img:1', 'running')], 3, true).state,
      'converged',
    );
    assert.equal(
      assessService(service('img:1', 'rollback_completed'), [task('img:1', 'running')], 3, false).state,
      'failed',
    );
  });
});

/** An engine that records writes and answers inspects from memory; tasks run at once. */
function fakeEngine(services: Map<string, Service>) {
  const calls: string[] = [];
  let next = 100;
  const docker = {
    inspectService: async (id: string) => {
      const s = services.get(id);
      if (!s) throw new Error(`no service ${id}`);
      return structuredClone(s);
    },
    updateService: async (id: string, version: number, next: ServiceSpec) => {
      const s = services.get(id);
      assert.ok(s && s.Version.Index === version, 'updates carry the current version index');
      calls.push(`update ${id} ${next.TaskTemplate.ContainerSpec?.Image}`);
      services.set(id, { ...s, Spec: next, Version: { Index: version + 1 } });
    },
    removeService: async (id: string) => {
      calls.push(`remove ${id}`);
      services.delete(id);
    },
    createService: async (s: ServiceSpec) => {
      const id = `svc${next++}`;
      calls.push(`create ${id} ${s.Name}`);
      services.set(id, { ...service(s.TaskTemplate.ContainerSpec?.Image ?? ''), ID: id, Spec: s });
      return { ID: id };
    },
    tasks: async () =>
      [...services.values()].map((s) => ({
        ...task(s.Spec.TaskTemplate.ContainerSpec?.Image ?? '', 'running'),
        ServiceID: s.ID,
        Spec: s.Spec.TaskTemplate,
      })),
    // No event stream: the watcher polls.
    events: async function* () {},
  };
  return { docker: docker as unknown as DockerClient, calls };
}

describe('rollBack (against a fake engine)', () => {
  it('puts back previous specs, removes what it created, recreates what it pruned, and converges', async () => {
    const updated = { ...service('img:2'), ID: 'u1' };
    const created = { ...service('img:2'), ID: 'c1', Spec: { ...spec('img:2'), Name: 'st_new' } };
    const services = new Map([
      ['u1', updated],
      ['c1', created],
    ]);
    const { docker, calls } = fakeEngine(services);
    const applied = emptyApplied();
    applied.updated.push({ id: 'u1', name: 'app', previous: spec('img:1') });
    applied.created.push({ id: 'c1', name: 'new' });
    applied.removed.push({ id: 'gone', name: 'worker', previous: { ...spec('img:1'), Name: 'st_worker' } });
    const events: OperationEvent[] = [];
    const ok = await rollBack(docker, 'st', applied, {
      fresh: false,
      app: 'a',
      server: 's',
      events: (e) => events.push(e),
      timeoutMs: 5000,
    });
    assert.equal(ok, true);
    assert.deepEqual(calls, ['remove c1', 'create svc100 st_worker', 'update u1 img:1']);
    assert.deepEqual(
      events.filter((e) => e.type === 'rollback').map((e) => (e.type === 'rollback' ? e.phase : '')),
      ['started', 'done'],
    );
  });

  it('leaves a service alone when swarm already rolled it back, and never touches one without the stack label', async () => {
    const already = { ...service('img:1'), ID: 'u1' };
    const foreign = { ...service('img:2'), ID: 'f1', Spec: { ...spec('img:2'), Labels: {} } };
    const services = new Map([
      ['u1', already],
      ['f1', foreign],
    ]);
    const { docker, calls } = fakeEngine(services);
    const applied = emptyApplied();
    applied.updated.push({ id: 'u1', name: 'app', previous: spec('img:1') });
    applied.updated.push({ id: 'f1', name: 'other', previous: spec('img:0') });
    await rollBack(docker, 'st', applied, {
      fresh: false,
      app: 'a',
      server: 's',
      events: () => undefined,
      timeoutMs: 5000,
    });
    assert.deepEqual(calls, []);
  });
});
