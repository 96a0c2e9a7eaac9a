import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectFailure, git, makeDemoRemote, makeWorld, type RecipeWorld } from './recipe-helpers.js';

describe('abra recipe diff / reset', () => {
  let w: RecipeWorld;
  let dir: string;
  let original: string;

  before(async () => {
    w = makeWorld();
    const demo = makeDemoRemote(w.remotes);
    assert.equal((await w.run(['recipe', 'fetch', demo.url])).code, 0);
    dir = join(w.abraDir, 'recipes', 'demo');
    original = readFileSync(join(dir, 'compose.yml'), 'utf8');
  });
  after(() => w.cleanup());

  function makeChanges(): void {
    writeFileSync(join(dir, 'compose.yml'), original.replace('nginx:1.27.1', 'nginx:1.27.9'));
    writeFileSync(join(dir, '.env.sample'), 'TYPE=demo\n');
    git(dir, 'add', '.env.sample');
    mkdirSync(join(dir, 'extra'), { recursive: true });
    writeFileSync(join(dir, 'extra', 'compose.smtp.yml'), 'services: {}\n');
    writeFileSync(join(dir, '.git', 'info', 'exclude'), 'ignored.txt\n');
    writeFileSync(join(dir, 'NOTES.md'), 'notes\n');
    writeFileSync(join(dir, 'ignored.txt'), 'kept\n');
  }

  it('a clean recipe has nothing to show or reset', async () => {
    const d = await w.run(['recipe', 'diff', 'demo']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, 'Recipe demo has no uncommitted changes.\n');
    const r = await w.run(['recipe', 'reset', 'demo']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Recipe demo has no uncommitted changes.\n');
  });

  it('diff shows staged and unstaged changes and lists untracked files', async () => {
    makeChanges();
    const res = await w.run(['recipe', 'diff', 'demo']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^diff --git a\/\.env\.sample b\/\.env\.sample$/m);
    assert.match(res.stdout, /^-DOMAIN=demo\.example\.com$/m);
    assert.match(res.stdout, /^- {4}image: nginx:1\.27\.1\n\+ {4}image: nginx:1\.27\.9$/m);
    assert.match(res.stdout, /Untracked files:\n {2}NOTES\.md\n {2}extra\/compose\.smtp\.yml\n$/);
    assert.doesNotMatch(res.stdout, /ignored\.txt/);

    const json = JSON.parse((await w.run(['recipe', 'diff', 'demo', '-m'])).stdout) as {
      untracked: string[];
      clean: boolean;
      diff: string;
    };
    assert.deepEqual(json.untracked, ['NOTES.md', 'extra/compose.smtp.yml']);
    assert.equal(json.clean, false);
    assert.match(json.diff, /nginx:1\.27\.9/);
  });

  it('reset without a terminal and without -n/--force refuses and keeps the changes', async () => {
    const res = await expectFailure(
      w,
      ['recipe', 'reset', 'demo'],
      /Needs confirmation, but there is no terminal/,
    );
    assert.match(
      res.stderr,
      /discard changes to 2 file\(s\) \(\.env\.sample, compose\.yml\) and delete 2 untracked file\(s\)/,
    );
  });

  it('reset -n discards changes and untracked files, keeps ignored files; diff is then clean', async () => {
    const res = await w.run(['recipe', 'reset', 'demo', '-n', '-m']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), {
      name: 'demo',
      dir,
      changed: ['.env.sample', 'compose.yml'],
      deleted: ['NOTES.md', 'extra/compose.smtp.yml'],
      reset: true,
    });
    assert.equal(readFileSync(join(dir, 'compose.yml'), 'utf8'), original);
    assert.ok(!existsSync(join(dir, 'extra')));
    assert.ok(existsSync(join(dir, 'ignored.txt')), 'ignored files are not deleted');
    assert.equal(git(dir, 'status', '--porcelain'), '');
    const diff = await w.run(['recipe', 'diff', 'demo']);
    assert.equal(diff.stdout, 'Recipe demo has no uncommitted changes.\n');
  });

  it('reset --force works the same without a terminal', async () => {
    writeFileSync(join(dir, 'compose.yml'), 'changed\n');
    const res = await w.run(['recipe', 'reset', 'demo', '--force']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(
      res.stdout,
      'Reset recipe demo: discarded changes to 1 file(s), deleted 0 untracked file(s).\n',
    );
    assert.equal(readFileSync(join(dir, 'compose.yml'), 'utf8'), original);
  });

  it('errors: recipe not fetched, not a git repository, invalid name', async () => {
    await expectFailure(w, ['recipe', 'diff', 'ghost'], /Recipe "ghost" is not fetched/);
    await expectFailure(w, ['recipe', 'reset', 'ghost', '-f'], /Recipe "ghost" is not fetched/);
    mkdirSync(join(w.abraDir, 'recipes', 'plain'));
    writeFileSync(join(w.abraDir, 'recipes', 'plain', 'compose.yml'), 'x');
    await expectFailure(w, ['recipe', 'reset', 'plain', '-f'], /plain exists but is not a git repository/);
    await expectFailure(w, ['recipe', 'diff', 'plain'], /plain exists but is not a git repository/);
    await expectFailure(w, ['recipe', 'diff', 'x..y'], /not a valid recipe name/);
  });
});
