import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCompose } from '../../src/domain/compose/load.js';
import {
  bindServiceSpec,
  type DesiredService,
  storedServiceSpec,
  toStack,
} from '../../src/domain/swarm/index.js';
import { UserError } from '../../src/errors.js';

function service(yaml: string): DesiredService {
  const config = loadCompose({ files: [{ file: '/r/compose.yml', text: yaml }], workingDir: '/r', env: {} });
  const svc = toStack(config, { namespace: 'ns' }).services[0];
  assert.ok(svc);
  return svc;
}

const withRefs = `services:
  app:
    image: busybox:1
    secrets: [pw]
    configs: [{source: conf, target: /etc/conf}]
secrets:
  pw: {external: true, name: pw_v1}
configs:
  conf: {external: true, name: conf_v2}
`;

describe('bindServiceSpec', () => {
  it('fills the engine IDs in, by name', () => {
    const svc = service(withRefs);
    assert.deepEqual(svc.needs, { secrets: ['pw_v1'], configs: ['conf_v2'] });
    const spec = bindServiceSpec(svc, {
      secret: (n) => (n === 'pw_v1' ? 'sid' : undefined),
      config: (n) => (n === 'conf_v2' ? 'cid' : undefined),
    });
    const c = spec.TaskTemplate.ContainerSpec;
    assert.deepEqual(c.Secrets, [
      { File: { Name: 'pw', UID: '0', GID: '0', Mode: 0o444 }, SecretID: 'sid', SecretName: 'pw_v1' },
    ]);
    assert.deepEqual(c.Configs, [
      {
        File: { Name: '/etc/conf', UID: '0', GID: '0', Mode: 0o444 },
        ConfigName: 'conf_v2',
        ConfigID: 'cid',
      },
    ]);
    // Nothing else changes, and the pending spec is left as it was.
    assert.deepEqual(
      { ...c, Secrets: undefined, Configs: undefined },
      {
        ...svc.spec.TaskTemplate.ContainerSpec,
        Secrets: undefined,
        Configs: undefined,
      },
    );
    assert.equal(
      svc.spec.TaskTemplate.ContainerSpec.Secrets?.[0] &&
        'SecretID' in svc.spec.TaskTemplate.ContainerSpec.Secrets[0],
      false,
    );
  });

  it('names every missing object, as docker says it', () => {
    assert.throws(
      () => bindServiceSpec(service(withRefs), { secret: () => undefined, config: () => undefined }),
      (err: unknown) =>
        err instanceof UserError &&
        err.code === 'swarm_object_missing' &&
        err.message === 'service app: secret not found: pw_v1; config not found: conf_v2',
    );
  });

  it('a service without references needs no IDs', () => {
    const svc = service('services:\n  app:\n    image: busybox:1\n');
    const spec = bindServiceSpec(svc, {
      secret: () => assert.fail('no secret lookup'),
      config: () => assert.fail('no config lookup'),
    });
    assert.deepEqual(spec, svc.spec);
  });

  it('a credential spec read from a config: a runtime ref, and the ID in the spec', () => {
    const svc = service(`services:
  app:
    image: busybox:1
    credential_spec: {config: cred}
configs:
  cred: {file: ./cred.json}
`);
    assert.deepEqual(svc.spec.TaskTemplate.ContainerSpec.Configs, [{ ConfigName: 'ns_cred', Runtime: {} }]);
    const spec = bindServiceSpec(svc, { secret: () => undefined, config: () => 'cid' });
    assert.deepEqual(spec.TaskTemplate.ContainerSpec.Privileges.CredentialSpec, {
      Config: 'cid',
      File: '',
      Registry: '',
    });
    assert.deepEqual(spec.TaskTemplate.ContainerSpec.Configs, [
      { ConfigName: 'ns_cred', Runtime: {}, ConfigID: 'cid' },
    ]);
  });
});

describe('storedServiceSpec: what Engine 20.10 reports for a spec', () => {
  it('fills enum zero values, one replica, the runtime; drops what API 1.41 lacks', () => {
    const svc = service(`services:
  app:
    image: busybox:1
    healthcheck:
      test: ["CMD", "true"]
      start_interval: 2s
    ports: [{target: 80, published: 8080}]
    deploy:
      restart_policy: {delay: 3s}
      update_config: {parallelism: 2}
`);
    const stored = storedServiceSpec(svc.spec, {
      networkId: (n) => (n === 'ns_default' ? 'net1' : undefined),
    });
    assert.deepEqual(stored, {
      Name: 'ns_app',
      Labels: svc.spec.Labels,
      TaskTemplate: {
        ContainerSpec: {
          Image: 'busybox:1',
          Labels: { 'com.docker.stack.namespace': 'ns' },
          Privileges: { CredentialSpec: null, SELinuxContext: null },
          Healthcheck: { Test: ['CMD', 'true'] },
          Isolation: 'default',
        },
        Resources: {},
        RestartPolicy: { Condition: 'any', Delay: 3_000_000_000, MaxAttempts: 0 },
        Placement: {},
        Networks: [{ Target: 'net1', Aliases: ['app'] }],
        ForceUpdate: 0,
        Runtime: 'container',
      },
      Mode: { Replicated: { Replicas: 1 } },
      // No Monitor: the engine does not store swarmkit's 5s default, `docker service inspect`
      // only shows it.
      UpdateConfig: { Parallelism: 2, FailureAction: 'pause', MaxFailureRatio: 0, Order: 'stop-first' },
      EndpointSpec: {
        Mode: 'vip',
        Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' }],
      },
    });
  });

  it('leaves absent policies absent', () => {
    const stored = storedServiceSpec(
      service('services:\n  app:\n    image: busybox:1\n    deploy: {mode: global}\n').spec,
    );
    assert.equal(stored.TaskTemplate.RestartPolicy, undefined);
    assert.equal(stored.UpdateConfig, undefined);
    assert.equal(stored.RollbackConfig, undefined);
    assert.equal(stored.TaskTemplate.ContainerSpec.StopGracePeriod, undefined);
    assert.deepEqual(stored.Mode, { Global: {} });
  });
});
