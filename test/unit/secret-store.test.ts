import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SecretSpec } from '../../src/domain/secret/spec.js';
import { isUserError, UserError } from '../../src/errors.js';
import { DockerApiError, type DockerClient } from '../../src/infra/docker/client.js';
import type { SwarmObjectSpec } from '../../src/infra/docker/swarm-types.js';
import { weakSecretWarnings } from '../../src/services/secret/generate.js';
import { createSecrets } from '../../src/services/secret/swarm.js';

/** An engine that records calls and fails where told. */
function fakeEngine(fail: { create?: (name: string) => Error | undefined; remove?: boolean } = {}) {
  const created: SwarmObjectSpec[] = [];
  const removed: string[] = [];
  const client = {
    server: 'srv',
    createSecret: async (spec: SwarmObjectSpec) => {
      const err = fail.create?.(spec.Name);
      if (err) throw err;
      created.push(spec);
      return { ID: `id-${spec.Name}` };
    },
    removeSecret: async (id: string) => {
      if (fail.remove) throw new Error('engine gone');
      removed.push(id);
    },
  };
  return { client: client as unknown as DockerClient, created, removed };
}

const spec = (name: string): SecretSpec => ({
  name,
  envKey: `SECRET_${name.toUpperCase()}_VERSION`,
  version: 'v1',
  remoteName: `stk_${name}_v1`,
  envLine: 1,
  policy: { kind: 'passphrase', words: 6 },
  nameProblem: undefined,
  policyProblem: undefined,
});
const items = ['a', 'b', 'c'].map((n) => ({ spec: spec(n), data: Buffer.from(`value-${n}`) }));
const hint = (s: SecretSpec) => `rotate ${s.name}`;

describe('createSecrets', () => {
  it('creates each secret with the stack namespace label and base64 data', async () => {
    const engine = fakeEngine();
    await createSecrets(engine.client, 'stk', items, hint);
    assert.deepEqual(engine.created[0], {
      Name: 'stk_a_v1',
      Labels: { 'com.docker.stack.namespace': 'stk' },
      Data: Buffer.from('value-a').toString('base64'),
    });
    assert.equal(engine.created.length, 3);
  });

  it('an existing secret part-way: the ones created before are removed, the error says how to rotate', async () => {
    const engine = fakeEngine({
      create: (name) =>
        name === 'stk_c_v1'
          ? new DockerApiError('srv', 409, 'secret stk_c_v1 already exists', 'POST')
          : undefined,
    });
    await assert.rejects(createSecrets(engine.client, 'stk', items, hint), (err) => {
      assert.ok(isUserError(err));
      assert.equal(err.code, 'secret_exists');
      assert.match(err.message, /Secret c version v1 already exists on srv as stk_c_v1/);
      assert.match(err.message, /removed again stk_a_v1, stk_b_v1/);
      assert.equal(err.hint, 'rotate c');
      return true;
    });
    assert.deepEqual(engine.removed, ['id-stk_a_v1', 'id-stk_b_v1']);
  });

  it('any other failure part-way also removes what was created', async () => {
    const engine = fakeEngine({
      create: (name) => (name === 'stk_b_v1' ? new UserError('connection lost', { code: 'x' }) : undefined),
    });
    await assert.rejects(
      createSecrets(engine.client, 'stk', items, hint),
      /connection lost \(removed again the secrets created before: stk_a_v1\)/,
    );
    assert.deepEqual(engine.removed, ['id-stk_a_v1']);
  });

  it('if the clean-up fails too, the leftovers are named with the command to remove them', async () => {
    const engine = fakeEngine({
      create: (name) => (name === 'stk_b_v1' ? new UserError('connection lost') : undefined),
      remove: true,
    });
    await assert.rejects(createSecrets(engine.client, 'stk', items, hint), (err) => {
      assert.ok(isUserError(err));
      assert.equal(err.code, 'secret_rollback_failed');
      assert.match(
        err.message,
        /Creating secret stk_b_v1 failed \(connection lost\), and stk_a_v1 could not be removed/,
      );
      assert.match(err.hint ?? '', /docker secret rm stk_a_v1/);
      return true;
    });
  });
});

describe('weakSecretWarnings', () => {
  const ctx = { app: 'a.example.org', envFile: '/abra/servers/s/a.example.org.env' };
  const password = (length: number): SecretSpec => ({
    ...spec('db'),
    envLine: 7,
    policy: { kind: 'password', length, charset: 'default', alphabet: 'ab' },
  });

  it('warns for a password below 12 characters, naming the env key and line', () => {
    assert.deepEqual(weakSecretWarnings(ctx, [password(8), password(12), spec('ok')]), [
      'secret db (stk_db_v1) is weak: length=8 makes a weak password (use length=12 or more) on SECRET_DB_VERSION ' +
        '(/abra/servers/s/a.example.org.env:7). Raise it (`abra app config a.example.org`), then rotate the secret to a new version.',
    ]);
  });

  it('says nothing for six-word passphrases, hand-inserted or invalid secrets', () => {
    assert.deepEqual(
      weakSecretWarnings(ctx, [
        spec('p'),
        { ...spec('m'), policy: { kind: 'manual' } },
        { ...spec('x'), policy: undefined },
      ]),
      [],
    );
  });
});
