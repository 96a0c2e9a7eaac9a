import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeEnv } from '../../src/domain/compose/app-env.js';
import { loadCompose } from '../../src/domain/compose/load.js';
import { parseEnv } from '../../src/domain/env/document.js';
import {
  isValidSecretVersion,
  MAX_DOCKER_NAME,
  nextSecretVersion,
  remoteNameProblem,
  secretEnvKey,
} from '../../src/domain/secret/names.js';
import { secretSpecsOf } from '../../src/domain/secret/spec.js';
import { stackNameOf } from '../../src/domain/stack/contract.js';

const COMPOSE = `version: "3.8"
services:
  app:
    image: busybox:1
    secrets:
      - db_password
      - source: api_key
        target: api-key
      - cert
      - bad_modifier
      - defaulted
      - file_based
  db:
    image: busybox:1
    secrets: [db_password, legacy]
secrets:
  db_password:
    external: true
    name: \${STACK_NAME}_db_password_\${SECRET_DB_PASSWORD_VERSION}
  api_key:
    external: true
    name: \${STACK_NAME}_api_key_\${SECRET_API_KEY_VERSION}
  cert:
    external: true
    name: \${STACK_NAME}_cert_\${SECRET_CERT_VERSION}
  bad_modifier:
    external: true
    name: \${STACK_NAME}_bad_modifier_\${SECRET_BAD_MODIFIER_VERSION}
  defaulted:
    external: true
    name: \${STACK_NAME}_defaulted_\${SECRET_DEFAULTED_VERSION:-v3}
  unused:
    external: true
    name: \${STACK_NAME}_unused_v1
  file_based:
    file: ./compose.yml
  legacy:
    external:
      name: shared_legacy_secret
`;

const ENV = `TYPE=demo
SECRET_DB_PASSWORD_VERSION=v2
SECRET_API_KEY_VERSION=v1   # length=48 charset=default,special
SECRET_CERT_VERSION=v1 # generate=false
SECRET_BAD_MODIFIER_VERSION=v1 # length=many
`;

function specsFor(domain: string, envText = ENV) {
  const env = parseEnv(envText, '/srv/app.env');
  const config = loadCompose({
    files: [{ file: '/recipe/compose.yml', text: COMPOSE }],
    workingDir: '/recipe',
    env: composeEnv(env.values(), {}, domain),
  });
  return secretSpecsOf(config, env, stackNameOf(domain));
}

describe('secretSpecsOf (golden)', () => {
  it('external secrets used by a service, with versions, swarm names, env lines and policies', () => {
    assert.deepEqual(specsFor('cloud.example.com'), [
      {
        name: 'api_key',
        envKey: 'SECRET_API_KEY_VERSION',
        version: 'v1',
        remoteName: 'cloud_example_com_api_key_v1',
        envLine: 3,
        policy: {
          kind: 'password',
          length: 48,
          charset: 'default,special',
          alphabet: 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!@#$%^&*_-+=',
        },
        nameProblem: undefined,
        policyProblem: undefined,
      },
      {
        name: 'bad_modifier',
        envKey: 'SECRET_BAD_MODIFIER_VERSION',
        version: 'v1',
        remoteName: 'cloud_example_com_bad_modifier_v1',
        envLine: 5,
        policy: undefined,
        nameProblem: undefined,
        policyProblem: 'SECRET_BAD_MODIFIER_VERSION: length=many is not a whole number',
      },
      {
        name: 'cert',
        envKey: 'SECRET_CERT_VERSION',
        version: 'v1',
        remoteName: 'cloud_example_com_cert_v1',
        envLine: 4,
        policy: { kind: 'manual' },
        nameProblem: undefined,
        policyProblem: undefined,
      },
      {
        name: 'db_password',
        envKey: 'SECRET_DB_PASSWORD_VERSION',
        version: 'v2',
        remoteName: 'cloud_example_com_db_password_v2',
        envLine: 2,
        policy: { kind: 'passphrase', words: 6 },
        nameProblem: undefined,
        policyProblem: undefined,
      },
      {
        name: 'defaulted',
        envKey: 'SECRET_DEFAULTED_VERSION',
        version: 'v3',
        remoteName: 'cloud_example_com_defaulted_v3',
        envLine: undefined,
        policy: { kind: 'passphrase', words: 6 },
        nameProblem: undefined,
        policyProblem: undefined,
      },
      {
        name: 'legacy',
        envKey: 'SECRET_LEGACY_VERSION',
        version: 'secret',
        remoteName: 'shared_legacy_secret',
        envLine: undefined,
        policy: { kind: 'passphrase', words: 6 },
        nameProblem: undefined,
        policyProblem: undefined,
      },
    ]);
  });

  it('a missing version leaves the name ending in "_": reported with the env key to set', () => {
    const specs = specsFor('cloud.example.com', 'TYPE=demo\n');
    const db = specs.find((s) => s.name === 'db_password')!;
    assert.equal(db.remoteName, 'cloud_example_com_db_password_');
    assert.match(db.nameProblem ?? '', /version is missing \(set SECRET_DB_PASSWORD_VERSION in the app env/);
  });

  it('names over 64 characters are reported with both fixes; 64 exactly is fine', () => {
    // The stack is cut to 45 characters, so a long domain leaves 19 for "_<secret>_<version>".
    const domain = `${'a'.repeat(40)}.example.com`;
    const stack = stackNameOf(domain);
    assert.equal(stack.length, 45);
    const specs = specsFor(domain);
    const db = specs.find((s) => s.name === 'db_password')!;
    assert.equal(db.remoteName.length, 45 + '_db_password_v2'.length);
    assert.equal(db.nameProblem, undefined, '60 characters fit');
    const bad = specs.find((s) => s.name === 'bad_modifier')!;
    assert.equal(bad.remoteName.length, 45 + '_bad_modifier_v1'.length);
    const defaulted = specs.find((s) => s.name === 'defaulted')!;
    assert.equal(defaulted.nameProblem, undefined);
    const long = remoteNameProblem(`${stack}_oauth_client_secret_v1`, 'oauth_client_secret', stack);
    assert.equal(
      long,
      `its swarm name "${stack}_oauth_client_secret_v1" is 68 characters; Docker allows 64. ` +
        `The stack name "${stack}" takes 45 of them: use a shorter domain, or a shorter secret key than ` +
        '"oauth_client_secret" in the recipe (lint R015 suggests 12 characters or fewer)',
    );
    assert.equal(remoteNameProblem('x'.repeat(MAX_DOCKER_NAME), 'x', 'x'), undefined);
    assert.match(remoteNameProblem('x'.repeat(MAX_DOCKER_NAME + 1), 'x', 'x') ?? '', /65 characters/);
  });

  it('names with characters Docker refuses are reported', () => {
    assert.match(
      remoteNameProblem('app_key_v1 beta', 'key', 'app') ?? '',
      /characters Docker does not allow/,
    );
    assert.match(remoteNameProblem('app_key_v1.', 'key', 'app') ?? '', /characters Docker does not allow/);
  });
});

describe('secret names', () => {
  it('env key of a secret', () => {
    assert.equal(secretEnvKey('db_password'), 'SECRET_DB_PASSWORD_VERSION');
    assert.equal(secretEnvKey('ssl-cert'), 'SECRET_SSL-CERT_VERSION');
  });

  it('valid versions', () => {
    for (const v of ['v1', 'v10', '2024-01-01', 'v1.2_b']) assert.ok(isValidSecretVersion(v), v);
    for (const v of ['', '-v1', 'v 1', 'v1/2', '_v1', 'v'.repeat(65)]) assert.ok(!isValidSecretVersion(v), v);
  });
});

describe('nextSecretVersion (golden)', () => {
  const cases: [string, string][] = [
    ['v1', 'v2'],
    ['v9', 'v10'],
    ['v41', 'v42'],
    ['2024', 'v2'],
    ['v1a', 'v2'],
  ];
  for (const [from, to] of cases) it(`${from} -> ${to}`, () => assert.equal(nextSecretVersion(from), to));
});
