import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLint } from '../../src/domain/lint/run.js';
import type { LintRule } from '../../src/domain/lint/types.js';
import { edit, findings, GOOD, inputOf, lint, result, without } from './lint-helpers.js';

describe('R006 published catalogue version', () => {
  it('is skipped without a local catalogue, fails when the recipe or its versions are missing', () => {
    const absent = result(
      lint(GOOD, { catalogue: { state: 'absent', reason: 'no local catalogue (/x)' } }),
      'R006',
    );
    assert.deepEqual([absent.skipped, absent.skipReason], [true, 'no local catalogue (/x)']);
    assert.deepEqual(findings(GOOD, 'R006', { catalogue: { state: 'present', entry: undefined } }), [
      { message: 'recipe demo is not in the catalogue' },
    ]);
    const empty = { state: 'present' as const, entry: { name: 'demo', features: {}, versions: [] } };
    assert.deepEqual(findings(GOOD, 'R006', { catalogue: empty }), [
      { message: 'the catalogue lists no versions of demo' },
    ]);
  });
});

describe('R007 README metadata', () => {
  it('fails without README, without block, and names missing or empty fields', () => {
    assert.deepEqual(findings(without(GOOD, 'README.md'), 'R007'), [{ message: 'no README.md' }]);
    assert.deepEqual(findings({ ...GOOD, 'README.md': '# Demo\n' }, 'R007'), [
      { message: 'README.md has no <!-- metadata --> block', file: 'README.md' },
    ]);
    const partial = edit(
      edit(GOOD, 'README.md', '* **SSO**: N/A\n', ''),
      'README.md',
      '* **Email**: N/A',
      '* **Email**: ',
    );
    assert.deepEqual(findings(partial, 'R007'), [
      { message: 'metadata lacks Email, SSO', file: 'README.md', line: 3 },
    ]);
  });
});

describe('R008 .env.sample', () => {
  it('is an error finding when missing or unreadable', () => {
    assert.deepEqual(findings(without(GOOD, '.env.sample'), 'R008'), [
      { message: 'no .env.sample at the recipe root' },
    ]);
    const bad = findings({ ...GOOD, '.env.sample': 'TYPE=demo\nA="unclosed\n' }, 'R008');
    assert.equal(bad.length, 1);
    assert.equal(bad[0]?.file, '.env.sample');
    assert.equal(typeof bad[0]?.line, 'number');
    assert.equal(lint(without(GOOD, '.env.sample')).errors, 1);
  });
});

describe('R013 recipe repository', () => {
  it('is skipped with the reason the service gives, fails when the forge says 404', () => {
    const r = result(lint(GOOD, { repo: { state: 'skipped', reason: 'offline (--offline)' } }), 'R013');
    assert.deepEqual([r.skipped, r.skipReason], [true, 'offline (--offline)']);
    const url = 'https://git.coopcloud.tech/coop-cloud/demo';
    assert.deepEqual(findings(GOOD, 'R013', { repo: { state: 'checked', url, exists: false } }), [
      { message: `${url} does not exist` },
    ]);
  });
});

describe('R014 annotated tags', () => {
  it('lists every lightweight tag', () => {
    const tags = [
      { name: '1.0.0+1.27.2', annotated: true },
      { name: 'v2.4.8', annotated: false },
      { name: 'latest-build', annotated: false },
    ];
    assert.deepEqual(findings(GOOD, 'R014', { tags }), [
      { message: 'tag v2.4.8 is a lightweight tag' },
      { message: 'tag latest-build is a lightweight tag' },
    ]);
    assert.deepEqual(findings(GOOD, 'R014', { tags: [] }), []);
  });
});

describe('A003 keys docker stack deploy ignores', () => {
  it('flags restart, container_name, depends_on, build, privileged with their line and the swarm way', () => {
    const files = edit(
      GOOD,
      'compose.yml',
      '    image: nginx:1.27.2\n',
      '    image: nginx:1.27.2\n    restart: always\n    container_name: web\n    depends_on:\n      - db\n    privileged: true\n',
    );
    const f = findings(files, 'A003');
    assert.deepEqual(
      f.map((x) => [x.line, x.message.split(' (')[0]]),
      [
        [6, 'service app: restart is ignored'],
        [7, 'service app: container_name is ignored'],
        [8, 'service app: depends_on is ignored'],
        [10, 'service app: privileged is ignored'],
      ],
    );
    assert.match(f[0]?.message ?? '', /deploy\.restart_policy/);
  });
});

describe('A010 healthcheck vs update monitor', () => {
  it('flags a monitor shorter than start_period + interval × retries (default monitor 5s)', () => {
    const files = edit(GOOD, 'compose.yml', '        monitor: 1m\n', '');
    assert.deepEqual(findings(files, 'A010'), [
      {
        message:
          'service app: a failing healthcheck is detected after up to 50s (start_period 20s + 3 × 10s), but the update monitor is 5s (default)',
        file: 'compose.yml',
        line: 17,
      },
    ]);
    const tight = edit(GOOD, 'compose.yml', 'monitor: 1m', 'monitor: 49s');
    assert.match(findings(tight, 'A010')[0]?.message ?? '', /the update monitor is 49s$/);
    assert.deepEqual(findings(edit(GOOD, 'compose.yml', 'monitor: 1m', 'monitor: 50s'), 'A010'), []);
  });

  it('uses docker defaults (interval 30s, retries 3) and ignores failure_action: continue', () => {
    const defaults = edit(
      edit(GOOD, 'compose.yml', / {6}interval: 10s\n {6}timeout: 5s\n {6}retries: 3\n/, ''),
      'compose.yml',
      'monitor: 1m',
      'monitor: 1m49s',
    );
    assert.match(findings(defaults, 'A010')[0]?.message ?? '', /up to 1m50s \(start_period 20s \+ 3 × 30s\)/);
    const cont = edit(
      edit(GOOD, 'compose.yml', 'failure_action: rollback', 'failure_action: continue'),
      'compose.yml',
      '        monitor: 1m\n',
      '',
    );
    assert.deepEqual(findings(cont, 'A010'), []);
  });
});

describe('A011 host-mode ports and start-first', () => {
  it('flags a host-mode port with order start-first, not stop-first', () => {
    const host =
      'version: "3.8"\nservices:\n  app:\n    ports:\n      - target: 80\n        published: 80\n        mode: host\n';
    assert.deepEqual(findings({ ...GOOD, 'compose.host.yml': host }, 'A011'), [
      {
        message: 'service app publishes host-mode port(s) 80 but updates start-first',
        file: 'compose.yml',
        line: 26,
      },
    ]);
    const stopFirst = `${host}    deploy:\n      update_config:\n        order: stop-first\n`;
    assert.deepEqual(findings({ ...GOOD, 'compose.host.yml': stopFirst }, 'A011'), []);
  });
});

describe('A012 app version label', () => {
  const label = (v: string) =>
    edit(
      GOOD,
      'compose.yml',
      'coop-cloud.${STACK_NAME}.version=1.0.0+1.27.2',
      `coop-cloud.\${STACK_NAME}.version=${v}`,
    );
  it('flags an empty, a non-version and a non-canonical label at its line', () => {
    assert.deepEqual(findings(label(''), 'A012'), [
      { message: 'the app version label is empty', file: 'compose.yml', line: 34 },
    ]);
    assert.match(findings(label('hardcover-v0.4.21.37'), 'A012')[0]?.message ?? '', /is not a version/);
    assert.match(findings(label('v3.27.1'), 'A012')[0]?.message ?? '', /"v" prefix/);
  });

  it('accepts a missing label and the legacy per-service form', () => {
    const legacy = edit(
      GOOD,
      'compose.yml',
      'coop-cloud.${STACK_NAME}.version=1.0.0+1.27.2',
      'coop-cloud.${STACK_NAME}.app.version=1.27.2-abcd',
    );
    assert.deepEqual(findings(legacy, 'A012'), []);
  });
});

describe('A014 compose variables declared', () => {
  it('flags ${X} and $X without default that .env.sample lacks, once, at their first use', () => {
    const files = edit(
      GOOD,
      'compose.yml',
      '      - DOMAIN\n',
      '      - DOMAIN\n      - A=$SOURCES_URL\n      - B=${SOURCES_URL}\n      - C=${OK:-x}\n',
    );
    assert.deepEqual(findings(files, 'A014'), [
      { message: '$SOURCES_URL is not in .env.sample and has no default', file: 'compose.yml', line: 10 },
    ]);
  });
});

describe('A015 .env.sample keys used', () => {
  it('flags active and commented keys nothing reads; pass-through env and $KEY in the sample count', () => {
    const files = edit(
      GOOD,
      '.env.sample',
      'TYPE=demo\n',
      'TYPE=demo\nAGORA_DB_PATH=/x\n#UNUSED_OPTION=1\nFLAVOUR=a\nIMAGE_TAG=x-${FLAVOUR}\n',
    );
    const used = edit(files, 'compose.yml', '      - DOMAIN\n', '      - DOMAIN\n      - IMAGE_TAG\n');
    assert.deepEqual(findings(used, 'A015'), [
      { message: 'AGORA_DB_PATH is not used by any compose file or abra.sh', file: '.env.sample', line: 2 },
      { message: 'UNUSED_OPTION is not used by any compose file or abra.sh', file: '.env.sample', line: 3 },
    ]);
  });
});

describe('runner', () => {
  it('counts failed error and warn rules, not skipped ones, and dedupes repeated findings', () => {
    const twice: LintRule = {
      id: 'T001',
      severity: 'error',
      title: 't',
      howToFix: 'f',
      check: () => [{ message: 'same' }, { message: 'same' }],
    };
    const skipped: LintRule = { ...twice, id: 'T002', skip: () => 'because' };
    const warn: LintRule = { ...twice, id: 'T003', severity: 'warn', check: () => [] };
    const report = runLint(inputOf(GOOD), [twice, skipped, warn]);
    assert.deepEqual(report.results[0]?.findings, [{ message: 'same' }]);
    assert.deepEqual(
      report.results.map((r) => [r.id, r.satisfied, r.skipped]),
      [
        ['T001', false, false],
        ['T002', false, true],
        ['T003', true, false],
      ],
    );
    assert.deepEqual([report.errors, report.warnings], [1, 0]);
  });
});

describe('A016 weak generated secrets', () => {
  const sample = (line: string) =>
    edit(GOOD, '.env.sample', 'SECRET_DB_PASSWORD_VERSION=v1 # length=32', line);

  it('warns on a length below 12 on an active or commented version line, naming key and line', () => {
    assert.deepEqual(findings(sample('SECRET_DB_PASSWORD_VERSION=v1 # length=8'), 'A016'), [
      {
        message: 'SECRET_DB_PASSWORD_VERSION: length=8 makes a weak password (use length=12 or more)',
        file: '.env.sample',
        line: 8,
      },
    ]);
    const commented = sample(
      'SECRET_DB_PASSWORD_VERSION=v1 # length=32\n#SECRET_SMTP_PASSWORD_VERSION=v1 # length=11',
    );
    assert.deepEqual(
      findings(commented, 'A016').map((f) => [f.line, f.message.split(':')[0]]),
      [[9, 'SECRET_SMTP_PASSWORD_VERSION']],
    );
    // Below Go abra's minimum of 5 it cannot even be generated; it is still called weak here.
    assert.equal(findings(sample('SECRET_DB_PASSWORD_VERSION=v1 # length=4'), 'A016').length, 1);
  });

  it('is satisfied by 12 or more, a passphrase, a hand-inserted secret and non-secret keys', () => {
    for (const line of [
      'SECRET_DB_PASSWORD_VERSION=v1 # length=12',
      'SECRET_DB_PASSWORD_VERSION=v1',
      'SECRET_DB_PASSWORD_VERSION=v1 # length=8 generate=false',
      'SECRET_DB_PASSWORD_VERSION=v1 # length=32\nDB_POOL=5 # length=3',
    ])
      assert.deepEqual(findings(sample(line), 'A016'), [], line);
    assert.equal(result(lint(GOOD), 'A016').severity, 'warn');
  });
});
