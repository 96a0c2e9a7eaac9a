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

describe('resolveRelease against real git: a tag names its commit', () => {
  it('annotated, lightweight and a tag of a tag all resolve to the commit; files are read in one batch', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { GitClient } = await import('../../src/infra/git/client.js');
    const root = mkdtempSync(join(tmpdir(), 'abra-resolve-'));
    try {
      const dir = join(root, 'recipes', 'r');
      mkdirSync(dir, { recursive: true });
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
          cwd: dir,
          encoding: 'utf8',
        });
      git('init', '-q', '-b', 'main');
      writeFileSync(join(dir, 'compose.yml'), 'one');
      git('add', '-A');
      git('commit', '-qm', 'one');
      const first = git('rev-parse', 'HEAD').trim();
      git('tag', '-a', '1.0.0+1', '-m', 'annotated');
      git('tag', '1.0.1+1');
      git('tag', '-a', '1.0.2+1', '-m', 'tag of a tag', '1.0.0+1');
      writeFileSync(join(dir, 'compose.yml'), 'two');
      git('commit', '-qam', 'two');
      const calls: string[] = [];
      const client = new GitClient({ env: process.env, debug: (line) => calls.push(line) });
      const d = { paths: abraPaths({ ABRA_DIR: root }), git: client };
      for (const version of ['1.0.0+1', '1.0.1+1', '1.0.2+1']) {
        const r = await resolveRelease({ recipe: 'r', version, chaos: false }, d);
        assert.equal(r.commit, first, version);
        assert.deepEqual(await r.readFiles(['compose.yml', 'missing.yml']), ['one', undefined]);
      }
      // The tag list answers for the first two; only the tag of a tag asks rev-parse.
      assert.equal(calls.filter((c) => c.includes('rev-parse --verify')).length, 1, calls.join('\n'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
