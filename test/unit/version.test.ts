import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  compareNatural,
  compareVersions,
  latestVersion,
  sortVersions,
} from '../../src/domain/version/compare.js';
import {
  formatVersion,
  isCanonical,
  parseVersion,
  type RecipeVersion,
} from '../../src/domain/version/parse.js';

const CORPUS = '/work/shared/recipes-corpus';

function parsed(tag: string): RecipeVersion {
  const r = parseVersion(tag);
  if (!r.ok) throw new Error(`expected ${tag} to parse: ${r.reason}`);
  return r.version;
}

function summary(tag: string): string {
  const r = parseVersion(tag);
  if (!r.ok) return `REJECT ${r.reason}`;
  const v = r.version;
  return [
    `${v.major}.${v.minor}.${v.patch}`,
    `pre=${JSON.stringify(v.prerelease)}`,
    `up=${v.upstream ?? '-'}`,
    `warn=${v.warnings.join(',') || '-'}`,
  ].join(' ');
}

describe('parseVersion (golden)', () => {
  const golden: [string, string][] = [
    ['1.7.1+1.27.2', '1.7.1 pre=[] up=1.27.2 warn=-'],
    ['2.0.1+1.0.6-social-amd64', '2.0.1 pre=[] up=1.0.6-social-amd64 warn=-'],
    ['5.0.3+27.0.1-fpm', '5.0.3 pre=[] up=27.0.1-fpm warn=-'],
    ['2.1.0+1.19.3-rootless', '2.1.0 pre=[] up=1.19.3-rootless warn=-'],
    ['7.0.1+29.0.4-fpm', '7.0.1 pre=[] up=29.0.4-fpm warn=-'],
    ['0.1.0+v2.4.8', '0.1.0 pre=[] up=v2.4.8 warn=-'],
    ['1.0.0+latest', '1.0.0 pre=[] up=latest warn=-'],
    ['3.0.0+2024.01.15_build', '3.0.0 pre=[] up=2024.01.15_build warn=-'],
    ['1.0.0-rc.1+2.3', '1.0.0 pre=["rc",1] up=2.3 warn=-'],
    ['1.0.0-beta-2+2.3', '1.0.0 pre=["beta-2"] up=2.3 warn=-'],
    ['10.20.30+1', '10.20.30 pre=[] up=1 warn=-'],
    ['v1.0.3', '1.0.3 pre=[] up=- warn=v-prefix,no-upstream'],
    ['v2.4.8', '2.4.8 pre=[] up=- warn=v-prefix,no-upstream'],
    ['v1.2.3+4.5.6', '1.2.3 pre=[] up=4.5.6 warn=v-prefix'],
    ['1.0.0', '1.0.0 pre=[] up=- warn=no-upstream'],
    ['0.0.1-alpha', '0.0.1 pre=["alpha"] up=- warn=no-upstream'],
    ['', 'REJECT the tag is empty'],
    [
      'latest',
      'REJECT it does not start with MAJOR.MINOR.PATCH (three dot-separated numbers); found "latest"',
    ],
    ['1.2', 'REJECT it does not start with MAJOR.MINOR.PATCH (three dot-separated numbers); found "1.2"'],
    [
      '1.2.3.4+x',
      'REJECT it does not start with MAJOR.MINOR.PATCH (three dot-separated numbers); found "1.2.3.4"',
    ],
    ['01.2.3+x', 'REJECT "01" in "01.2.3" has a leading zero'],
    ['1.2.3+', 'REJECT nothing follows "+" (expected the upstream version)'],
    ['1.2.3-+x', 'REJECT nothing follows "-" (expected a pre-release such as "rc.1")'],
    ['1.2.3-rc.01', 'REJECT the pre-release part "01" has a leading zero'],
    [
      '1.14.1-rootless_1',
      'REJECT the pre-release "rootless_1" has an invalid part "rootless_1" (letters, digits and "-" only)',
    ],
    [
      '1.2.3+a+b',
      'REJECT the upstream part "a+b" is not an image tag (letters, digits, ".", "-", "_"; no leading separator)',
    ],
    [
      '1.2.3+-fpm',
      'REJECT the upstream part "-fpm" is not an image tag (letters, digits, ".", "-", "_"; no leading separator)',
    ],
    ['1.2.3 +x', 'REJECT it contains whitespace'],
    [
      'release-2021',
      'REJECT it does not start with MAJOR.MINOR.PATCH (three dot-separated numbers); found "release"',
    ],
    ['vfoo', 'REJECT it does not start with MAJOR.MINOR.PATCH (three dot-separated numbers); found "foo"'],
  ];
  for (const [tag, want] of golden) {
    it(JSON.stringify(tag), () => assert.equal(summary(tag), want));
  }

  it('parses every tag of the corpus (v-prefixed semver, with warnings)', () => {
    for (const recipe of ['foodsharing-cms', 'traefik']) {
      const tags = readFileSync(`${CORPUS}/${recipe}/tags.txt`, 'utf8').split('\n').filter(Boolean);
      assert.ok(tags.length > 0);
      for (const t of tags) {
        const v = parsed(t);
        assert.deepEqual(v.warnings, ['v-prefix', 'no-upstream'], t);
        assert.equal(isCanonical(v), false);
      }
    }
  });

  it('formats without the v prefix and keeps the upstream', () => {
    assert.equal(formatVersion(parsed('v1.2.3-rc.1+4.5-fpm')), '1.2.3-rc.1+4.5-fpm');
    assert.equal(formatVersion(parsed('1.0.0')), '1.0.0');
    assert.equal(isCanonical(parsed('1.0.0+1')), true);
  });
});

describe('compareVersions (golden order)', () => {
  const ordered = [
    '0.0.1+1.0',
    '0.1.0-alpha+1.0',
    '0.1.0-alpha.1+1.0',
    '0.1.0-alpha.beta+1.0',
    '0.1.0-beta+1.0',
    '0.1.0-beta.2+1.0',
    '0.1.0-beta.11+1.0',
    '0.1.0-rc.1+1.0',
    '0.1.0',
    '0.1.0+1.0',
    '0.1.0+1.0.1',
    '0.1.0+1.0.1-alpine',
    '0.1.0+1.0.2',
    '0.1.0+1.0.10',
    '1.0.0+1.0.6-social-amd64',
    'v1.0.0+1.0.6-social-amd64',
    '1.0.3',
    'v1.0.3',
    '2.0.1+1.0.6-social-amd64',
    '2.0.1+1.0.7-social-amd64',
    '2.0.1+1.0.7-social-arm64',
    '2.1.0+1.19.3-rootless',
    '2.1.0+1.19.10-rootless',
    '2.1.0+v1.19.11-rootless',
    '5.0.3+27.0.1',
    '5.0.3+27.0.1-apache',
    '5.0.3+27.0.1-fpm',
    '5.0.3+27.0.2-fpm',
    '9.0.0+1',
    '10.0.0+1',
  ];

  it('sorts a shuffled list into the expected order', () => {
    const shuffled = [...ordered].reverse();
    shuffled.push(shuffled.shift() as string);
    const got = sortVersions(shuffled.map(parsed)).map((v) => v.raw);
    assert.deepEqual(got, ordered);
  });

  it('every adjacent pair is strictly ordered, both ways', () => {
    for (let i = 1; i < ordered.length; i++) {
      const a = parsed(ordered[i - 1] as string);
      const b = parsed(ordered[i] as string);
      assert.ok(compareVersions(a, b) < 0, `${a.raw} < ${b.raw}`);
      assert.ok(compareVersions(b, a) > 0, `${b.raw} > ${a.raw}`);
    }
  });

  it('latestVersion picks the greatest', () => {
    assert.equal(latestVersion(ordered.map(parsed))?.raw, '10.0.0+1');
    assert.equal(latestVersion([]), undefined);
  });

  it('natural order compares long digit runs exactly', () => {
    assert.ok(compareNatural('1.99999999999999999999', '1.100000000000000000000') < 0);
    assert.ok(compareNatural('7', '007') < 0);
    assert.equal(compareNatural('1.2-x', '1.2-x'), 0);
  });

  const versionArb = fc
    .record({
      v: fc.boolean(),
      core: fc.tuple(fc.nat(12), fc.nat(12), fc.nat(12)),
      pre: fc.option(fc.array(fc.oneof(fc.nat(5), fc.constantFrom('alpha', 'beta', 'rc')), { minLength: 1 })),
      up: fc.option(fc.stringMatching(/^[0-9a-z][0-9a-z._-]{0,8}$/)),
    })
    .map(({ v, core, pre, up }) => {
      const p = pre === null ? '' : `-${pre.join('.')}`;
      const u = up === null ? '' : `+${up}`;
      return parsed(`${v ? 'v' : ''}${core.join('.')}${p}${u}`);
    });

  it('is a total order (antisymmetric, transitive, zero only for equal tags)', () => {
    fc.assert(
      fc.property(versionArb, versionArb, versionArb, (a, b, c) => {
        const ab = Math.sign(compareVersions(a, b));
        assert.equal(ab, -Math.sign(compareVersions(b, a)));
        assert.equal(ab === 0, a.raw === b.raw);
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) assert.ok(compareVersions(a, c) <= 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('semver precedence on the recipe part wins over any upstream', () => {
    fc.assert(
      fc.property(versionArb, versionArb, (a, b) => {
        const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
        if (core !== 0) assert.equal(Math.sign(compareVersions(a, b)), Math.sign(core));
      }),
    );
  });
});
