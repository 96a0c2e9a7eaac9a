import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abraPaths } from '../../src/infra/store/paths.js';
import type { Git } from '../../src/services/deps.js';
import { resolveRelease } from '../../src/services/release/resolve.js';

const COMMIT = 'c0ffee0011223344556677889900aabbccddeeff';
const HEAD = 'feedface00112233445566778899aabbccddeeff';

/** A recipe clone as git would answer for it: its tags (tag -> commit), HEAD and dirtiness. */
function fakeGit(opts: {
  tags?: Record<string, string>;
  head?: string;
  dirty?: boolean;
  repo?: boolean;
}): Git {
  const tags = opts.tags ?? {};
  return {
    isRepo: async () => opts.repo !== false,
    tags: async () => Object.entries(tags).map(([name, commit]) => ({ name, commit, annotated: true })),
    resolveCommit: async (_dir: string, rev: string) => {
      if (rev === 'HEAD') return opts.head;
      if (tags[rev]) return tags[rev];
      return rev.length >= 7 && COMMIT.startsWith(rev) ? COMMIT : undefined;
    },
    status: async () => (opts.dirty ? [{ path: 'compose.yml', code: ' M' }] : []),
    showFile: async (_d: string, rev: string, path: string) => `${rev}:${path}`,
  } as unknown as Git;
}

const deps = (git: Git) => ({ paths: abraPaths({ ABRA_DIR: '/abra' }), git });
const released = { '1.0.0+1.0': COMMIT, '1.1.0+1.0': HEAD, '2.0.0-rc1+2.0': HEAD, 'not-a-version': HEAD };

describe('resolveRelease: one rule for every reader of a recipe', () => {
  it('nothing asked or recorded: the newest release tag, pre-releases skipped', async () => {
    const r = await resolveRelease(
      { recipe: 'r', chaos: false },
      deps(fakeGit({ tags: released, head: HEAD })),
    );
    assert.deepEqual(
      [r.kind, r.label, r.reason, r.envVersion, r.rev],
      ['tag', '1.1.0+1.0', 'latest', '1.1.0+1.0', '1.1.0+1.0'],
    );
    assert.equal(await r.readFile('compose.yml'), '1.1.0+1.0:compose.yml', 'files are read at the tag');
  });

  it('an argument beats the recorded version; the recorded one beats the latest', async () => {
    const git = fakeGit({ tags: released, head: HEAD });
    const recorded = { version: '1.0.0+1.0', where: '/abra/servers/s/a.env (TYPE)' };
    assert.equal(
      (await resolveRelease({ recipe: 'r', chaos: false, recorded }, deps(git))).label,
      '1.0.0+1.0',
    );
    const arg = await resolveRelease(
      { recipe: 'r', chaos: false, recorded, version: '1.1.0+1.0' },
      deps(git),
    );
    assert.deepEqual([arg.label, arg.reason], ['1.1.0+1.0', 'argument']);
  });

  it('a commit is accepted and recorded by its short form', async () => {
    const r = await resolveRelease(
      { recipe: 'r', chaos: false, version: 'c0ffee00' },
      deps(fakeGit({ tags: released })),
    );
    assert.deepEqual([r.kind, r.label, r.rev, r.envVersion], ['commit', 'c0ffee00', COMMIT, 'c0ffee00']);
  });

  it('an unknown version names where it came from and the releases there are', async () => {
    const git = fakeGit({ tags: released });
    await assert.rejects(
      resolveRelease(
        {
          recipe: 'r',
          chaos: false,
          recorded: { version: '9.9.9+9', where: '/abra/servers/s/a.env (TYPE)' },
        },
        deps(git),
      ),
      (e: Error & { code?: string; where?: string; hint?: string }) =>
        e.code === 'recipe_version_unknown' &&
        e.where === '/abra/servers/s/a.env (TYPE)' &&
        /1\.1\.0\+1\.0/.test(e.hint ?? ''),
    );
  });

  it('an unreleased recipe: its current commit with a warning, never the working tree silently', async () => {
    const r = await resolveRelease({ recipe: 'r', chaos: false }, deps(fakeGit({ head: HEAD, dirty: true })));
    assert.deepEqual([r.kind, r.reason, r.rev, r.label], ['commit', 'unreleased', HEAD, 'feedface']);
    assert.match(r.warnings.join(), /no release tags/);
  });

  it('chaos: the working tree, +U when dirty; a version with chaos is a usage error', async () => {
    const r = await resolveRelease(
      { recipe: 'r', chaos: true },
      deps(fakeGit({ tags: released, head: HEAD, dirty: true })),
    );
    assert.deepEqual(
      [r.kind, r.rev, r.label, r.envVersion, r.envDirty],
      ['chaos', undefined, 'feedface+U', 'feedface', true],
    );
    await assert.rejects(
      resolveRelease({ recipe: 'r', chaos: true, version: '1.0.0+1.0' }, deps(fakeGit({ tags: released }))),
      /--chaos uses the working tree/,
    );
  });

  it('a recipe that is not cloned, or has no commits, says how to get one', async () => {
    await assert.rejects(
      resolveRelease({ recipe: 'r', chaos: false }, deps(fakeGit({ repo: false }))),
      (e: Error & { code?: string; hint?: string }) =>
        e.code === 'recipe_missing' && /abra recipe fetch r/.test(e.hint ?? ''),
    );
    await assert.rejects(
      resolveRelease({ recipe: 'r', chaos: false }, deps(fakeGit({}))),
      /has no commits yet/,
    );
  });
});
