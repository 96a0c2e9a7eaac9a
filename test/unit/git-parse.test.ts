import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../src/infra/git/errors.js';
import { parseCatFileBatch, parseLsTree, parseStatus, parseTagRefs } from '../../src/infra/git/parse.js';

describe('git output parsers', () => {
  it('parseTagRefs: annotated tags peel to their commit, lightweight ones are the commit', () => {
    const out =
      'refs/tags/1.0.0+1.2\0tag\0aaaa\0cccc\0commit\n' +
      'refs/tags/v0.9.0\0commit\0bbbb\0\0\n' +
      'refs/tags/a/b\0tag\0dddd\0eeee\0tag\n' +
      'refs/tags/tree\0tree\0ffff\0\0\n';
    assert.deepEqual(parseTagRefs(out), [
      { name: '1.0.0+1.2', annotated: true, commit: 'cccc', peeledToCommit: true },
      { name: 'v0.9.0', annotated: false, commit: 'bbbb', peeledToCommit: true },
      // A tag of a tag: the peeled object is another tag, not a commit.
      { name: 'a/b', annotated: true, commit: 'eeee', peeledToCommit: false },
      { name: 'tree', annotated: false, commit: 'ffff', peeledToCommit: false },
    ]);
    assert.deepEqual(parseTagRefs(''), []);
  });

  it('parseStatus: porcelain v1 -z with renames and odd names', () => {
    const out =
      ' M compose.yml\0M  .env.sample\0R  new name.yml\0old.yml\0?? extra/a b.txt\0?? line\nbreak\0';
    assert.deepEqual(parseStatus(out), [
      { path: 'compose.yml', index: ' ', worktree: 'M', untracked: false },
      { path: '.env.sample', index: 'M', worktree: ' ', untracked: false },
      { path: 'new name.yml', index: 'R', worktree: ' ', untracked: false, from: 'old.yml' },
      { path: 'extra/a b.txt', index: '?', worktree: '?', untracked: true },
      { path: 'line\nbreak', index: '?', worktree: '?', untracked: true },
    ]);
  });

  it('parseCatFileBatch: byte sizes, missing objects, trees', () => {
    const blob = 'é\n';
    const out = Buffer.concat([
      Buffer.from(`1111 blob ${Buffer.byteLength(blob)}\n`),
      Buffer.from(blob),
      Buffer.from('\n'),
      Buffer.from('abc:compose.yml missing\n'),
      Buffer.from('2222 tree 3\nxyz\n'),
      Buffer.from('3333 blob 0\n\n'),
    ]);
    assert.deepEqual(parseCatFileBatch(out, 4), [blob, undefined, undefined, '']);
    assert.throws(() => parseCatFileBatch(Buffer.from(''), 1), /output ended/);
  });

  it('classify: git messages to failure kinds', () => {
    const cases: [string, string][] = [
      ["fatal: unable to access 'https://x/': Could not resolve host: x", 'network'],
      ["fatal: could not read Username for 'https://x': terminal prompts disabled", 'auth'],
      ['git@x: Permission denied (publickey).\nfatal: Could not read from remote repository.', 'auth'],
      ["fatal: repository 'https://x/y.git/' not found", 'not-found'],
      ["fatal: '/tmp/x' does not appear to be a git repository", 'not-found'],
      ['fatal: not a git repository (or any of the parent directories): .git', 'not-a-repo'],
      [' ! [rejected]        1.0.0 -> 1.0.0  (would clobber existing tag)', 'conflict'],
      ['fatal: something else', 'other'],
    ];
    for (const [stderr, kind] of cases) assert.equal(classify(stderr), kind, stderr);
  });
});

describe('parseLsTree', () => {
  it('reads modes, types and names (tabs and newlines in names kept)', () => {
    const out =
      '100644 blob aaaa\tnginx.conf\x00120000 blob bbbb\tlink\x00040000 tree cccc\tconf\x00100644 blob dddd\ta\tb\nc\x00';
    assert.deepEqual(parseLsTree(out), [
      { mode: '100644', type: 'blob', object: 'aaaa', name: 'nginx.conf' },
      { mode: '120000', type: 'blob', object: 'bbbb', name: 'link' },
      { mode: '040000', type: 'tree', object: 'cccc', name: 'conf' },
      { mode: '100644', type: 'blob', object: 'dddd', name: 'a\tb\nc' },
    ]);
  });
});
