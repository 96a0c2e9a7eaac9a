import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rewriteImages } from '../../src/domain/upgrade/rewrite.js';
import { type BumpLevel, tagStyle, upgradeCandidates } from '../../src/domain/upgrade/tag-style.js';

const NGINX = [
  '1',
  '1.25',
  '1.25.3',
  '1.25.3-alpine',
  '1.25.4',
  '1.26.0',
  '1.26.0-alpine',
  '1.27.1',
  '1.27.1-alpine',
  '1.27.1-alpine-slim',
  '1.28.0-rc1',
  '2.0.0',
  'latest',
  'stable-alpine',
  'mainline',
];

describe('tagStyle', () => {
  const cases: [string, unknown][] = [
    ['1.25.3', { kind: 'number', prefix: '', suffix: '', numbers: [1, 25, 3], separators: '..' }],
    ['v2.5', { kind: 'number', prefix: 'v', suffix: '', numbers: [2, 5], separators: '.' }],
    [
      '1.19.3-rootless',
      { kind: 'number', prefix: '', suffix: '-rootless', numbers: [1, 19, 3], separators: '..' },
    ],
    ['10.6.5-focal', { kind: 'number', prefix: '', suffix: '-focal', numbers: [10, 6, 5], separators: '..' }],
    [
      'bookworm-20240110',
      { kind: 'date', prefix: 'bookworm-', suffix: '', numbers: [20240110], separators: 'date' },
    ],
    ['2024-01-10', { kind: 'date', prefix: '', suffix: '', numbers: [20240110], separators: 'date-' }],
    [
      'RELEASE.2024-01-10T12-00-00Z',
      { kind: 'date', prefix: 'RELEASE.', suffix: 'T12-00-00Z', numbers: [20240110], separators: 'date-' },
    ],
    ['latest', undefined],
    ['stable-alpine', undefined],
    ['1.2.3.4.5', undefined],
  ];
  for (const [tag, want] of cases)
    it(tag, () => {
      const got = tagStyle(tag);
      if (want === undefined) return assert.equal(got, undefined);
      assert.deepEqual(got, { tag, ...(want as object) });
    });
});

describe('upgradeCandidates (golden)', () => {
  const cases: [string, readonly string[], BumpLevel | undefined, string[]][] = [
    ['1.25.3', NGINX, undefined, ['1.25.4:patch', '1.26.0:minor', '1.27.1:minor', '2.0.0:major']],
    ['1.25.3', NGINX, 'minor', ['1.25.4:patch', '1.26.0:minor', '1.27.1:minor']],
    ['1.25.3', NGINX, 'patch', ['1.25.4:patch']],
    ['1.25.3-alpine', NGINX, undefined, ['1.26.0-alpine:minor', '1.27.1-alpine:minor']],
    ['1.27.1-alpine', NGINX, undefined, []],
    ['1.25', NGINX, undefined, []],
    ['1', NGINX, undefined, []],
    ['latest', NGINX, undefined, []],
    ['15', ['15', '16', '9', '16.1', '16-alpine'], undefined, ['16:major']],
    ['15.5', ['15.5', '15.10', '15.6', '16.1'], 'minor', ['15.6:minor', '15.10:minor']],
    ['v1.2.0', ['1.3.0', 'v1.3.0', 'v1.2.1'], undefined, ['v1.2.1:patch', 'v1.3.0:minor']],
    [
      'bookworm-20240110',
      ['bookworm-20240211', 'bookworm-20231201', 'trixie-20241111', 'bookworm', '20240301'],
      'patch',
      ['bookworm-20240211:patch'],
    ],
    ['1.2.3', ['1.2.3-rc1', '1.2.4-rc1', '1.2.10', '1.2.9'], undefined, ['1.2.9:patch', '1.2.10:patch']],
  ];
  for (const [current, tags, level, want] of cases)
    it(`${current} ${level ?? 'any'}`, () => {
      assert.deepEqual(
        upgradeCandidates(current, tags, level).map((c) => `${c.tag}:${c.level}`),
        want,
      );
    });
});

describe('rewriteImages keeps every other byte', () => {
  const text = [
    '---',
    '# the app',
    'version: "3.8"',
    'services:',
    '  app:',
    '    image: nginx:1.25.3   # pinned by hand',
    '    deploy:',
    '      labels:',
    '        - "image: nginx:1.25.3"',
    '  web:',
    "    image: 'nginx:1.25.3'\r",
    '  db:',
    '    image: "postgres:15.5@sha256:aaaa"',
    '  other:',
    '    image: nginx:1.25.3-alpine',
    '',
  ].join('\n');
  it('golden', () => {
    const res = rewriteImages(
      text,
      new Map([
        ['nginx:1.25.3', 'nginx:1.26.0'],
        ['postgres:15.5@sha256:aaaa', 'postgres:15.6@sha256:bbbb'],
      ]),
    );
    assert.equal(
      res.text,
      text
        .replace('image: nginx:1.25.3   #', 'image: nginx:1.26.0   #')
        .replace("'nginx:1.25.3'\r", "'nginx:1.26.0'\r")
        .replace('"postgres:15.5@sha256:aaaa"', '"postgres:15.6@sha256:bbbb"'),
    );
    assert.deepEqual(
      res.changes.map((c) => c.line),
      [6, 11, 13],
    );
  });
  it('nothing to replace: identical text', () => {
    assert.equal(rewriteImages(text, new Map([['redis:7', 'redis:8']])).text, text);
  });
});
