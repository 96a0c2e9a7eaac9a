import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { composeImages } from '../../src/domain/recipe/compose-images.js';
import { recipeSkeleton } from '../../src/domain/recipe/skeleton.js';
import { readVersionLabel, setVersionLabel } from '../../src/domain/recipe/version-label.js';
import { UserError } from '../../src/errors.js';

const CORPUS = '/work/shared/recipes-corpus';
const KEY = 'coop-cloud.${STACK_NAME}.version';

/** Only the value on line `line` changed: swapping it back gives the original text. */
function assertOnlyValueChanged(before: string, after: string, line: number, from: string, to: string): void {
  const b = before.split('\n');
  const a = after.split('\n');
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) if (i !== line - 1) assert.equal(a[i], b[i]);
  const at = (a[line - 1] as string).indexOf(`=${to}`) + 1 || (a[line - 1] as string).indexOf(`: ${to}`) + 2;
  const l = a[line - 1] as string;
  assert.equal(l.slice(0, at) + from + l.slice(at + to.length), b[line - 1]);
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    assert.ok(err.hint);
    return err.code;
  }
  return 'no error';
}

describe('setVersionLabel', () => {
  const golden: [string, string, string][] = [
    [
      'double-quoted list item, comments kept',
      `services:\n  app:   # main\n    image: nginx:1.27.3\n    deploy:\n      labels:\n        # the version\n        - "${KEY}=0.0.1"   # trailing\n        - "traefik.enable=true"\n`,
      `services:\n  app:   # main\n    image: nginx:1.27.3\n    deploy:\n      labels:\n        # the version\n        - "${KEY}=1.0.0+1.27.3"   # trailing\n        - "traefik.enable=true"\n`,
    ],
    [
      'single-quoted and plain list items',
      `services:\n  app:\n    deploy:\n      labels:\n        - '${KEY}=0.1.0+1'\n`,
      `services:\n  app:\n    deploy:\n      labels:\n        - '${KEY}=1.0.0+1.27.3'\n`,
    ],
    [
      'plain list item',
      `services:\n  app:\n    deploy:\n      labels:\n        - ${KEY}=0.1.0+1\n`,
      `services:\n  app:\n    deploy:\n      labels:\n        - ${KEY}=1.0.0+1.27.3\n`,
    ],
    [
      'map form, quoted value',
      `services:\n  app:\n    deploy:\n      labels:\n        ${KEY}: "0.2.0+1.2"\n        traefik.enable: "true"\n`,
      `services:\n  app:\n    deploy:\n      labels:\n        ${KEY}: "1.0.0+1.27.3"\n        traefik.enable: "true"\n`,
    ],
    [
      'map form, plain value; other services untouched',
      `services:\n  db:\n    deploy:\n      labels:\n        ${KEY}: 9.9.9\n  app:\n    deploy:\n      labels:\n        ${KEY}: 0.2.0 # x\n`,
      `services:\n  db:\n    deploy:\n      labels:\n        ${KEY}: 9.9.9\n  app:\n    deploy:\n      labels:\n        ${KEY}: 1.0.0+1.27.3 # x\n`,
    ],
    [
      'CRLF line ends',
      `services:\r\n  app:\r\n    deploy:\r\n      labels:\r\n        - "${KEY}=0.0.1"\r\n`,
      `services:\r\n  app:\r\n    deploy:\r\n      labels:\r\n        - "${KEY}=1.0.0+1.27.3"\r\n`,
    ],
  ];
  for (const [name, before, after] of golden)
    it(name, () => {
      const r = setVersionLabel(before, '1.0.0+1.27.3');
      assert.equal(r.text, after);
      assert.equal(readVersionLabel(after), '1.0.0+1.27.3');
    });

  it('the recipe template: only the value changes, line reported', () => {
    const compose = recipeSkeleton('x').find((f) => f.path === 'compose.yml')?.content ?? '';
    const r = setVersionLabel(compose, '0.1.0+1.27.3');
    assert.equal(r.previous, '0.0.1');
    assert.equal(compose.split('\n')[r.line - 1]?.trim(), `- "${KEY}=0.0.1"`);
    assertOnlyValueChanged(compose, r.text, r.line, '0.0.1', '0.1.0+1.27.3');
  });

  it('every corpus recipe with the label: only the value changes and it reads back', () => {
    let seen = 0;
    for (const name of readdirSync(CORPUS)) {
      let text: string;
      try {
        text = readFileSync(join(CORPUS, name, 'compose.yml'), 'utf8');
      } catch {
        continue;
      }
      const from = readVersionLabel(text);
      if (from === undefined) continue;
      seen++;
      const r = setVersionLabel(text, '99.0.0+test');
      assertOnlyValueChanged(text, r.text, r.line, from, '99.0.0+test');
      const labels = (
        parse(r.text, { merge: true }) as { services: { app: { deploy: { labels: unknown } } } }
      ).services.app.deploy.labels;
      const flat = Array.isArray(labels)
        ? labels
        : Object.entries(labels as object).map(([k, x]) => `${k}=${x}`);
      assert.ok(flat.includes(`${KEY}=99.0.0+test`), name);
    }
    assert.ok(seen >= 3, `corpus recipes with a version label: ${seen}`);
  });

  it('refusals', () => {
    const app = (labels: string) =>
      `services:\n  app:\n    image: a:1\n    deploy:\n      labels:\n${labels}`;
    assert.equal(
      code(() => setVersionLabel('services: [', '1.0.0+1')),
      'compose_invalid',
    );
    assert.equal(
      code(() => setVersionLabel('services:\n  web:\n    image: a\n', '1.0.0+1')),
      'recipe_no_app_service',
    );
    assert.equal(
      code(() => setVersionLabel('services:\n  app:\n    image: a\n', '1.0.0+1')),
      'recipe_no_version_label',
    );
    assert.equal(
      code(() => setVersionLabel(app('        - "x=1"\n'), '1.0.0+1')),
      'recipe_no_version_label',
    );
    assert.equal(
      code(() => setVersionLabel(app(`        - "coop-cloud.\\u0024{STACK_NAME}.version=1"\n`), '1.0.0+1')),
      'recipe_version_label_unsupported',
    );
    assert.equal(
      code(() => setVersionLabel(app(`        - "${KEY}=0.\\x31.0"\n`), '1.0.0+1')),
      'recipe_version_label_unsupported',
    );
  });
});

describe('composeImages', () => {
  it('splits each service image; a service without one has an empty image', () => {
    assert.deepEqual(
      composeImages(
        'services:\n  app:\n    image: registry:5000/nginx:1.27.3-alpine\n  job:\n    build: .\n',
        'c',
      ),
      [
        { service: 'app', image: 'registry:5000/nginx', tag: '1.27.3-alpine' },
        { service: 'job', image: '', tag: '' },
      ],
    );
    assert.throws(() => composeImages('version: "3.8"\n', 'c'), /has no services/);
  });
});
