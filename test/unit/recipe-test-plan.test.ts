import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeLeftovers,
  missingImagesReason,
  parseEnvOverrides,
  planRecipeTest,
  skippedAfter,
  testDomain,
} from '../../src/domain/recipe-test/plan.js';
import { stackNameOf } from '../../src/domain/stack/contract.js';

/** name -> skip reason ('' when it runs), the plan's shape at a glance. */
function shape(plan: ReturnType<typeof planRecipeTest>): Record<string, string> {
  return Object.fromEntries(plan.steps.map((s) => [s.name, s.skip ?? '']));
}

const RUNS_ALL = {
  new: '',
  secrets: '',
  images: '',
  deploy: '',
  backup: '',
  restore: '',
  upgrade: '',
  rollback: '',
  undeploy: '',
  remove: '',
  verify: '',
};

describe('recipe test plan', () => {
  it('two releases or more: deploy the previous one, upgrade to the newest, roll back', () => {
    const plan = planRecipeTest({
      recipe: 'hello',
      releases: ['0.9.0+1', '1.0.0+1', '1.1.0+1'],
      chaos: false,
      keep: false,
    });
    assert.deepEqual(plan.first, { version: '1.0.0+1', chaos: false });
    assert.equal(plan.upgradeTo, '1.1.0+1');
    assert.equal(plan.rollbackTo, '1.0.0+1');
    assert.deepEqual(shape(plan), RUNS_ALL);
    assert.deepEqual(
      plan.steps.map((s) => [s.name, s.title, s.phase]),
      [
        ['new', "create the app from hello's .env.sample", 'test'],
        ['secrets', 'generate its secrets', 'test'],
        ['images', 'check the images are on the server', 'test'],
        ['deploy', 'deploy 1.0.0+1 (the previous release, to upgrade from) and wait until healthy', 'test'],
        ['backup', 'back up its volumes', 'test'],
        ['restore', 'restore that backup', 'test'],
        ['upgrade', 'upgrade to 1.1.0+1', 'test'],
        ['rollback', 'roll back to 1.0.0+1', 'test'],
        ['undeploy', 'undeploy', 'cleanup'],
        ['remove', 'remove volumes, secrets, configs and the env file', 'cleanup'],
        ['verify', 'check nothing of the app remains', 'cleanup'],
      ],
    );
  });

  it('one release: deploy it; upgrade and rollback say why they do not run', () => {
    const plan = planRecipeTest({ recipe: 'r', releases: ['1.0.0+1'], chaos: false, keep: false });
    assert.deepEqual(plan.first, { version: '1.0.0+1', chaos: false });
    assert.equal(plan.upgradeTo, undefined);
    assert.equal(plan.rollbackTo, undefined);
    const why = 'only one release (1.0.0+1): nothing to upgrade from';
    assert.deepEqual(shape(plan), { ...RUNS_ALL, upgrade: why, rollback: why });
    assert.equal(plan.steps[3]?.title, 'deploy 1.0.0+1 and wait until healthy');
  });

  it('no release: the current commit (the deploy warns), nothing to upgrade', () => {
    const plan = planRecipeTest({ recipe: 'r', releases: [], chaos: false, keep: false });
    assert.deepEqual(plan.first, { version: undefined, chaos: false });
    const why = 'the recipe has no releases';
    assert.deepEqual(shape(plan), { ...RUNS_ALL, upgrade: why, rollback: why });
    assert.equal(plan.steps[3]?.title, 'deploy the current commit (no releases) and wait until healthy');
  });

  it('--chaos: the working tree only, whatever releases exist', () => {
    const plan = planRecipeTest({ recipe: 'r', releases: ['1.0.0+1', '2.0.0+1'], chaos: true, keep: false });
    assert.deepEqual(plan.first, { version: undefined, chaos: true });
    const why = '--chaos tests the working tree only';
    assert.deepEqual(shape(plan), { ...RUNS_ALL, upgrade: why, rollback: why });
    assert.equal(plan.steps[3]?.title, 'deploy the working tree and wait until healthy');
  });

  it('--keep: no cleanup step runs, and each says why', () => {
    const plan = planRecipeTest({ recipe: 'r', releases: ['1.0.0+1', '2.0.0+1'], chaos: false, keep: true });
    const why = '--keep: the app is left for debugging';
    assert.deepEqual(shape(plan), { ...RUNS_ALL, undeploy: why, remove: why, verify: why });
  });

  it('a failure names the step that failed', () => {
    assert.equal(skippedAfter('deploy'), 'an earlier step failed (deploy)');
  });
});

describe('recipe test domain', () => {
  const golden: [string, string, string, string][] = [
    ['hello', 'default', 'a1b2c3', 'hello-test-a1b2c3.default'],
    ['Word_Press', 'Swarm.Example.com', 'ffffff', 'word-press-test-ffffff.swarm.example.com'],
    ['mygit_org_org_a-very-long-recipe-name', 'lab', '000001', 'mygit-org-org-a-very-test-000001.lab'],
    ['---', 'lab', 'abcdef', 'recipe-test-abcdef.lab'],
  ];
  for (const [recipe, base, random, want] of golden)
    it(`${recipe} on ${base} -> ${want}`, () => assert.equal(testDomain(recipe, base, random), want));

  it('the random part survives the 45-character stack name', () => {
    const d = testDomain('x'.repeat(80), 'a-long-server-name.example.org', '9f8e7d');
    assert.match(stackNameOf(d), /-test-9f8e7d/);
  });
});

describe('recipe test reasons', () => {
  it('missing images: named, with the server and the registry error once', () => {
    assert.equal(missingImagesReason('lab', []), undefined);
    assert.equal(
      missingImagesReason('lab', [{ image: 'nginx:1.19.2', pullError: 'no such host' }]),
      'image nginx:1.19.2 not present on lab and no registry reachable (no such host)',
    );
    assert.equal(
      missingImagesReason('lab', [
        { image: 'mariadb:10.6', pullError: 'no such host' },
        { image: 'wordpress:5.7.2', pullError: 'no such host' },
      ]),
      'images mariadb:10.6, wordpress:5.7.2 not present on lab and no registry reachable (no such host)',
    );
  });

  it('leftovers in words, every kind', () => {
    assert.deepEqual(
      describeLeftovers({
        services: ['s_app'],
        networks: ['s_default'],
        volumes: ['s_data'],
        secrets: ['s_pw_v1'],
        configs: ['s_conf_v1'],
        envFile: '/a/b.env',
      }),
      [
        'service s_app',
        'network s_default',
        'volume s_data',
        'secret s_pw_v1',
        'config s_conf_v1',
        'env file /a/b.env',
      ],
    );
    assert.deepEqual(
      describeLeftovers({
        services: [],
        networks: [],
        volumes: [],
        secrets: [],
        configs: [],
        envFile: undefined,
      }),
      [],
    );
  });

  it('--env values: KEY=VALUE, the value may hold "=" and be empty; bad ones say why', () => {
    assert.deepEqual(parseEnvOverrides(['COMPOSE_FILE=compose.yml:compose.host.yml', 'A=b=c', 'E=']), {
      ok: true,
      values: { COMPOSE_FILE: 'compose.yml:compose.host.yml', A: 'b=c', E: '' },
    });
    assert.deepEqual(parseEnvOverrides(['NOEQUALS']), {
      ok: false,
      reason: '"NOEQUALS" is not KEY=VALUE with KEY a variable name',
    });
    assert.deepEqual(parseEnvOverrides(['1X=y']), {
      ok: false,
      reason: '"1X=y" is not KEY=VALUE with KEY a variable name',
    });
    assert.deepEqual(parseEnvOverrides(['K=a\nB=c']), {
      ok: false,
      reason: 'the value of K has a line break or NUL',
    });
  });
});
