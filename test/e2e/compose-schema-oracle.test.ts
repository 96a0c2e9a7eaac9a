// Oracle test for the compose schema validator: every generated document goes through
// `docker stack config -c <file>` (docker CLI 28.2.2, no daemon needed) and through our validator,
// and the two must agree on accept/reject. Where docker rejects, the place it names must also be
// one of the places we name.
//
// docker validates the schema before its loader runs, so a schema-invalid document never reaches
// the loader. Schema-valid documents, though, must also load, or docker would reject them for a
// reason our validator is not meant to see. The generators therefore never produce, in a
// schema-valid position: `${...}` interpolation (every "$" is written as "$$"), env_file (read
// from disk), non-integer port numbers, memory/size strings that are not byte sizes, `external`
// next to other keys, ulimits under keys the schema does not check, or bad durations in 3.0-3.3
// healthchecks (unchecked by those schemas, rejected by the loader), nor the keys docker refuses
// before validating (extends, volume_driver, cpu_quota, ...: the loader's job). Documents are written as JSON
// (which is YAML) so both sides read exactly the same values.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  COMPOSE_SCHEMA_VERSIONS,
  type ComposeSchemaVersion,
  composeJsonSchema,
  createComposeValidator,
  type SchemaIssue,
} from '../../src/domain/compose/schema/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = { [key: string]: Json };
interface Case {
  name: string;
  doc: Doc;
}

const CORPUS = '/work/shared/recipes-corpus';
const SEED = Number(process.env.COMPOSE_ORACLE_SEED ?? Date.now() % 2 ** 31);

function dockerPath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
const DOCKER = dockerPath();

function clone<T extends Json>(value: T): T {
  return structuredClone(value);
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Full documents: every key of the version, loader-clean.

const deploy313: Json = {
  mode: 'replicated',
  endpoint_mode: 'vip',
  replicas: 2,
  labels: { 'traefik.enable': 'true' },
  rollback_config: {
    parallelism: 1,
    delay: '5s',
    failure_action: 'pause',
    monitor: '10s',
    max_failure_ratio: 0.1,
    order: 'stop-first',
  },
  update_config: {
    parallelism: 1,
    delay: '5s',
    failure_action: 'rollback',
    monitor: '10s',
    max_failure_ratio: 0,
    order: 'start-first',
  },
  resources: {
    limits: { cpus: '0.5', memory: '512M', pids: 100 },
    reservations: {
      cpus: '0.1',
      memory: '64M',
      generic_resources: [{ discrete_resource_spec: { kind: 'gpu', value: 1 } }],
    },
  },
  restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3, window: '2m' },
  placement: {
    constraints: ['node.role == manager'],
    preferences: [{ spread: 'node.labels.zone' }],
    max_replicas_per_node: 1,
  },
};

const full313: Doc = {
  version: '3.13',
  services: {
    app: {
      image: 'nginx:1.25',
      build: {
        context: '.',
        dockerfile: 'Dockerfile',
        args: { A: '1' },
        labels: ['l=1'],
        cache_from: ['img'],
        network: 'host',
        target: 'prod',
        shm_size: '64M',
        extra_hosts: ['h:1.2.3.4'],
      },
      cap_add: ['NET_ADMIN'],
      cap_drop: ['ALL'],
      cgroupns_mode: 'host',
      cgroup_parent: 'parent',
      command: ['nginx', '-g', 'daemon off;'],
      configs: ['cfg', { source: 'cfg2', target: '/etc/c', uid: '0', gid: '0', mode: 292 }],
      container_name: 'c',
      credential_spec: { config: 'cfg' },
      depends_on: ['db'],
      deploy: deploy313,
      devices: ['/dev/null:/dev/null'],
      dns: '8.8.8.8',
      dns_search: ['example.com'],
      domainname: 'example.com',
      entrypoint: '/entry.sh',
      environment: { A: 'x', B: 1, C: null },
      expose: ['80', 81],
      external_links: ['other'],
      extra_hosts: { host: '1.2.3.4' },
      healthcheck: {
        test: ['CMD', 'true'],
        interval: '30s',
        timeout: '10s',
        retries: 3,
        start_period: '1m',
        start_interval: '5s',
        disable: false,
      },
      hostname: 'h',
      init: true,
      ipc: 'host',
      isolation: 'default',
      labels: ['a=b'],
      links: ['db'],
      logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': 3 } },
      mac_address: '02:42:ac:11:00:02',
      networks: {
        proxy: { aliases: ['a'], driver_opts: { o: 1 }, ipv4_address: '10.0.0.2', ipv6_address: '::2' },
        internal: null,
      },
      oom_score_adj: 0,
      pid: 'host',
      ports: ['80:80', 8080, { target: 443, published: 443, mode: 'host', protocol: 'tcp' }],
      privileged: false,
      read_only: false,
      restart: 'always',
      secrets: ['sec', { source: 'sec2', target: 't', uid: '0', gid: '0', mode: 256 }],
      security_opt: ['no-new-privileges'],
      shm_size: '64M',
      stdin_open: false,
      stop_grace_period: '1m30s',
      stop_signal: 'SIGTERM',
      sysctls: { 'net.core.somaxconn': 1024 },
      tmpfs: ['/tmp'],
      tty: false,
      ulimits: { nproc: 65535, nofile: { soft: 1024, hard: 2048 } },
      user: 'root',
      userns_mode: 'host',
      volumes: [
        'data:/data',
        { type: 'volume', source: 'data', target: '/d2', read_only: true, volume: { nocopy: true } },
        {
          type: 'bind',
          source: '/tmp',
          target: '/t',
          bind: { propagation: 'rprivate' },
          consistency: 'cached',
        },
        { type: 'tmpfs', target: '/tt', tmpfs: { size: 1000 } },
      ],
      working_dir: '/app',
      'x-custom': { any: ['thing'] },
    },
    db: { image: 'postgres', network_mode: 'host', pid: null },
  },
  networks: {
    proxy: { external: true },
    internal: {
      driver: 'overlay',
      driver_opts: { encrypted: '' },
      ipam: { driver: 'default', config: [{ subnet: '10.0.0.0/24' }] },
      internal: true,
      attachable: true,
      labels: { a: 'b' },
      name: 'internal_net',
      'x-n': 1,
    },
    plain: null,
  },
  volumes: {
    data: {
      driver: 'local',
      driver_opts: { type: 'none', o: 'bind', device: '/tmp' },
      labels: ['a=b'],
      name: 'data_vol',
      'x-v': 1,
    },
    ext: { external: true },
    cluster: {
      driver: 'csi',
      'x-cluster-spec': {
        group: 'g',
        access_mode: {
          scope: 'single',
          sharing: 'none',
          mount_volume: { fs_type: 'ext4', mount_flags: ['ro'] },
        },
        accessibility_requirements: {
          requisite: [{ segments: { region: 'r1' } }],
          preferred: [{ segments: ['zone=z1'] }],
        },
        capacity_range: { required_bytes: '1G', limit_bytes: '2G' },
        availability: 'active',
      },
    },
    empty: null,
  },
  secrets: {
    sec: { file: './sec.txt', labels: { a: 'b' }, name: 'sec_v1', template_driver: 'golang', 'x-s': 1 },
    sec2: { external: true },
    sec3: { driver: 'd', driver_opts: { a: 1 } },
  },
  configs: {
    cfg: { file: './cfg.txt', name: 'cfg_v1', template_driver: 'golang', labels: ['a=b'], 'x-c': 1 },
    cfg2: { external: true },
  },
  'x-top': { anything: true },
};

const full30: Doc = {
  version: '3.0',
  services: {
    app: {
      image: 'nginx',
      build: { context: '.', dockerfile: 'Dockerfile', args: ['A=1'] },
      command: 'nginx',
      deploy: {
        mode: 'global',
        replicas: 1,
        labels: ['a=b'],
        update_config: {
          parallelism: 2,
          delay: '1s',
          failure_action: 'pause',
          monitor: '1s',
          max_failure_ratio: 1,
        },
        resources: { limits: { cpus: '1', memory: '1G' }, reservations: { memory: '10M' } },
        restart_policy: { condition: 'any', max_attempts: 0 },
        placement: { constraints: ['node.role == worker'] },
      },
      environment: ['A=b', 'C'],
      healthcheck: { test: 'true', interval: '1m', timeout: '2s', retries: 1 },
      labels: { a: 'b', c: 1 },
      logging: { options: { x: null } },
      networks: ['front'],
      ports: ['8080:80', 443],
      shm_size: '1024',
      stop_grace_period: '10s',
      ulimits: { nofile: 100 },
      volumes: ['data:/data', '/tmp:/tmp:ro'],
    },
  },
  networks: {
    front: { driver: 'overlay', external: { name: 'front_net' } },
    back: { ipam: { config: [{ subnet: '10.1.0.0/16' }] } },
  },
  volumes: { data: { driver_opts: { size: 1 } } },
};

// ---------------------------------------------------------------------------------------------
// Mutations of the full documents.

type Path = (string | number)[];

function nodes(value: Json, path: Path = []): { path: Path; value: Json }[] {
  const here = [{ path, value }];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => nodes(v, [...path, i]))];
  if (isObject(value)) {
    return [
      ...here,
      ...Object.entries(value)
        // Extension fields hold anything; x-cluster-spec is the one the schema checks.
        .filter(([k]) => !k.startsWith('x-') || k === 'x-cluster-spec')
        .flatMap(([k, v]) => nodes(v, [...path, k])),
    ];
  }
  return here;
}

function setAt(doc: Doc, path: Path, value: Json): Doc {
  const copy = clone(doc);
  let node: Json = copy;
  for (const step of path.slice(0, -1)) node = (node as Record<string | number, Json>)[step] as Json;
  (node as Record<string | number, Json>)[path.at(-1) as string | number] = value;
  return copy;
}

function mutations(name: string, doc: Doc): Case[] {
  const cases: Case[] = [];
  for (const { path, value } of nodes(doc)) {
    const where = path.join('.') || '(root)';
    // Keys under ulimits are only type-checked when lower-case letters; the loader rejects others.
    if (isObject(value) && path.at(-1) !== 'ulimits') {
      cases.push({ name: `${name}: unknown key in ${where}`, doc: setAt(doc, [...path, 'zz_unknown'], 'x') });
    }
    if (path.length === 0) continue;
    const wrong = typeof value === 'boolean' ? 'yes' : true;
    cases.push({ name: `${name}: ${JSON.stringify(wrong)} at ${where}`, doc: setAt(doc, path, wrong) });
    if (value !== null) cases.push({ name: `${name}: null at ${where}`, doc: setAt(doc, path, null) });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Keys introduced by a version, tried in that version and the one before.

type Patch = (doc: Doc, service: { [key: string]: Json }) => void;

const probes: [ComposeSchemaVersion, string, Patch][] = [
  ['3.1', 'top-level secrets', (d) => Object.assign(d, { secrets: { s: { file: './s.txt' } } })],
  ['3.1', 'service secrets', (_, s) => Object.assign(s, { secrets: ['s'] })],
  ['3.2', 'network attachable', (d) => Object.assign(d, { networks: { n: { attachable: true } } })],
  ['3.2', 'build cache_from', (_, s) => Object.assign(s, { build: { context: '.', cache_from: ['x'] } })],
  ['3.2', 'endpoint_mode', (_, s) => Object.assign(s, { deploy: { endpoint_mode: 'dnsrr' } })],
  ['3.2', 'long port syntax', (_, s) => Object.assign(s, { ports: [{ target: 80, published: 8080 }] })],
  ['3.2', 'long volume syntax', (_, s) => Object.assign(s, { volumes: [{ type: 'volume', target: '/v' }] })],
  ['3.2', 'repeated volume entries', (_, s) => Object.assign(s, { volumes: ['v:/v', 'v:/v'] })],
  ['3.3', 'top-level configs', (d) => Object.assign(d, { configs: { c: { file: './c.txt' } } })],
  ['3.3', 'service configs', (_, s) => Object.assign(s, { configs: ['c'] })],
  ['3.3', 'credential_spec', (_, s) => Object.assign(s, { credential_spec: { file: 'spec.json' } })],
  [
    '3.3',
    'placement preferences',
    (_, s) => Object.assign(s, { deploy: { placement: { preferences: [] } } }),
  ],
  ['3.3', 'build labels', (_, s) => Object.assign(s, { build: { context: '.', labels: ['a=b'] } })],
  ['3.4', 'top-level extension', (d) => Object.assign(d, { 'x-common': { a: 1 } })],
  ['3.4', 'build target', (_, s) => Object.assign(s, { build: { context: '.', target: 't', network: 'n' } })],
  [
    '3.4',
    'update order',
    (_, s) => Object.assign(s, { deploy: { update_config: { order: 'start-first' } } }),
  ],
  ['3.4', 'start_period', (_, s) => Object.assign(s, { healthcheck: { start_period: '5s' } })],
  ['3.4', 'volume name', (d) => Object.assign(d, { volumes: { v: { name: 'vol' } } })],
  ['3.5', 'config name', (d) => Object.assign(d, { configs: { c: { file: './c', name: 'c1' } } })],
  ['3.5', 'network name', (d) => Object.assign(d, { networks: { n: { name: 'net' } } })],
  ['3.5', 'secret name', (d) => Object.assign(d, { secrets: { s: { file: './s', name: 's1' } } })],
  ['3.5', 'build shm_size', (_, s) => Object.assign(s, { build: { context: '.', shm_size: 1000 } })],
  [
    '3.5',
    'generic_resources',
    (_, s) => Object.assign(s, { deploy: { resources: { reservations: { generic_resources: [] } } } }),
  ],
  ['3.5', 'isolation', (_, s) => Object.assign(s, { isolation: 'default' })],
  [
    '3.6',
    'tmpfs size',
    (_, s) => Object.assign(s, { volumes: [{ type: 'tmpfs', target: '/t', tmpfs: { size: 9 } }] }),
  ],
  ['3.7', 'rollback_config', (_, s) => Object.assign(s, { deploy: { rollback_config: { parallelism: 1 } } })],
  ['3.7', 'init', (_, s) => Object.assign(s, { init: true })],
  ['3.7', 'service extension', (_, s) => Object.assign(s, { 'x-a': 1 })],
  ['3.7', 'network extension', (d) => Object.assign(d, { networks: { n: { 'x-a': 1 } } })],
  ['3.7', 'volume extension', (d) => Object.assign(d, { volumes: { v: { 'x-a': 1 } } })],
  ['3.7', 'secret extension', (d) => Object.assign(d, { secrets: { s: { file: './s', 'x-a': 1 } } })],
  ['3.7', 'config extension', (d) => Object.assign(d, { configs: { c: { file: './c', 'x-a': 1 } } })],
  [
    '3.8',
    'config template_driver',
    (d) => Object.assign(d, { configs: { c: { file: './c', template_driver: 'golang' } } }),
  ],
  [
    '3.8',
    'secret driver',
    (d) => Object.assign(d, { secrets: { s: { driver: 'x', driver_opts: { a: 'b' } } } }),
  ],
  [
    '3.8',
    'secret template_driver',
    (d) => Object.assign(d, { secrets: { s: { file: './s', template_driver: 'golang' } } }),
  ],
  ['3.8', 'credential_spec config', (_, s) => Object.assign(s, { credential_spec: { config: 'c' } })],
  [
    '3.8',
    'max_replicas_per_node',
    (_, s) => Object.assign(s, { deploy: { placement: { max_replicas_per_node: 2 } } }),
  ],
  ['3.9', 'pids limit', (_, s) => Object.assign(s, { deploy: { resources: { limits: { pids: 10 } } } })],
  [
    '3.9',
    'build extra_hosts',
    (_, s) => Object.assign(s, { build: { context: '.', extra_hosts: ['a:1.2.3.4'] } }),
  ],
  ['3.9', 'cgroupns_mode', (_, s) => Object.assign(s, { cgroupns_mode: 'private' })],
  // Before 3.10 a free-form extension field; docker's loader decodes it the same either way.
  [
    '3.10',
    'x-cluster-spec',
    (d) => Object.assign(d, { volumes: { v: { 'x-cluster-spec': { group: 'g' } } } }),
  ],
  ['3.11', 'build extra keys', (_, s) => Object.assign(s, { build: { context: '.', zz_custom: 1 } })],
  ['3.12', 'start_interval', (_, s) => Object.assign(s, { healthcheck: { start_interval: '1s' } })],
  ['3.13', 'network driver_opts', (_, s) => Object.assign(s, { networks: { n: { driver_opts: { a: 1 } } } })],
  ['3.13', 'oom_score_adj', (_, s) => Object.assign(s, { oom_score_adj: -100 })],
];

function probeDoc(version: string | undefined, patch: Patch): Doc {
  const service: { [key: string]: Json } = { image: 'nginx' };
  const doc: Doc = { ...(version === undefined ? {} : { version }), services: { app: service } };
  patch(doc, service);
  return doc;
}

function probeCases(): Case[] {
  return probes.flatMap(([version, name, patch]) => {
    const index = COMPOSE_SCHEMA_VERSIONS.indexOf(version);
    const previous = COMPOSE_SCHEMA_VERSIONS[index - 1] as ComposeSchemaVersion;
    return [
      { name: `${name} in ${version}`, doc: probeDoc(version, patch) },
      { name: `${name} in ${previous}`, doc: probeDoc(previous, patch) },
      { name: `${name} without version`, doc: probeDoc(undefined, patch) },
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Hand-picked edges.

function service(fields: { [key: string]: Json }, version = '3.8'): Doc {
  return { version, services: { app: { image: 'nginx', ...fields } } };
}

function specialCases(): Case[] {
  const versions: Json[] = ['3', '', '3.14', '2', '2.4', '4', '3.99', '3.08', '3.0', 3.8, 3, null, true];
  return [
    ...versions.map((version) => ({
      name: `version ${JSON.stringify(version)}`,
      doc: { version, services: { app: { image: 'x' } } },
    })),
    { name: 'no services at all', doc: { version: '3.8' } },
    { name: 'services null', doc: { version: '3.8', services: null } },
    { name: 'service null', doc: { version: '3.8', services: { app: null } } },
    { name: 'service name with space', doc: { version: '3.8', services: { 'my app': { image: 'x' } } } },
    { name: 'volume name with space', doc: { ...service({}), volumes: { 'a b': null } } },
    { name: 'secret name with slash', doc: { ...service({}), secrets: { 's/1': { file: './s' } } } },
    { name: 'config name with colon', doc: { ...service({}), configs: { 'c:1': { file: './c' } } } },
    { name: 'network name with space', doc: { ...service({}), networks: { 'n n': { driver: 'overlay' } } } },
    { name: 'empty environment key', doc: service({ environment: { '': 'a' } }) },
    { name: 'carriage return in env key', doc: service({ environment: { 'a\rb': 'a' } }) },
    { name: 'carriage return logging option', doc: service({ logging: { options: { '\r': [1] } } }) },
    { name: 'newline logging option', doc: service({ logging: { options: { '\n': [1] } } }) },
    { name: 'empty logging option key', doc: service({ logging: { options: { '': [1] } } }) },
    { name: 'ulimit missing hard', doc: service({ ulimits: { nofile: { soft: 1 } } }) },
    { name: 'ulimit string', doc: service({ ulimits: { nofile: 'many' } }) },
    { name: 'ulimit float', doc: service({ ulimits: { nofile: 1.5 } }) },
    { name: 'long volume without type', doc: service({ volumes: [{ source: 'a', target: '/a' }] }) },
    {
      name: 'negative tmpfs size',
      doc: service({ volumes: [{ type: 'tmpfs', target: '/t', tmpfs: { size: -1 } }] }),
    },
    { name: 'bad update order', doc: service({ deploy: { update_config: { order: 'first' } } }) },
    { name: 'replicas as string', doc: service({ deploy: { replicas: '2' } }) },
    { name: 'replicas float', doc: service({ deploy: { replicas: 2.5 } }) },
    { name: 'replicas whole float', doc: service({ deploy: { replicas: 2.0 } }) },
    { name: 'deploy null', doc: service({ deploy: null }) },
    { name: 'healthcheck null', doc: service({ healthcheck: null }) },
    { name: 'bad healthcheck interval in 3.4', doc: service({ healthcheck: { interval: '5x' } }, '3.4') },
    { name: 'duplicate cap_add', doc: service({ cap_add: ['A', 'A'] }) },
    { name: 'duplicate ports', doc: service({ ports: ['80:80', '80:80'] }) },
    { name: 'duplicate volumes in 3.1', doc: service({ volumes: ['a:/a', 'a:/a'] }, '3.1') },
    { name: 'duplicate command words', doc: service({ command: ['a', 'a'] }) },
    { name: 'duplicate equal long ports', doc: service({ ports: [{ target: 1 }, { target: 1 }] }) },
    { name: 'env bool value', doc: service({ environment: { A: true } }) },
    { name: 'labels number value', doc: service({ labels: { a: 1.5 } }) },
    { name: 'expose anything', doc: service({ expose: ['abc', '1:2', -1, 0.5] }) },
    { name: 'expose null', doc: service({ expose: [null] }) },
    { name: 'secret null', doc: { ...service({}), secrets: { s: null } } },
    { name: 'config empty', doc: { ...service({}), configs: { c: {} } } },
    {
      name: 'external secret with extra',
      doc: { ...service({}), secrets: { s: { external: { name: 'x', zz: 1 } } } },
    },
    {
      name: 'external network with extra',
      doc: { ...service({}), networks: { n: { external: { zz: 1 } } } },
    },
    { name: 'build string', doc: service({ build: '.' }) },
    { name: 'build list', doc: service({ build: ['.'] }) },
    { name: 'service networks list dup', doc: service({ networks: ['a', 'a'] }) },
    { name: 'service networks bad name', doc: service({ networks: { 'a b': null } }) },
    { name: 'service networks entry string', doc: service({ networks: { a: 'alias' } }) },
    { name: 'top-level extension in 3.3', doc: { ...service({}, '3.3'), 'x-a': 1 } },
    { name: 'top-level unknown', doc: { ...service({}), foo: 1 } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Random values for the formats with their own grammar (fast-check).

function randomCases(): Case[] {
  const durationChars = ['0', '1', '5', '9', '.', '-', '+', 'h', 'm', 's', 'u', 'n', 'µ', 'μ', 'd', ' '];
  const durations = [
    ...[
      '0',
      '-0',
      '00',
      '1',
      '.',
      '.5s',
      '1.s',
      '1e3s',
      '9223372036s',
      '9223372037s',
      '2562047h',
      '2562048h',
    ],
    ...fc.sample(fc.string({ unit: fc.constantFrom(...durationChars), maxLength: 7 }), {
      seed: SEED,
      numRuns: 40,
    }),
  ];
  const durationCases = durations.flatMap((d, i) => [
    {
      name: `stop_grace_period ${JSON.stringify(d)}`,
      doc: service({ stop_grace_period: d }, i % 2 ? '3.0' : '3.13'),
    },
    {
      name: `healthcheck.timeout ${JSON.stringify(d)}`,
      doc: service({ healthcheck: { timeout: d } }, '3.8'),
    },
  ]);

  const ip = fc.constantFrom(
    '',
    '127.0.0.1',
    '0.0.0.0',
    '1.2.3',
    '256.0.0.1',
    '01.2.3.4',
    '[::1]',
    '::1',
    '[::1',
    '[]',
    'fe80::1%eth0',
    '::ffff:1.2.3.4',
    '1:2:3:4:5:6:7:8',
    '1::2::3',
    'localhost',
  );
  const port = fc.constantFrom('0', '1', '80', '443', '081', '65535', '65536', '99999', '', '-1', '8o');
  const narrow = fc.constantFrom('80', '81', '82', '8080', '8081');
  const range = fc.oneof(
    port,
    fc.tuple(narrow, narrow).map(([a, b]) => `${a}-${b}`),
  );
  const proto = fc.constantFrom('', '/tcp', '/udp', '/sctp', '/UDP', '/foo', '/', '/tcp/x');
  const structured = fc
    .tuple(ip, fc.option(range), range, proto)
    .map(([i, host, container, p]) =>
      i !== ''
        ? `${i}:${host ?? ''}:${container}${p}`
        : host === null
          ? `${container}${p}`
          : `${host}:${container}${p}`,
    );
  const raw = fc.string({
    unit: fc.constantFrom('0', '1', '8', ':', '-', '/', '.', 't', 'c', 'p', '[', ']'),
    maxLength: 8,
  });
  const portStrings = fc.sample(fc.oneof(structured, raw), { seed: SEED + 1, numRuns: 110 });
  const portNumbers = fc.sample(fc.integer({ min: -3, max: 70_000 }), { seed: SEED + 2, numRuns: 15 });
  return [
    ...durationCases,
    ...[...portStrings, ...portNumbers, -1, 0, 65535, 65536].map((p, i) => ({
      name: `port ${JSON.stringify(p)}`,
      doc: service({ ports: [p] }, i % 3 ? '3.13' : '3.0'),
    })),
  ];
}

// ---------------------------------------------------------------------------------------------
// The corpus, interpolated with a fixed environment.

const CORPUS_ENV: Record<string, string> = { STACK_NAME: 'app_example_com', DOMAIN: 'app.example.com' };

function interpolate(value: unknown): Json {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (match, braced?: string, fallback?: string, bare?: string) =>
        match === '$$' ? '$' : (CORPUS_ENV[braced ?? bare ?? ''] ?? fallback ?? ''),
    );
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  }
  return value as Json;
}

function corpusCases(): Case[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(CORPUS, d.name))
        .filter((f) => /^compose.*\.ya?ml$/.test(f))
        .map((f) => ({
          name: `corpus ${d.name}/${f}`,
          doc: interpolate(parse(readFileSync(join(CORPUS, d.name, f), 'utf8'))) as Doc,
        })),
    );
}

// ---------------------------------------------------------------------------------------------
// Running both sides.

/** Every "$" doubled, so docker's interpolation gives back exactly the value we validate. */
function escapeDollars(value: Json): Json {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)]));
  return value;
}

/** The version string docker/cli derives with Go's `%v`. */
function versionString(doc: Doc): string | undefined {
  if (!('version' in doc)) return undefined;
  const version = doc.version;
  if (version === null) return '<nil>';
  return typeof version === 'string' ? version : String(version);
}

interface DockerResult {
  ok: boolean;
  error: string;
}

function runDocker(file: string, cwd: string, home: string): Promise<DockerResult> {
  return new Promise((resolve) => {
    const child = spawn(DOCKER ?? 'docker', ['stack', 'config', '-c', file], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: join(home, '.docker') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => {
      // Warnings ("ignoring IP-address ...") come as logrus lines; the error is the rest.
      const error = stderr
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('time='))
        .join('\n');
      resolve({ ok: code === 0, error });
    });
  });
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** docker names one place: "<dotted path> <problem>"; "unsupported ..." for the version. */
function dockerAgreesOnPlace(dockerError: string, issues: readonly SchemaIssue[]): boolean {
  if (dockerError.startsWith('unsupported Compose file version:')) {
    return issues.some((i) => i.keyword === 'version');
  }
  const place = dockerError.split(' ')[0] ?? '';
  return issues.some((i) => i.message.startsWith(`${place} `));
}

// ---------------------------------------------------------------------------------------------
// docker's embedded schemas, for the structural comparison.

function extractEmbeddedSchemas(binary: Buffer): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const marker = Buffer.from('"id": "config_schema_v3.');
  for (let at = binary.indexOf(marker); at >= 0; at = binary.indexOf(marker, at + 1)) {
    const start = binary.lastIndexOf('{', at);
    let depth = 0;
    let inString = false;
    let end = start;
    for (; end < binary.length; end++) {
      const c = binary[end];
      if (inString) {
        if (c === 0x5c) end++;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b) depth++;
      else if (c === 0x7d && --depth === 0) break;
    }
    const schema = JSON.parse(binary.subarray(start, end + 1).toString('utf8')) as { id: string };
    found.set(schema.id.replace(/^config_schema_v|\.json$/g, ''), schema);
  }
  return found;
}

type Loose = { [key: string]: unknown };

/** $refs inlined; ids, descriptions and defaults dropped; `uniqueItems` only where it can apply. */
function normalizeDockerSchema(node: unknown, definitions: Loose): unknown {
  if (Array.isArray(node)) return node.map((n) => normalizeDockerSchema(n, definitions));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Loose;
  if (typeof obj.$ref === 'string')
    return normalizeDockerSchema(definitions[obj.$ref.split('/').at(-1) ?? ''], definitions);
  const types = Array.isArray(obj.type) ? obj.type : [obj.type];
  const out: Loose = {};
  for (const [key, value] of Object.entries(obj)) {
    if (['id', '$schema', 'description', 'default', 'definitions'].includes(key)) continue;
    if (key === 'uniqueItems' && !types.includes('array')) continue;
    out[key] =
      key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(
            Object.entries(value as Loose).map(([k, v]) => [k, normalizeDockerSchema(v, definitions)]),
          )
        : normalizeDockerSchema(value, definitions);
  }
  return out;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Loose)[k])]),
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------

describe('compose schema validator against docker stack config', {
  skip: DOCKER === undefined && 'no docker CLI',
}, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'compose-schema-oracle-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('generates the JSON schema docker ships, for every version it ships', () => {
    const embedded = extractEmbeddedSchemas(readFileSync(DOCKER as string));
    assert.deepEqual([...embedded.keys()].sort(), [...COMPOSE_SCHEMA_VERSIONS].sort());
    for (const version of COMPOSE_SCHEMA_VERSIONS) {
      const docker = embedded.get(version) as Loose;
      const expected = sortKeys(normalizeDockerSchema(docker, docker.definitions as Loose));
      assert.deepEqual(sortKeys(composeJsonSchema(version)), expected, `schema ${version}`);
    }
  });

  it('accepts and rejects the same documents as docker', async () => {
    const cases: Case[] = [
      ...corpusCases(),
      { name: 'full 3.13', doc: full313 },
      { name: 'full 3.0', doc: full30 },
      ...mutations('full 3.13', full313),
      ...mutations('full 3.0', full30),
      ...probeCases(),
      ...specialCases(),
      ...randomCases(),
    ];
    const validator = createComposeValidator();
    const results = await mapLimited(cases, 4, async (c, i) => {
      const file = join(dir, `doc-${i}.json`);
      writeFileSync(file, JSON.stringify(escapeDollars(c.doc)));
      const docker = await runDocker(file, dir, dir);
      const issues = validator.validate(c.doc, versionString(c.doc));
      return { c, docker, issues };
    });

    const disagreements = results
      .filter(
        ({ docker, issues }) =>
          docker.ok !== (issues.length === 0) || (!docker.ok && !dockerAgreesOnPlace(docker.error, issues)),
      )
      .map(({ c, docker, issues }) => ({
        case: c.name,
        doc: JSON.stringify(c.doc).slice(0, 300),
        docker: docker.ok ? 'accepts' : docker.error,
        ours: issues.map((i) => i.message),
      }));
    const accepted = results.filter((r) => r.docker.ok).length;
    assert.deepEqual(disagreements.slice(0, 15), [], `seed ${SEED}: ${disagreements.length} disagreements`);
    assert.ok(cases.length >= 200, `only ${cases.length} documents`);
    assert.ok(accepted >= 100 && cases.length - accepted >= 100, `${accepted} of ${cases.length} accepted`);
  });
});
