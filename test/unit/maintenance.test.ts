import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuditEntry } from '../../src/domain/audit/entry.js';
import { auditObjectName, auditStackOf, SERVER_AUDIT_STACK } from '../../src/domain/audit/stored.js';
import { stackNameOf } from '../../src/domain/stack/contract.js';
import { prunableConfigs, prunableSecrets, referencedIds } from '../../src/domain/stack/prune.js';
import {
  chaosCommit,
  type DerivedStatus,
  describeDeployed,
  hasUpgrade,
} from '../../src/domain/status/app-status.js';
import { deploymentOf } from '../../src/services/app/ps.js';
import { selectVolumes } from '../../src/services/app/volume.js';
import { pruneFilters, summary } from '../../src/services/server/prune.js';
import { formatBytes } from '../../src/ui/units.js';

const NS = 'com.docker.stack.namespace';
const obj = (id: string, name: string, labels: Record<string, string> | null) => ({
  ID: id,
  Spec: { Name: name, Labels: labels },
});

describe('undeploy --prune: which secrets and configs go', () => {
  const secrets = [
    obj('s1', 'blog_api_key_v1', { [NS]: 'blog' }),
    obj('s2', 'blog_api_key_v2', { [NS]: 'blog' }),
    obj('s3', 'blog_db_password_v1', { [NS]: 'blog' }),
    // Same name pattern, no label: never ours to delete.
    obj('s4', 'blog_api_key_v0', null),
    // Another stack's, whose name starts like ours.
    obj('s5', 'blog_api_key_v9', { [NS]: 'blog_old' }),
    // Old version but still used by a service of some stack.
    obj('s6', 'blog_db_password_v0', { [NS]: 'blog' }),
  ];
  it('old versions go; current, unlabelled, foreign and in-use secrets stay', () => {
    const pick = prunableSecrets(
      'blog',
      secrets,
      new Set(['blog_api_key_v2', 'blog_db_password_v1']),
      new Set(['s6']),
    );
    assert.deepEqual(
      pick.remove.map((s) => s.Spec.Name),
      ['blog_api_key_v1'],
    );
    assert.deepEqual(
      pick.current.map((s) => s.Spec.Name),
      ['blog_api_key_v2', 'blog_db_password_v1'],
    );
    assert.deepEqual(
      pick.inUse.map((s) => s.Spec.Name),
      ['blog_db_password_v0'],
    );
  });
  it('a current secret is kept even when nothing uses it', () => {
    const pick = prunableSecrets('blog', secrets.slice(0, 1), new Set(['blog_api_key_v1']), new Set());
    assert.deepEqual(pick.remove, []);
  });
  it('configs of the stack that no service uses go', () => {
    const configs = [
      obj('c1', 'blog_entry_v1', { [NS]: 'blog' }),
      obj('c2', 'blog_entry_v2', { [NS]: 'blog' }),
      obj('c3', 'abra-lock_blog', { 'coop-cloud.lock.stack': 'blog' }),
    ];
    const pick = prunableConfigs('blog', configs, new Set(['c2']));
    assert.deepEqual(
      pick.remove.map((c) => c.Spec.Name),
      ['blog_entry_v1'],
    );
    assert.deepEqual(
      pick.inUse.map((c) => c.Spec.Name),
      ['blog_entry_v2'],
    );
  });
  it('referencedIds collects secret and config ids of every service', () => {
    const ids = referencedIds([
      {
        Spec: {
          TaskTemplate: {
            ContainerSpec: { Secrets: [{ SecretID: 'a' }], Configs: [{ ConfigID: 'b' }, { ConfigID: 'c' }] },
          },
        },
      },
      { Spec: { TaskTemplate: { ContainerSpec: { Secrets: null } } } },
      { Spec: { TaskTemplate: {} } },
    ]);
    assert.deepEqual([...ids.secrets], ['a']);
    assert.deepEqual([...ids.configs], ['b', 'c']);
  });
});

describe('volume rm: selecting the app’s volumes', () => {
  const owned = [{ Name: 'blog_data' }, { Name: 'blog_db' }];
  it('full and short names resolve to the app’s volumes', () => {
    assert.deepEqual(selectVolumes(owned, 'blog', ['data', 'blog_db', 'data'], false), {
      selected: ['blog_data', 'blog_db'],
      unknown: [],
    });
  });
  it('names of no owned volume are refused (another app’s, an unlabelled lookalike)', () => {
    assert.deepEqual(selectVolumes(owned, 'blog', ['blog_data2', 'other_data', 'data'], false), {
      selected: ['blog_data'],
      unknown: ['blog_data2', 'other_data'],
    });
  });
  it('--all is every owned volume', () => {
    assert.deepEqual(selectVolumes(owned, 'blog', [], true).selected, ['blog_data', 'blog_db']);
  });
});

describe('server prune filters and summary', () => {
  it('labels pass through; images dangling unless --all-images', () => {
    assert.deepEqual(pruneFilters('containers', { labels: ['a=b'], allImages: false }, '1.41'), {
      label: ['a=b'],
    });
    assert.equal(pruneFilters('networks', { labels: [], allImages: false }, '1.41'), undefined);
    assert.deepEqual(pruneFilters('images', { labels: [], allImages: false }, '1.41'), {
      dangling: ['true'],
    });
    assert.deepEqual(pruneFilters('images', { labels: ['x'], allImages: true }, '1.41'), {
      label: ['x'],
      dangling: ['false'],
    });
  });
  it('volumes: all unused ones from API 1.42 on (older engines prune all by default)', () => {
    assert.equal(pruneFilters('volumes', { labels: [], allImages: false }, '1.41'), undefined);
    assert.deepEqual(pruneFilters('volumes', { labels: [], allImages: false }, '1.44'), { all: ['true'] });
    assert.deepEqual(pruneFilters('volumes', { labels: [], allImages: false }, '2.0'), { all: ['true'] });
  });
  it('summary counts per kind and totals the bytes', () => {
    assert.equal(
      summary([
        { kind: 'containers', deleted: ['a', 'b'], spaceReclaimed: 10 },
        { kind: 'networks', deleted: [], spaceReclaimed: 0 },
      ]),
      'pruned 2 containers, 0 networks (10 bytes reclaimed)',
    );
    assert.equal(summary([]), 'pruned nothing');
  });
});

describe('server-wide audit entries', () => {
  it('live under a stack no app can have', () => {
    assert.equal(auditStackOf(''), SERVER_AUDIT_STACK);
    assert.equal(auditStackOf('a.example.com'), 'a_example_com');
    assert.ok(!stackNameOf('x.server').includes('.'));
    assert.match(auditObjectName(SERVER_AUDIT_STACK, '2026-ab'), /^abra-audit_\.server_2026_ab$/);
  });
  it('read back with app ""', () => {
    const e = parseAuditEntry({
      id: 'x',
      time: '2026-01-01T00:00:00.000Z',
      operator: 'o@h',
      command: ['server', 'prune', 'default'],
      app: '',
      server: 'default',
      result: 'ok',
      durationMs: 1,
    });
    assert.equal(e?.app, '');
    assert.equal(parseAuditEntry({ ...e, app: undefined }), undefined);
  });
});

describe('versions in view', () => {
  const deployed = (s: Partial<DerivedStatus>): DerivedStatus => ({ status: 'deployed', ...s });
  it('chaos commit and dirty flag from the chaos-version label', () => {
    assert.deepEqual(chaosCommit('a1b2c3d4+U'), { commit: 'a1b2c3d4', dirty: true });
    assert.deepEqual(chaosCommit('a1b2c3d4'), { commit: 'a1b2c3d4', dirty: false });
    assert.equal(chaosCommit('unknown'), undefined);
    assert.equal(chaosCommit(undefined), undefined);
  });
  it('describeDeployed', () => {
    assert.equal(describeDeployed({ version: '1.0.0+1', chaos: 'false' }), '1.0.0+1');
    assert.equal(
      describeDeployed({ version: '1.0.0+1', chaos: 'true', chaosVersion: 'abc123+U' }),
      '1.0.0+1 (chaos abc123+dirty)',
    );
    assert.equal(describeDeployed({ version: '1.0.0+1', chaos: 'true' }), '1.0.0+1 (chaos unknown)');
  });
  it('hasUpgrade: a named newer release only', () => {
    assert.equal(hasUpgrade({ upgrade: '1.1.0+1' }), true);
    assert.equal(hasUpgrade({ upgrade: 'latest' }), false);
    assert.equal(hasUpgrade({}), false);
    assert.equal(hasUpgrade(undefined), false);
  });
  it('app ps header', () => {
    assert.deepEqual(deploymentOf(deployed({ version: '1.0.0+1', chaos: 'false', upgrade: '1.1.0+1' })), {
      version: '1.0.0+1',
      chaos: false,
      upgrade: '1.1.0+1',
      summary: 'version 1.0.0+1 · upgrade 1.1.0+1 available',
    });
    assert.equal(
      deploymentOf(deployed({ version: '1.1.0+1', chaos: 'false', upgrade: 'latest' })).summary,
      'version 1.1.0+1 · latest release',
    );
    assert.deepEqual(deploymentOf(deployed({ version: '1.0.0+1', chaos: 'true', chaosVersion: 'abc+U' })), {
      version: '1.0.0+1',
      chaos: true,
      chaosCommit: 'abc',
      dirty: true,
      summary: 'version 1.0.0+1 (chaos abc+dirty) · upgrade: n/a (chaos)',
    });
  });
  it('formatBytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(200 * 1024 * 1024), '200 MiB');
  });
});
