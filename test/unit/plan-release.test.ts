import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCompose } from '../../src/domain/compose/load.js';
import { boundWith, type CurrentStack, planRelease } from '../../src/domain/plan/plan.js';
import { type DesiredStack, storedServiceSpec, toStack } from '../../src/domain/swarm/index.js';

const SECRET_DATA = Buffer.from('s3cr3t-file-content').toString('base64');
const CONFIG_DATA = Buffer.from('server { listen 80; }').toString('base64');

function desired(image = 'nginx:1.25', services = ['app', 'db']): DesiredStack {
  const svc = services
    .map(
      (s) =>
        `  ${s}:\n    image: ${s === 'app' ? image : 'postgres:15'}\n    secrets: [key]\n    configs: [conf]\n`,
    )
    .join('');
  const text =
    `version: "3.8"\nservices:\n${svc}` +
    'secrets:\n  key:\n    name: st_key_v1\n    file: ./key.txt\n' +
    'configs:\n  conf:\n    name: st_conf_v1\n    file: ./nginx.conf\n';
  const config = loadCompose({ files: [{ file: '/r/compose.yml', text }], workingDir: '/r', env: {} });
  const stack = toStack(config, { namespace: 'st' });
  // File data is filled in by the release loader; the plan must never carry it.
  for (const s of stack.secrets) s.spec.Data = SECRET_DATA;
  for (const c of stack.configs) c.spec.Data = CONFIG_DATA;
  return stack;
}

/** What the engine would hold after deploying `from`. */
function deployed(from: DesiredStack, objects = true): CurrentStack {
  const current: CurrentStack = {
    services: [],
    networks: { st_default: 'net1', ingress: 'ing' },
    secrets: objects ? { st_key_v1: 'sec1' } : {},
    configs: objects ? { st_conf_v1: 'cfg1' } : {},
  };
  current.services = from.services.map((svc, i) => ({
    id: `svc${i}`,
    name: svc.spec.Name,
    version: 5,
    spec: storedServiceSpec(boundWith(svc, current), { networkId: (n) => current.networks[n] }),
    forceUpdate: 0,
  }));
  return current;
}

describe('planRelease (pure)', () => {
  it('a first deploy creates everything, names only', () => {
    const plan = planRelease(
      desired(),
      { services: [], networks: {}, secrets: {}, configs: {} },
      { force: false },
    );
    assert.deepEqual(
      plan.services.map((s) => [s.action, s.name]),
      [
        ['create', 'st_app'],
        ['create', 'st_db'],
      ],
    );
    assert.deepEqual(plan.networks, ['st_default']);
    assert.deepEqual(plan.secrets, ['st_key_v1']);
    assert.deepEqual(plan.configs, ['st_conf_v1']);
  });

  it('holds no secret or config data, in any form', () => {
    const plan = planRelease(
      desired(),
      { services: [], networks: {}, secrets: {}, configs: {} },
      { force: false },
    );
    const text = JSON.stringify(plan);
    assert.doesNotMatch(text, new RegExp(SECRET_DATA));
    assert.doesNotMatch(text, new RegExp(CONFIG_DATA));
    assert.doesNotMatch(text, /s3cr3t/);
  });

  it('the same release again changes nothing; --force updates every service', () => {
    const d = desired();
    const current = deployed(d);
    assert.deepEqual(
      planRelease(d, current, { force: false }).services.map((s) => s.action),
      ['unchanged', 'unchanged'],
    );
    const forced = planRelease(d, current, { force: true });
    assert.deepEqual(
      forced.services.map((s) => (s.action === 'update' ? s.changes : s.action)),
      [['forced'], ['forced']],
    );
  });

  it('a new image is an update of that service only, and says what changed', () => {
    const current = deployed(desired('nginx:1.25'));
    const plan = planRelease(desired('nginx:1.27'), current, { force: false });
    assert.deepEqual(
      plan.services.map((s) => [s.name, s.action === 'update' ? s.changes : s.action]),
      [
        ['st_app', ['image', 'labels']], // com.docker.stack.image follows the image
        ['st_db', 'unchanged'],
      ],
    );
    assert.deepEqual(plan.secrets, [], 'existing secrets are kept, not recreated');
    assert.deepEqual(plan.keptSecrets, ['st_key_v1']);
  });

  it('a service dropped from the recipe is an orphan left running, or removed with prune', () => {
    const current = deployed(desired('nginx:1.25', ['app', 'db']));
    const next = desired('nginx:1.25', ['app']);
    const kept = planRelease(next, current, { force: false });
    assert.deepEqual(kept.orphans, ['st_db']);
    assert.ok(!kept.services.some((s) => s.action === 'remove'));
    const pruned = planRelease(next, current, { force: false, prune: true });
    assert.deepEqual(pruned.orphans, []);
    assert.deepEqual(
      pruned.services.map((s) => [s.action, s.name]),
      [
        ['unchanged', 'st_app'],
        ['remove', 'st_db'],
      ],
    );
  });

  it('external objects that do not exist are reported missing', () => {
    const d = desired();
    d.externalSecrets.push('traefik_ssl_cert_v1');
    d.externalNetworks.push('proxy');
    const plan = planRelease(d, deployed(d), { force: false });
    assert.deepEqual(plan.missing, { networks: ['proxy'], secrets: ['traefik_ssl_cert_v1'], configs: [] });
  });
});
