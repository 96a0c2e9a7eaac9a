// Golden cases for toStack: small compose files and the full desired state docker would
// create for them (each behaviour here was checked against `docker stack deploy` on the lab,
// see test/e2e/swarm-spec-oracle.test.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCompose } from '../../src/domain/compose/load.js';
import { type DesiredStack, toStack } from '../../src/domain/swarm/index.js';
import { UserError } from '../../src/errors.js';

const NS = { 'com.docker.stack.namespace': 'app' };
const PRIVILEGES = { CredentialSpec: null, SELinuxContext: null, NoNewPrivileges: false };

function stackOf(yaml: string, files: Record<string, string> = {}): DesiredStack {
  const config = loadCompose({
    files: [{ file: '/recipe/compose.yml', text: yaml }],
    workingDir: '/recipe',
    env: { STACK_NAME: 'app' },
  });
  return toStack(config, {
    namespace: 'app',
    readFile: (p) => {
      const text = files[p];
      if (text === undefined) throw new Error(`test reads unknown file ${p}`);
      return Buffer.from(text);
    },
  });
}

function fails(yaml: string, message: RegExp): void {
  assert.throws(
    () => stackOf(yaml),
    (err: unknown) => err instanceof UserError && message.test(err.message),
  );
}

describe('toStack: golden stacks', () => {
  it('a bare service: default network, replicated, nothing else set', () => {
    assert.deepEqual(stackOf('services:\n  app:\n    image: nginx\n'), {
      namespace: 'app',
      networks: [
        {
          Name: 'app_default',
          Driver: 'overlay',
          Internal: false,
          Attachable: false,
          Labels: NS,
          CheckDuplicate: true,
        },
      ],
      externalNetworks: [],
      secrets: [],
      configs: [],
      externalSecrets: [],
      externalConfigs: [],
      services: [
        {
          key: 'app',
          needs: { secrets: [], configs: [] },
          spec: {
            Name: 'app_app',
            Labels: { 'com.docker.stack.image': 'nginx', ...NS },
            TaskTemplate: {
              // The image is sent tagged; the label keeps the compose text.
              ContainerSpec: { Image: 'nginx:latest', Labels: NS, Privileges: PRIVILEGES },
              Resources: {},
              Placement: {},
              Networks: [{ Target: 'app_default', Aliases: ['app'] }],
              ForceUpdate: 0,
            },
            Mode: { Replicated: {} },
            EndpointSpec: {},
          },
        },
      ],
    });
  });

  it('an abra-style app: external proxy, versioned external secrets, a templated config', () => {
    const stack = stackOf(
      `version: "3.8"
services:
  app:
    image: "wordpress:5.7.2"
    entrypoint: /docker-entrypoint.sh
    command: apache2-foreground
    environment:
      - WORDPRESS_DB_HOST=db
      - PHP_EXTENSIONS
    networks: [backend, proxy]
    secrets: [db_password]
    configs:
      - source: entrypoint_conf
        target: /docker-entrypoint.sh
        mode: 0555
    volumes:
      - "content:/var/www/html/wp-content/"
    deploy:
      update_config:
        failure_action: rollback
        order: start-first
      labels:
        - "traefik.enable=true"
        - coop-cloud.\${STACK_NAME}.version=1.0.0+5.7.2
  db:
    image: "mariadb:10.6"
    networks: [backend]
    secrets: [db_password]
    volumes: ["mariadb:/var/lib/mysql"]
networks:
  backend:
  proxy:
    external: true
volumes:
  mariadb:
  content:
secrets:
  db_password:
    external: true
    name: \${STACK_NAME}_db_password_v1
configs:
  entrypoint_conf:
    name: \${STACK_NAME}_entrypoint_conf_v3
    file: entrypoint.sh.tmpl
    template_driver: golang
`,
      { '/recipe/entrypoint.sh.tmpl': '#!/bin/sh\n' },
    );
    const volume = (name: string, target: string) => ({
      Type: 'volume',
      Source: `app_${name}`,
      Target: target,
      VolumeOptions: { Labels: NS },
    });
    const secret = {
      File: { Name: 'db_password', UID: '0', GID: '0', Mode: 0o444 },
      SecretName: 'app_db_password_v1',
    };
    assert.deepEqual(stack, {
      namespace: 'app',
      networks: [
        {
          Name: 'app_backend',
          Driver: 'overlay',
          Internal: false,
          Attachable: false,
          Labels: NS,
          CheckDuplicate: true,
        },
      ],
      externalNetworks: ['proxy'],
      secrets: [],
      configs: [
        {
          key: 'entrypoint_conf',
          file: '/recipe/entrypoint.sh.tmpl',
          spec: {
            Name: 'app_entrypoint_conf_v3',
            Labels: NS,
            Data: Buffer.from('#!/bin/sh\n').toString('base64'),
            Templating: { Name: 'golang' },
          },
        },
      ],
      externalSecrets: ['app_db_password_v1'],
      externalConfigs: [],
      services: [
        {
          key: 'app',
          needs: { secrets: ['app_db_password_v1'], configs: ['app_entrypoint_conf_v3'] },
          spec: {
            Name: 'app_app',
            Labels: {
              'com.docker.stack.image': 'wordpress:5.7.2',
              ...NS,
              'coop-cloud.app.version': '1.0.0+5.7.2',
              'traefik.enable': 'true',
            },
            TaskTemplate: {
              ContainerSpec: {
                Image: 'wordpress:5.7.2',
                Labels: NS,
                // docker's mapping: entrypoint -> Command, command -> Args.
                Command: ['/docker-entrypoint.sh'],
                Args: ['apache2-foreground'],
                // A key without a value is sent bare: the task gets no such variable.
                Env: ['PHP_EXTENSIONS', 'WORDPRESS_DB_HOST=db'],
                Privileges: PRIVILEGES,
                Mounts: [volume('content', '/var/www/html/wp-content/')],
                Secrets: [secret],
                Configs: [
                  {
                    File: { Name: '/docker-entrypoint.sh', UID: '0', GID: '0', Mode: 0o555 },
                    ConfigName: 'app_entrypoint_conf_v3',
                  },
                ],
              },
              Resources: {},
              Placement: {},
              Networks: [
                { Target: 'app_backend', Aliases: ['app'] },
                { Target: 'proxy', Aliases: ['app'] },
              ],
              ForceUpdate: 0,
            },
            Mode: { Replicated: {} },
            // Only what compose set, plus the CLI's Parallelism 1; the engine fills no more.
            UpdateConfig: {
              Parallelism: 1,
              FailureAction: 'rollback',
              MaxFailureRatio: 0,
              Order: 'start-first',
            },
            EndpointSpec: {},
          },
        },
        {
          key: 'db',
          needs: { secrets: ['app_db_password_v1'], configs: [] },
          spec: {
            Name: 'app_db',
            Labels: { 'com.docker.stack.image': 'mariadb:10.6', ...NS },
            TaskTemplate: {
              ContainerSpec: {
                Image: 'mariadb:10.6',
                Labels: NS,
                Privileges: PRIVILEGES,
                Mounts: [volume('mariadb', '/var/lib/mysql')],
                Secrets: [secret],
              },
              Resources: {},
              Placement: {},
              Networks: [{ Target: 'app_backend', Aliases: ['db'] }],
              ForceUpdate: 0,
            },
            Mode: { Replicated: {} },
            EndpointSpec: {},
          },
        },
      ],
    });
  });

  it('deploy options: modes, resources, restart, placement, endpoint', () => {
    const stack = stackOf(`services:
  web:
    image: registry.example.com:5000/team/web:2
    restart: on-failure:2
    ports:
      - "8080:80"
      - target: 53
        published: 53
        protocol: udp
        mode: host
    deploy:
      replicas: 3
      endpoint_mode: VIP
      resources:
        limits: {cpus: "1.5", memory: 512M, pids: 64}
        reservations: {cpus: "0.25"}
      placement:
        constraints: [node.role == worker]
        preferences: [{spread: node.labels.zone}]
        max_replicas_per_node: 1
      rollback_config:
        parallelism: 0
        monitor: 10s
  agent:
    image: docker.io/library/busybox:1
    restart: always
    deploy:
      mode: global
  migrate:
    image: busybox@sha256:${'a'.repeat(64)}
    restart: "no"
    deploy:
      mode: replicated-job
      replicas: 2
`);
    const spec = (key: string) => stack.services.find((s) => s.key === key)?.spec;
    const web = spec('web');
    assert.equal(web?.TaskTemplate.ContainerSpec.Image, 'registry.example.com:5000/team/web:2');
    assert.deepEqual(web?.Mode, { Replicated: { Replicas: 3 } });
    assert.deepEqual(web?.TaskTemplate.Resources, {
      Limits: { NanoCPUs: 1_500_000_000, MemoryBytes: 512 * 1024 * 1024, Pids: 64 },
      Reservations: { NanoCPUs: 250_000_000 },
    });
    // The legacy `restart:` only counts when deploy.restart_policy is absent.
    assert.deepEqual(web?.TaskTemplate.RestartPolicy, { Condition: 'on-failure', MaxAttempts: 2 });
    assert.deepEqual(web?.TaskTemplate.Placement, {
      Constraints: ['node.role == worker'],
      Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }],
      MaxReplicas: 1,
    });
    // Ports by published port; the mode is lower-cased; short syntax spells protocol and mode.
    assert.deepEqual(web?.EndpointSpec, {
      Mode: 'vip',
      Ports: [
        { Protocol: 'udp', TargetPort: 53, PublishedPort: 53, PublishMode: 'host' },
        { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
      ],
    });
    assert.deepEqual(web?.RollbackConfig, {
      Parallelism: 0,
      Monitor: 10_000_000_000,
      MaxFailureRatio: 0,
      Order: '',
    });
    assert.equal(web?.UpdateConfig, undefined);

    const agent = spec('agent');
    assert.equal(agent?.TaskTemplate.ContainerSpec.Image, 'busybox:1');
    assert.equal(agent?.Labels['com.docker.stack.image'], 'docker.io/library/busybox:1');
    assert.deepEqual(agent?.Mode, { Global: {} });
    assert.deepEqual(agent?.TaskTemplate.RestartPolicy, { Condition: 'any' });

    const migrate = spec('migrate');
    assert.equal(migrate?.TaskTemplate.ContainerSpec.Image, `busybox@sha256:${'a'.repeat(64)}`);
    assert.deepEqual(migrate?.Mode, { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 2 } });
    assert.equal(migrate?.TaskTemplate.RestartPolicy, undefined);
  });

  it('container options: env order, capabilities, ulimits, hosts, healthcheck, mounts', () => {
    const stack = stackOf(`services:
  app:
    image: busybox:1
    hostname: h
    user: "1000"
    working_dir: /w
    init: false
    read_only: true
    stop_grace_period: 90s
    stop_signal: SIGQUIT
    environment:
      B_X: "2"
      B: "1"
      EMPTY: ""
    cap_add: [sys_admin, CAP_NET_ADMIN]
    cap_drop: [SYS_ADMIN, mknod]
    ulimits:
      nofile: {soft: 10, hard: 20}
      nproc: 5
    extra_hosts: ["db:10.0.0.2", "v6=[::1]"]
    dns: [9.9.9.9]
    healthcheck:
      disable: true
    sysctls: {net.core.somaxconn: "512"}
    logging:
      driver: syslog
    volumes:
      - /srv:/srv:ro
      - type: tmpfs
        target: /run
      - ext:/ext
networks: {}
volumes:
  ext:
    external: true
`);
    const c = stack.services[0]?.spec.TaskTemplate.ContainerSpec;
    assert.deepEqual(c, {
      Image: 'busybox:1',
      Labels: NS,
      Hostname: 'h',
      // Sorted as bytes: "=" (0x3d) sorts before "_" (0x5f).
      Env: ['B=1', 'B_X=2', 'EMPTY='],
      Dir: '/w',
      User: '1000',
      Privileges: PRIVILEGES,
      Init: false,
      StopSignal: 'SIGQUIT',
      ReadOnly: true,
      Mounts: [
        { Type: 'bind', Source: '/srv', Target: '/srv', ReadOnly: true },
        { Type: 'tmpfs', Target: '/run' },
        // External volumes: the name as is, no labels.
        { Type: 'volume', Source: 'ext', Target: '/ext', VolumeOptions: {} },
      ],
      StopGracePeriod: 90_000_000_000,
      Healthcheck: { Test: ['NONE'] },
      Hosts: ['10.0.0.2 db', '::1 v6'],
      DNSConfig: { Nameservers: ['9.9.9.9'] },
      Sysctls: { 'net.core.somaxconn': '512' },
      // Added wins over dropped; names are normalised to CAP_*.
      CapabilityAdd: ['CAP_NET_ADMIN', 'CAP_SYS_ADMIN'],
      CapabilityDrop: ['CAP_MKNOD'],
      Ulimits: [
        { Name: 'nofile', Hard: 20, Soft: 10 },
        { Name: 'nproc', Hard: 5, Soft: 5 },
      ],
    });
    assert.deepEqual(stack.services[0]?.spec.TaskTemplate.LogDriver, { Name: 'syslog' });
  });

  it('stack objects: names, labels, unused networks, driver secrets, external lists', () => {
    const stack = stackOf(
      `services:
  app:
    image: busybox:1
    networks:
      front:
        aliases: [www]
      host: {}
      ext: {}
    secrets: [local, shared]
    configs: [cfg]
networks:
  front:
    name: custom_front
    attachable: true
    internal: true
    driver_opts: {encrypted: ""}
    labels: {team: a}
    ipam:
      config: [{subnet: 10.9.0.0/24}]
  unused: {}
  host:
    external: true
    name: host
  ext:
    external: true
secrets:
  local:
    file: ./s.txt
    labels: {k: v}
  shared:
    external: true
  unused_secret:
    file: ./s.txt
configs:
  cfg:
    external: true
    name: global_cfg
`,
      { '/recipe/s.txt': 'pw' },
    );
    assert.deepEqual(stack.networks, [
      {
        Name: 'custom_front',
        Driver: 'overlay',
        Internal: true,
        Attachable: true,
        Labels: { ...NS, team: 'a' },
        CheckDuplicate: true,
        Options: { encrypted: '' },
        IPAM: { Driver: '', Config: [{ Subnet: '10.9.0.0/24' }] },
      },
    ]);
    // The engine's own networks need no check and take no aliases.
    assert.deepEqual(stack.externalNetworks, ['ext']);
    assert.deepEqual(stack.services[0]?.spec.TaskTemplate.Networks, [
      { Target: 'custom_front', Aliases: ['www', 'app'] },
      { Target: 'ext', Aliases: ['app'] },
      { Target: 'host' },
    ]);
    // Every declared non-external secret is created, used or not.
    assert.deepEqual(
      stack.secrets.map((s) => [s.spec.Name, s.spec.Labels, s.spec.Data]),
      [
        ['app_local', { ...NS, k: 'v' }, 'cHc='],
        ['app_unused_secret', NS, 'cHc='],
      ],
    );
    assert.deepEqual(stack.externalSecrets, ['shared']);
    assert.deepEqual(stack.externalConfigs, ['global_cfg']);
    assert.deepEqual(stack.services[0]?.needs, { secrets: ['app_local', 'shared'], configs: ['global_cfg'] });
  });

  it('without readFile, file objects carry their path and no data', () => {
    const config = loadCompose({
      files: [
        {
          file: '/r/compose.yml',
          text: 'services:\n  a:\n    image: x\nsecrets:\n  s:\n    file: ./s\n    template_driver: golang\n',
        },
      ],
      workingDir: '/r',
      env: {},
    });
    const stack = toStack(config, { namespace: 'ns' });
    assert.deepEqual(stack.secrets, [
      {
        key: 's',
        file: '/r/s',
        spec: {
          Name: 'ns_s',
          Labels: { 'com.docker.stack.namespace': 'ns' },
          Templating: { Name: 'golang' },
        },
      },
    ]);
  });
});

describe("toStack: docker's conversion errors", () => {
  const svc = (body: string, tail = '') => `services:\n  app:\n    image: x\n${body}${tail}`;
  it('undefined network', () =>
    fails(svc('    networks: [nope]\n'), /service app: undefined network "nope"/));
  it('undefined volume', () => fails(svc('    volumes: ["nope:/x"]\n'), /undefined volume "nope"/));
  it('undefined secret', () => fails(svc('    secrets: [nope]\n'), /undefined secret "nope"/));
  it('cpus finer than a nanoCPU', () =>
    fails(
      svc('    deploy:\n      resources:\n        limits: {cpus: "0.0000000001"}\n'),
      /value is too precise/,
    ));
  it('global with replicas', () =>
    fails(
      svc('    deploy:\n      mode: global\n      replicas: 2\n'),
      /replicas can only be used with replicated or replicated-job mode/,
    ));
  it('healthcheck test and disable', () =>
    fails(
      svc('    healthcheck:\n      test: ["CMD", "true"]\n      disable: true\n'),
      /test and disable can't be set at the same time/,
    ));
  it('one secret target twice', () =>
    fails(
      svc(
        '    secrets:\n      - {source: a, target: t}\n      - {source: b, target: t}\n',
        'secrets:\n  a: {external: true}\n  b: {external: true}\n',
      ),
      /duplicate secret target for b not allowed/,
    ));
  it('unknown legacy restart policy', () =>
    fails(svc('    restart: sometimes\n'), /invalid restart policy "sometimes"/));
});
