// Golden tests for how raw schema errors are reduced to one message per problem.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { createComposeValidator, type SchemaIssue } from '../../src/domain/compose/schema/index.js';

const validator = createComposeValidator();

function issuesOf(yaml: string): SchemaIssue[] {
  const config = parse(yaml) as Record<string, unknown>;
  return validator.validate(config, config.version === undefined ? undefined : String(config.version));
}

function messages(yaml: string): string[] {
  return issuesOf(yaml).map((i) => i.message);
}

/** A service `app` with the given extra YAML lines, in compose file version `version`. */
function svc(lines: string, version = '3.8'): string {
  const body = lines
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `version: "${version}"\nservices:\n  app:\n    image: nginx\n${body}\n`;
}

const golden: [string, string, string[]][] = [
  // Type errors name the accepted types the way docker does (mapping, list).
  ['string field', svc('hostname: [a]'), ['services.app.hostname must be a string']],
  ['integer field', svc('deploy: {replicas: "2"}'), ['services.app.deploy.replicas must be an integer']],
  ['whole float is an integer', svc('deploy: {replicas: 2.0}'), []],
  [
    'union type',
    svc('environment: {A: [1]}'),
    ['services.app.environment.A must be a string, number or null'],
  ],
  [
    'boolean env value',
    svc('environment: {A: true}'),
    ['services.app.environment.A must be a string, number or null'],
  ],
  ['null service', 'version: "3.8"\nservices:\n  app:\n', ['services.app must be a mapping']],
  ['null healthcheck', svc('healthcheck:'), ['services.app.healthcheck must be a mapping']],
  ['null deploy is fine', svc('deploy:'), []],

  // oneOf: a value of none of the forms' types lists them all.
  ['port of no form', svc('ports: [true]'), ['services.app.ports.0 must be a number, string or mapping']],
  ['3.0 port', svc('ports: [true]', '3.0'), ['services.app.ports.0 must be a string or number']],
  ['list or dict', svc('environment: 5'), ['services.app.environment must be a mapping or list']],
  ['string or list', svc('dns: {a: 1}'), ['services.app.dns must be a string or list']],
  ['build', svc('build: [.]'), ['services.app.build must be a string or mapping']],
  ['ulimit', svc('ulimits: {nofile: many}'), ['services.app.ulimits.nofile must be an integer or mapping']],
  [
    'service network entry',
    svc('networks: {a: alias}'),
    ['services.app.networks.a must be a mapping or null'],
  ],

  // oneOf: a value with one form's type gets that form's problem, not a wall of alternatives.
  ['long port', svc('ports: [{target: "x"}]'), ['services.app.ports.0.target must be an integer']],
  [
    'long port unknown key',
    svc('ports: [{target: 80, host_ip: x}]'),
    ['services.app.ports.0 Additional property host_ip is not allowed'],
  ],
  ['long volume', svc('volumes: [{source: a}]'), ['services.app.volumes.0 type is required']],
  [
    'list form',
    svc('networks: [a, a]'),
    ['services.app.networks must not contain duplicates (items 0 and 1 are equal)'],
  ],
  ['dict form', svc('labels: {"": x}'), ['services.app.labels Additional property  is not allowed']],
  ['ulimit object', svc('ulimits: {nofile: {soft: 1}}'), ['services.app.ulimits.nofile hard is required']],
  ['nested oneOf', svc('networks: {a: {aliases: x}}'), ['services.app.networks.a.aliases must be a list']],
  [
    'secret mount',
    svc('secrets: [{source: s, mode: "0400"}]'),
    ['services.app.secrets.0.mode must be a number'],
  ],

  // Unknown keys: docker's words, plus what would help.
  ['unknown key', svc('restart_polcy: 1'), ['services.app Additional property restart_polcy is not allowed']],
  [
    'typo',
    svc('deploy: {resources: {limits: {cpu: "1"}}}'),
    ['services.app.deploy.resources.limits Additional property cpu is not allowed (did you mean cpus?)'],
  ],
  [
    'key from a later version',
    svc('healthcheck: {start_interval: 5s}'),
    [
      'services.app.healthcheck Additional property start_interval is not allowed (it needs version "3.12" or later; this file is version "3.8")',
    ],
  ],
  [
    'key from a later version inside a oneOf form',
    svc('volumes: [{type: tmpfs, target: /t, tmpfs: {size: 1}}]', '3.5'),
    [
      'services.app.volumes.0 Additional property tmpfs is not allowed (it needs version "3.6" or later; this file is version "3.5")',
    ],
  ],
  [
    'top-level extension before 3.4',
    'version: "3.3"\nservices: {}\nx-common: 1\n',
    [
      '(root) Additional property x-common is not allowed (it needs version "3.4" or later; this file is version "3.3")',
    ],
  ],
  [
    'service extension before 3.7',
    svc('x-note: 1', '3.6'),
    [
      'services.app Additional property x-note is not allowed (it needs version "3.7" or later; this file is version "3.6")',
    ],
  ],
  ['extension from 3.7', svc('x-note: 1', '3.7'), []],
  [
    'bad service name',
    'version: "3.8"\nservices:\n  "my app": {image: x}\n',
    [
      'services Additional property my app is not allowed (names may only contain letters, digits, ".", "_" and "-")',
    ],
  ],
  ['network names are not checked', 'version: "3.8"\nservices: {}\nnetworks:\n  "my net": {}\n', []],
  [
    'unknown top-level key',
    'version: "3.8"\nservices: {}\nfoo: 1\n',
    ['(root) Additional property foo is not allowed'],
  ],

  // Other keywords.
  [
    'enum',
    svc('deploy: {update_config: {order: first}}'),
    ['services.app.deploy.update_config.order must be one of: start-first, stop-first'],
  ],
  [
    'minimum',
    svc('volumes: [{type: tmpfs, target: /t, tmpfs: {size: -1}}]'),
    ['services.app.volumes.0.tmpfs.size must be >= 0'],
  ],
  [
    'unique',
    svc('cap_add: [A, B, A]'),
    ['services.app.cap_add must not contain duplicates (items 0 and 2 are equal)'],
  ],
  [
    'duration',
    svc('stop_grace_period: 5x'),
    [
      'services.app.stop_grace_period "5x" is not a valid duration (unknown unit "x"); write e.g. 10s, 1m30s or 2h (units: ns, us, ms, s, m, h)',
    ],
  ],
  [
    'duration without unit',
    svc('healthcheck: {interval: "10"}'),
    [
      'services.app.healthcheck.interval "10" is not a valid duration (missing unit); write e.g. 10s, 1m30s or 2h (units: ns, us, ms, s, m, h)',
    ],
  ],
  ['3.3 healthcheck durations are not checked', svc('healthcheck: {interval: "10"}', '3.3'), []],
  [
    'port string',
    svc('ports: ["80:80/foo"]'),
    [
      'services.app.ports.0 "80:80/foo" is not a valid port mapping (invalid protocol foo, use tcp, udp or sctp); write [ip:][host_port:]container_port[/protocol], e.g. "8080:80"',
    ],
  ],
  [
    'port number',
    svc('ports: [70000]'),
    [
      'services.app.ports.0 70000 is not a valid port mapping (invalid container port "70000"); write [ip:][host_port:]container_port[/protocol], e.g. "8080:80"',
    ],
  ],
  ['expose is not checked', svc('expose: ["80:80", abc]'), []],
  [
    'unsupported version',
    'version: "3.14"\nservices: {}\n',
    ['unsupported Compose file version: 3.14 (supported: 3.0 to 3.13, or "3" for the latest)'],
  ],
];

describe('compose schema messages', () => {
  for (const [name, yaml, expected] of golden) {
    it(name, () => assert.deepEqual(messages(yaml), expected));
  }

  it('reports every problem once, in document order', () => {
    const yaml = `version: "3.8"
services:
  app:
    image: 5
    ports: [true, "80:80", abc]
    restart_polcy: x
  db:
    image: postgres
    deploy: {replicas: two}
x-ok: 1
`;
    assert.deepEqual(
      issuesOf(yaml).map((i) => [i.path, i.keyword]),
      [
        [['services', 'app', 'image'], 'type'],
        [['services', 'app', 'ports', 0], 'type'],
        [['services', 'app', 'ports', 2], 'format'],
        [['services', 'app', 'restart_polcy'], 'additionalProperties'],
        [['services', 'db', 'deploy', 'replicas'], 'type'],
      ],
    );
  });

  it('points unknown keys at the key and missing keys at their parent', () => {
    const [unknown] = issuesOf(svc('foo: 1'));
    assert.deepEqual(unknown?.path, ['services', 'app', 'foo']);
    const [missing] = issuesOf(svc('volumes: [{target: /a}]'));
    assert.deepEqual(missing?.path, ['services', 'app', 'volumes', 0]);
  });

  it('keeps list indices as numbers and keys with dots or slashes intact', () => {
    const [issue] = issuesOf(svc('sysctls: {"net.core/x": [1]}'));
    assert.deepEqual(issue?.path, ['services', 'app', 'sysctls', 'net.core/x']);
    assert.equal(issue?.message, 'services.app.sysctls.net.core/x must be a string, number or null');
  });
});
