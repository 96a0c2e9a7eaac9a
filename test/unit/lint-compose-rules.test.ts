import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LINT_RULES } from '../../src/domain/lint/rules/index.js';
import { edit, findings, GOOD, lint, result, without } from './lint-helpers.js';

describe('lint: the reference recipe', () => {
  it('satisfies every rule, none skipped, ids R001-R015 then A001-A017', () => {
    const report = lint(GOOD);
    const failed = report.results.filter((r) => !r.satisfied || r.skipped);
    assert.deepEqual(failed, []);
    assert.equal(report.errors, 0);
    assert.equal(report.warnings, 0);
    const ids = LINT_RULES.map((r) => r.id);
    assert.deepEqual(ids, [
      ...Array.from({ length: 15 }, (_, i) => `R${String(i + 1).padStart(3, '0')}`),
      ...Array.from({ length: 17 }, (_, i) => `A${String(i + 1).padStart(3, '0')}`),
    ]);
  });

  it('keeps Go abra severities for R001-R015', () => {
    const sev = Object.fromEntries(LINT_RULES.map((r) => [r.id, r.severity]));
    for (const id of ['R001', 'R002', 'R003', 'R004', 'R005', 'R006', 'R007', 'R013', 'R015'])
      assert.equal(sev[id], 'warn', id);
    for (const id of ['R008', 'R009', 'R010', 'R011', 'R012', 'R014']) assert.equal(sev[id], 'error', id);
  });
});

describe('R001 compose version', () => {
  it('flags a missing and a different version, per file with its line', () => {
    const files = {
      ...edit(GOOD, 'compose.yml', 'version: "3.8"\n', ''),
      'compose.x.yml': 'version: "3.7"\nservices:\n  app:\n    environment:\n      - X=1\n',
    };
    assert.deepEqual(findings(files, 'R001'), [
      { message: 'compose.yml has no version: key', file: 'compose.yml', line: 1 },
      { message: 'compose.x.yml has version "3.7"', file: 'compose.x.yml', line: 1 },
    ]);
  });
});

describe('R002 healthchecks', () => {
  it('flags services without one or with it disabled, at the service / healthcheck', () => {
    const files = edit(
      edit(GOOD, 'compose.yml', / {4}healthcheck:\n( {6}.*\n)+/, ''),
      'compose.yml',
      'networks:\n  proxy:',
      '  db:\n    image: postgres:16\n    healthcheck:\n      disable: true\nnetworks:\n  proxy:',
    );
    assert.deepEqual(findings(files, 'R002'), [
      { message: 'service app has no healthcheck', file: 'compose.yml', line: 4 },
      { message: 'service db has its healthcheck disabled', file: 'compose.yml', line: 31 },
    ]);
  });
});

describe('R003/R004/R005 image tags', () => {
  const img = (image: string) => edit(GOOD, 'compose.yml', 'image: nginx:1.27.2', `image: ${image}`);
  const loc = { file: 'compose.yml', line: 5 };

  it('R003 flags an untagged image, not a digest-pinned one', () => {
    assert.deepEqual(findings(img('nginx'), 'R003'), [
      { message: 'service app: image nginx has no tag (means latest)', ...loc },
    ]);
    assert.deepEqual(findings(img('nginx@sha256:abcd'), 'R003'), []);
  });

  it('R004 flags moving tags (latest, testing, latest-<flavour>), not releases', () => {
    assert.deepEqual(findings(img('nginx:latest'), 'R004'), [
      { message: 'service app: image nginx:latest uses the moving tag "latest"', ...loc },
    ]);
    assert.equal(findings(img('x/y:testing'), 'R004').length, 1);
    assert.equal(findings(img('x/y:latest-classic-amd64'), 'R004').length, 1);
    assert.deepEqual(findings(img('nginx:1.27-alpine'), 'R004'), []);
  });

  it('R005 flags non-version tags; v-prefixed, 2-part and suffixed versions pass', () => {
    assert.deepEqual(findings(img('x/y:hardcover-v0.4'), 'R005'), [
      { message: 'service app: tag "hardcover-v0.4" of x/y:hardcover-v0.4 is not version-like', ...loc },
    ]);
    for (const ok of [
      'traefik:v2.4.8',
      'mariadb:10.6',
      'php:8.0-fpm-alpine3.13',
      'registry.example.org:5000/a/b:1.2.3',
    ])
      assert.deepEqual(findings(img(ok), 'R005'), [], ok);
  });

  it('judges the image after interpolation with .env.sample values', () => {
    const files = edit(
      edit(GOOD, 'compose.yml', 'image: nginx:1.27.2', 'image: ${IMAGE}'),
      '.env.sample',
      'TYPE=demo\n',
      'TYPE=demo\nIMAGE=nginx:latest\n',
    );
    assert.equal(
      findings(files, 'R004')[0]?.message,
      'service app: image nginx:latest uses the moving tag "latest"',
    );
  });
});

describe('R009 app service', () => {
  it("flags a compose.yml without a service named 'app'", () => {
    const files = edit(GOOD, 'compose.yml', '  app:\n', '  web:\n');
    assert.deepEqual(findings(files, 'R009'), [
      { message: 'compose.yml has no service named app (services: web)', file: 'compose.yml', line: 3 },
    ]);
  });
});

describe('R010 traefik enabled', () => {
  it('flags a web recipe with no traefik.enable=true deploy label', () => {
    const files = edit(GOOD, 'compose.yml', '        - "traefik.enable=true"\n', '');
    assert.deepEqual(findings(files, 'R010'), [
      { message: 'no service has the deploy label traefik.enable=true', file: 'compose.yml', line: 3 },
    ]);
  });

  it('is skipped when .env.sample sets no DOMAIN', () => {
    const files = edit(
      edit(GOOD, '.env.sample', 'DOMAIN=demo.example.com\n', ''),
      'compose.yml',
      '        - "traefik.enable=true"\n',
      '',
    );
    const r = result(lint(files), 'R010');
    assert.equal(r.skipped, true);
    assert.equal(r.skipReason, '.env.sample sets no DOMAIN: not a web app');
    assert.equal(r.satisfied, false);
  });
});

describe('R011 images present', () => {
  it('flags a service without image, and one whose image variable is empty', () => {
    const files = edit(
      edit(GOOD, 'compose.yml', 'image: nginx:1.27.2', 'image: ${APP_IMAGE}'),
      'compose.yml',
      'networks:\n  proxy:',
      '  worker:\n    command: run\nnetworks:\n  proxy:',
    );
    assert.deepEqual(findings(files, 'R011'), [
      {
        message: 'service app has no image ("${APP_IMAGE}" is empty with the .env.sample values)',
        file: 'compose.yml',
        line: 5,
      },
      { message: 'service worker has no image', file: 'compose.yml', line: 35 },
    ]);
  });
});

describe('A001 compose files load', () => {
  it('reports invalid YAML with file:line, once, instead of crashing', () => {
    const files = { ...GOOD, 'compose.bad.yml': 'services:\n  app:\n    image: a\n    image: b\n' };
    const f = findings(files, 'A001');
    assert.equal(f.length, 1);
    assert.equal(f[0]?.file, 'compose.bad.yml');
    assert.equal(f[0]?.line, 4);
    assert.match(f[0]?.message ?? '', /not valid YAML/);
    const unclosed = findings({ ...GOOD, 'compose.bad.yml': 'services:\n  app: [unclosed\n' }, 'A001');
    assert.equal(typeof unclosed[0]?.line, 'number', 'a syntax error still names a line');
    // The other combinations still load and are judged.
    assert.equal(result(lint(files), 'R002').skipped, false);
  });

  it('reports schema and interpolation errors of a combination, naming it', () => {
    const schema = {
      ...GOOD,
      'compose.x.yml': 'version: "3.8"\nservices:\n  app:\n    deploy:\n      replicas: many\n',
    };
    const [s] = findings(schema, 'A001');
    assert.equal(s?.file, 'compose.x.yml');
    assert.equal(s?.line, 5);
    assert.match(s?.message ?? '', /\(loading compose\.yml:compose\.x\.yml\)$/);
    const interp = edit(GOOD, 'compose.yml', 'image: nginx:1.27.2', 'image: ${cat /x}');
    const [i] = findings(interp, 'A001');
    assert.equal(i?.file, 'compose.yml');
    assert.equal(i?.line, 5);
    assert.match(i?.message ?? '', /invalid interpolation format for services\.app\.image/);
  });

  it('reports a recipe without compose.yml', () => {
    const files = { ...without(GOOD, 'compose.yml'), 'compose.other.yml': GOOD['compose.yml']! };
    assert.deepEqual(findings(files, 'A001'), [
      { message: 'no compose.yml in the recipe: abra loads it for every app by default' },
    ]);
  });

  it('skips model rules when nothing loads', () => {
    const files = edit(GOOD, 'compose.yml', 'image: nginx:1.27.2', 'image: ${cat /x}');
    const r = result(lint(files), 'R002');
    assert.equal(r.skipped, true);
    assert.equal(r.skipReason, 'no compose file combination loads (see A001)');
  });
});

describe('A002 COMPOSE_FILE names existing files', () => {
  it('flags active and commented COMPOSE_FILE lines naming missing overlays', () => {
    const files = edit(
      GOOD,
      '.env.sample',
      'TYPE=demo\n',
      'TYPE=demo\nCOMPOSE_FILE="compose.yml:compose.gone.yml"\n#COMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"\n',
    );
    assert.deepEqual(findings(files, 'A002'), [
      {
        message: 'COMPOSE_FILE names compose.gone.yml, which the recipe does not have',
        file: '.env.sample',
        line: 2,
      },
      {
        message: 'commented COMPOSE_FILE names compose.gone.yml, which the recipe does not have',
        file: '.env.sample',
        line: 3,
      },
      {
        message: 'commented COMPOSE_FILE names compose.smtp.yml, which the recipe does not have',
        file: '.env.sample',
        line: 3,
      },
    ]);
    assert.deepEqual(
      findings(
        {
          ...files,
          'compose.gone.yml': 'version: "3.8"\nservices: {}\n',
          'compose.smtp.yml': 'version: "3.8"\nservices: {}\n',
        },
        'A002',
      ),
      [],
    );
  });
});
