import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitClient } from '../../src/infra/git/client.js';
import { GitError } from '../../src/infra/git/errors.js';
import { type DemoRemote, git, makeDemoRemote, makeWorld, type RecipeWorld } from './recipe-helpers.js';

// The adapter against real repositories: the parts the recipe commands do not reach
// (checkout, show) are what deploy will use.
describe('GitClient', () => {
  let w: RecipeWorld;
  let demo: DemoRemote;
  let g: GitClient;
  let clone: string;

  before(async () => {
    w = makeWorld();
    demo = makeDemoRemote(w.remotes);
    g = new GitClient({ env: w.env });
    clone = join(w.root, 'clone');
    await g.clone(demo.url, clone);
  });
  after(() => w.cleanup());

  it('isRepo is true only at the top of a work tree', async () => {
    assert.equal(await g.isRepo(clone), true);
    mkdirSync(join(clone, 'sub'));
    assert.equal(await g.isRepo(join(clone, 'sub')), false, 'inside another repo is not a repo');
    assert.equal(await g.isRepo(w.remotes), false);
    assert.equal(await g.isRepo(demo.bare), false, 'a bare repo has no work tree');
  });

  it('resolveCommit, showFile and checkout of a tag', async () => {
    assert.equal(await g.resolveCommit(clone, '1.0.0+1.25.0'), demo.commits.c1);
    assert.equal(await g.resolveCommit(clone, 'no-such-tag'), undefined);
    assert.match((await g.showFile(clone, '1.0.0+1.25.0', 'compose.yml')) ?? '', /image: postgres:15/);
    assert.equal(await g.showFile(clone, '1.3.0+1.27.0-alpine', 'compose.yml'), undefined);
    assert.equal(await g.showFile(clone, 'no-such-tag', 'compose.yml'), undefined);
    await g.checkout(clone, '1.1.0+1.27.0-alpine');
    assert.equal(git(clone, 'rev-parse', 'HEAD'), demo.commits.c3);
    await g.checkout(clone, 'main');
    assert.equal(git(clone, 'rev-parse', 'HEAD'), demo.commits.c6);
  });

  it('refuses revisions that look like options', async () => {
    await assert.rejects(g.checkout(clone, '--orphan=x'), /is not a valid git revision/);
    await assert.rejects(g.showFile(clone, '-p', 'x'), /is not a valid git revision/);
  });

  it('failures are GitErrors with git message, kind and hint', async () => {
    const err = await g.checkout(clone, 'nope').catch((e: unknown) => e);
    assert.ok(err instanceof GitError);
    assert.match(err.message, /^git checkout failed: fatal: invalid reference: nope$/);
    assert.equal(err.where, clone);
    assert.ok(err.hint);
  });

  it('never runs ext:: transports', async () => {
    const err = await g
      .clone(`ext::sh -c touch% ${join(w.root, 'pwned')}`, join(w.root, 'x'))
      .catch((e: unknown) => e);
    assert.ok(err instanceof GitError);
    assert.match(err.stderr, /transport 'ext' not allowed/);
  });
});
