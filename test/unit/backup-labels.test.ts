import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  backupConfig,
  normaliseSubpath,
  parseBool,
  type ServiceInput,
  snapshotPaths,
} from '../../src/domain/backup/labels.js';
import { CORPUS_DIR } from '../helpers/corpus.js';

const S = 'cloud_example_com';
const vol = (name: string, target: string) => ({ type: 'volume', source: `${S}_${name}`, target });

// Golden: what each label form selects, as backup-bot-two reads them.
describe('backup labels', () => {
  it('reads every form: hooks, volume exclusion, subpaths, the older path list, skips with reasons', () => {
    const services: ServiceInput[] = [
      {
        service: 'app',
        labels: {
          'backupbot.backup': 'true',
          'backupbot.backup.pre-hook': 'pg_dump -f /data/dump.sql',
          'backupbot.backup.post-hook': 'rm -f /data/dump.sql',
          'backupbot.restore.pre-hook': 'echo stop',
          'backupbot.restore.post-hook': 'psql -f /data/dump.sql',
          'backupbot.backup.volumes.cache': 'false',
          'backupbot.backup.volumes.data.path': 'dump, ./uploads/, /x/../y',
        },
        mounts: [
          vol('data', '/data'),
          vol('cache', '/cache'),
          vol('logs', '/logs'),
          { type: 'bind', source: '/etc/x', target: '/x' },
        ],
      },
      {
        service: 'old',
        labels: {
          'backupbot.backup': 'True',
          'backupbot.backup.path': '/srv/files,/srv/files/sub,/tmp/x,/var/a',
        },
        mounts: [vol('files', '/srv/files'), vol('var', '/var')],
      },
      { service: 'off', labels: { 'backupbot.backup': 'false' }, mounts: [vol('o', '/o')] },
      { service: 'bad', labels: { 'backupbot.backup': 'yes' }, mounts: [vol('b', '/b')] },
      { service: 'none', labels: {}, mounts: [vol('n', '/n')] },
      { service: 'novol', labels: { 'backupbot.backup': '1' }, mounts: [] },
    ];
    assert.deepEqual(backupConfig(S, services), {
      discovered: true,
      services: [
        {
          service: 'app',
          included: true,
          volumes: [
            { volume: 'data', source: `${S}_data`, target: '/data', paths: ['dump', 'uploads'] },
            { volume: 'logs', source: `${S}_logs`, target: '/logs', paths: [''] },
          ],
          hooks: {
            backupPre: 'pg_dump -f /data/dump.sql',
            backupPost: 'rm -f /data/dump.sql',
            restorePre: 'echo stop',
            restorePost: 'psql -f /data/dump.sql',
          },
          warnings: [
            'bind mount /x is not a volume and is not backed up',
            'backupbot.backup.volumes.data.path entry "/x/../y" has a ".." segment and is ignored',
          ],
        },
        { service: 'bad', included: false, reason: 'backupbot.backup="yes" is neither true nor false' },
        { service: 'none', included: false, reason: 'no backupbot.backup label' },
        {
          service: 'novol',
          included: false,
          reason: 'backup enabled but no volume selected',
        },
        { service: 'off', included: false, reason: 'backupbot.backup=false' },
        {
          service: 'old',
          included: true,
          volumes: [
            { volume: 'files', source: `${S}_files`, target: '/srv/files', paths: [''] },
            { volume: 'var', source: `${S}_var`, target: '/var', paths: ['a'] },
          ],
          hooks: {},
          warnings: ['backupbot.backup.path entry /tmp/x is not on a volume and is not backed up'],
        },
      ],
    });
  });

  it('no backupbot label anywhere: nothing discovered', () => {
    const cfg = backupConfig(S, [
      { service: 'app', labels: { 'traefik.enable': 'true' }, mounts: [vol('d', '/d')] },
    ]);
    assert.equal(cfg.discovered, false);
  });

  it('warns about a volume label naming no mounted volume; external volumes keep their name', () => {
    const cfg = backupConfig(S, [
      {
        service: 'app',
        labels: { 'backupbot.backup': 'true', 'backupbot.backup.volumes.typo': 'false' },
        mounts: [{ type: 'volume', source: 'shared_ext', target: '/ext' }],
      },
    ]);
    const app = cfg.services[0];
    assert.ok(app?.included);
    assert.deepEqual(app.volumes, [
      { volume: 'shared_ext', source: 'shared_ext', target: '/ext', paths: [''] },
    ]);
    assert.deepEqual(app.warnings, [
      'backupbot.backup.volumes.typo names a volume the service does not mount',
    ]);
  });

  it('snapshot paths and subpath normalisation', () => {
    assert.deepEqual(snapshotPaths({ volume: 'v', source: 's', target: '/t', paths: ['', 'a/b'] }), [
      '/backup/v',
      '/backup/v/a/b',
    ]);
    assert.equal(normaliseSubpath('./a//b/'), 'a/b');
    assert.equal(normaliseSubpath('/'), '');
    assert.equal(normaliseSubpath('a/../../b'), undefined);
    assert.equal(parseBool('TRUE'), true);
    assert.equal(parseBool('0'), false);
    assert.equal(parseBool('on'), undefined);
  });

  it('the corpus recipe with backup labels (foodsharing-cms) backs up its data volume', () => {
    const compose = parse(
      readFileSync(join(CORPUS_DIR, 'foodsharing-cms', 'compose.yml'), 'utf8').replaceAll('${STACK_NAME}', S),
    ) as { services: { app: { deploy: { labels: string[] } } } };
    const labels = Object.fromEntries(
      compose.services.app.deploy.labels.map((l) => [
        l.slice(0, l.indexOf('=')),
        l.slice(l.indexOf('=') + 1),
      ]),
    );
    const cfg = backupConfig(S, [{ service: 'app', labels, mounts: [vol('cms_data', '/data')] }]);
    assert.deepEqual(cfg.services[0], {
      service: 'app',
      included: true,
      volumes: [{ volume: 'cms_data', source: `${S}_cms_data`, target: '/data', paths: [''] }],
      hooks: {},
      warnings: [],
    });
  });
});
