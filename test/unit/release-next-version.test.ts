import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bumpFor,
  bumpFromFlags,
  imageChanges,
  nextVersion,
  type ServiceImageTag,
  tagChange,
} from '../../src/domain/release/next-version.js';
import { parseVersion, type RecipeVersion } from '../../src/domain/version/parse.js';
import { UserError } from '../../src/errors.js';

function v(tag: string): RecipeVersion {
  const r = parseVersion(tag);
  if (!r.ok) throw new Error(r.reason);
  return r.version;
}

function imgs(spec: Record<string, string>): ServiceImageTag[] {
  return Object.entries(spec).map(([service, ref]) => {
    const i = ref.lastIndexOf(':');
    return i === -1
      ? { service, image: ref, tag: '' }
      : { service, image: ref.slice(0, i), tag: ref.slice(i + 1) };
  });
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    assert.ok(err.hint, 'every refusal says what to do');
    return err.code;
  }
  return 'no error';
}

describe('tagChange', () => {
  const golden: [string, string, string][] = [
    ['1.27.3', '2.0.0', 'major upgrade'],
    ['1.27.3', '1.28.0', 'minor upgrade'],
    ['1.27.3', '1.27.4', 'patch upgrade'],
    ['1.27.3-alpine', '1.28.0-alpine', 'minor upgrade'],
    ['v2.1', 'v2.2', 'minor upgrade'],
    ['15', '16', 'major upgrade'],
    ['1.27.4', '1.27.3', 'patch downgrade'],
    ['1.27.3', '1.27.3-alpine', 'tag changed'],
    ['1.27', '1.27.1', 'tag changed'],
    ['latest', 'stable', 'tag changed'],
    ['2024-05-01', '2024-06-01', 'tag changed'],
    ['20240501', '20240601', 'tag changed'],
    ['1.02.3', '1.2.3', 'tag respelled'],
  ];
  for (const [from, to, want] of golden)
    it(`${from} -> ${to}: ${want}`, () => assert.equal(tagChange(from, to).why, want));
  it('unnumbered changes count as minor', () => assert.equal(tagChange('latest', 'stable').bump, 'minor'));
});

describe('imageChanges and bumpFor', () => {
  it('lists every kind of change, in compose order, removed services last', () => {
    const changes = imageChanges(
      imgs({ app: 'nginx:1.25.0', db: 'postgres:15', cache: 'redis:7.2.1', old: 'busybox:1.36' }),
      imgs({ app: 'nginx:1.27.3', db: 'postgres:16', cache: 'valkey/valkey:7.2.1', worker: 'busybox:1.36' }),
    );
    assert.deepEqual(changes, [
      { service: 'app', from: 'nginx:1.25.0', to: 'nginx:1.27.3', bump: 'minor', why: 'minor upgrade' },
      { service: 'db', from: 'postgres:15', to: 'postgres:16', bump: 'major', why: 'major upgrade' },
      {
        service: 'cache',
        from: 'redis:7.2.1',
        to: 'valkey/valkey:7.2.1',
        bump: 'major',
        why: 'another image',
      },
      { service: 'worker', to: 'busybox:1.36', bump: 'minor', why: 'new service' },
      { service: 'old', from: 'busybox:1.36', bump: 'major', why: 'service removed' },
    ]);
    assert.equal(bumpFor(changes), 'major');
  });
  it('unchanged images are not changes; recipe-only changes are a patch', () => {
    const same = imgs({ app: 'nginx:1.25.0', db: 'postgres:15' });
    assert.deepEqual(imageChanges(same, same), []);
    assert.equal(bumpFor([]), 'patch');
  });
});

describe('nextVersion', () => {
  const base = {
    last: v('1.2.3+1.25.0'),
    requested: undefined,
    bump: undefined,
    upstream: '1.27.3',
    changes: [],
  };
  const golden: [string, Parameters<typeof nextVersion>[0], string][] = [
    ['first release', { ...base, last: undefined }, '0.1.0+1.27.3 first -'],
    ['no image change: patch', base, '1.2.4+1.27.3 images patch'],
    [
      'minor image bump',
      { ...base, changes: imageChanges(imgs({ app: 'nginx:1.25.0' }), imgs({ app: 'nginx:1.27.3' })) },
      '1.3.0+1.27.3 images minor',
    ],
    [
      'major image bump',
      { ...base, changes: imageChanges(imgs({ db: 'postgres:15' }), imgs({ db: 'postgres:16' })) },
      '2.0.0+1.27.3 images major',
    ],
    ['--major overrides', { ...base, bump: 'major' }, '2.0.0+1.27.3 flag major'],
    ['--minor overrides', { ...base, bump: 'minor' }, '1.3.0+1.27.3 flag minor'],
    ['--patch overrides a major change', { ...base, bump: 'patch' }, '1.2.4+1.27.3 flag patch'],
    [
      'argument without upstream gets the app tag',
      { ...base, requested: '1.5.0' },
      '1.5.0+1.27.3 argument -',
    ],
    ['argument with upstream is kept', { ...base, requested: '1.5.0+custom-1' }, '1.5.0+custom-1 argument -'],
    [
      'argument on a first release',
      { ...base, last: undefined, requested: '1.0.0' },
      '1.0.0+1.27.3 argument -',
    ],
    [
      'a tag with a suffix is an upstream',
      { ...base, upstream: '27.0.1-fpm' },
      '1.2.4+27.0.1-fpm images patch',
    ],
  ];
  for (const [name, input, want] of golden)
    it(name, () => {
      const n = nextVersion(input);
      assert.equal(`${n.version} ${n.source} ${n.bump ?? '-'}`, want);
    });

  it('refusals', () => {
    assert.equal(
      code(() => nextVersion({ ...base, requested: '1.2.3' })),
      'release_version_not_greater',
    );
    assert.equal(
      code(() => nextVersion({ ...base, requested: '1.0.0+9' })),
      'release_version_not_greater',
    );
    assert.equal(
      code(() => nextVersion({ ...base, requested: 'v1.5.0' })),
      'release_version_invalid',
    );
    assert.equal(
      code(() => nextVersion({ ...base, requested: '1.5' })),
      'release_version_invalid',
    );
    assert.equal(
      code(() => nextVersion({ ...base, requested: 'banana' })),
      'release_version_invalid',
    );
    assert.equal(
      code(() => nextVersion({ ...base, requested: '1.5.0', bump: 'minor' })),
      'release_version_and_bump',
    );
    assert.equal(
      code(() => nextVersion({ ...base, upstream: '' })),
      'release_no_upstream',
    );
    assert.equal(
      code(() => nextVersion({ ...base, upstream: '${VERSION}' })),
      'release_no_upstream',
    );
  });
});

describe('bumpFromFlags', () => {
  it('one flag or none', () => {
    assert.equal(bumpFromFlags({}), undefined);
    assert.equal(bumpFromFlags({ minor: true }), 'minor');
    assert.equal(
      code(() => bumpFromFlags({ major: true, patch: true })),
      'release_bump_conflict',
    );
  });
});
