import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { snapshotTree } from '../helpers/cli.js';
import {
  annotatedTag,
  commit,
  compose,
  type DemoRemote,
  expectFailure,
  git,
  makeDemoRemote,
  makeWorld,
  type RecipeWorld,
} from './recipe-helpers.js';

interface FetchJson {
  items: {
    name: string;
    dir: string;
    action: string;
    source?: string;
    newTags: string[];
    error?: { message: string };
  }[];
  failed: number;
}

const ALL_TAGS = [
  '1.0.0+1.25.0',
  '1.0.1+1.25.3',
  '1.1.0+1.27.0-alpine',
  '1.2.0+1.27.0-alpine',
  '1.3.0+1.27.0-alpine',
  '2.0.0-rc.1+1.27.0-alpine',
  'latest-build',
  'v0.9.0',
];

describe('abra recipe fetch', () => {
  let w: RecipeWorld;
  let demo: DemoRemote;

  before(() => {
    w = makeWorld();
    demo = makeDemoRemote(w.remotes);
  });
  after(() => w.cleanup());

  it('clones from a file:// URL into recipes/<name from URL>, with every tag', async () => {
    const res = await w.run(['recipe', 'fetch', demo.url, '-m']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as FetchJson;
    const dir = join(w.abraDir, 'recipes', 'demo');
    assert.deepEqual(out, {
      items: [{ name: 'demo', dir, action: 'cloned', source: demo.url, newTags: ALL_TAGS }],
      failed: 0,
    });
    assert.equal(git(dir, 'rev-parse', 'HEAD'), demo.commits.c6);
    assert.equal(git(dir, 'remote', 'get-url', 'origin'), demo.url);
    assert.deepEqual(
      readdirSync(join(w.abraDir, 'recipes')),
      ['demo'],
      'no temporary directory is left next to the clone',
    );
  });

  it('fetches new tags when the recipe is already there, and leaves the work tree alone', async () => {
    const dir = join(w.abraDir, 'recipes', 'demo');
    writeFileSync(join(dir, 'local-note.txt'), 'mine\n');
    commit(demo.work, 'next', { 'compose.yml': compose({ app: 'nginx:1.27.2' }) });
    annotatedTag(demo.work, '1.4.0+1.27.2');
    git(demo.work, 'push', '--quiet', demo.bare, 'main', '1.4.0+1.27.2');

    const offline = await w.run(['recipe', 'fetch', 'demo', '--offline', '-m']);
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal((JSON.parse(offline.stdout) as FetchJson).items[0]?.action, 'skipped-offline');
    assert.equal(git(dir, 'tag', '--list', '1.4.0*'), '', '--offline does not fetch');

    const res = await w.run(['recipe', 'fetch', 'demo']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `demo: fetched from ${demo.url}, new tags: 1.4.0+1.27.2\n`);
    assert.equal(git(dir, 'tag', '--list', '1.4.0*'), '1.4.0+1.27.2');
    assert.equal(readFileSync(join(dir, 'local-note.txt'), 'utf8'), 'mine\n');
    assert.equal(git(dir, 'rev-parse', 'HEAD'), demo.commits.c6, 'the checkout does not move');

    const again = await w.run(['recipe', 'fetch', 'demo']);
    assert.equal(again.stdout, `demo: fetched from ${demo.url}, no new tags\n`);
  });

  it('clones from a local path (relative to the working directory), naming it after the directory', async () => {
    const res = await w.run(['recipe', 'fetch', join(w.remotes, 'demo-work')]);
    assert.equal(res.code, 0, res.stderr);
    const dir = join(w.abraDir, 'recipes', 'demo-work');
    assert.match(
      res.stdout,
      new RegExp(`^demo-work: cloned from ${w.remotes}/demo-work into ${dir} \\(9 tags\\)\n$`),
    );
    assert.equal(git(dir, 'rev-parse', 'HEAD'), git(demo.work, 'rev-parse', 'HEAD'));
  });

  it('warns when an already fetched recipe was cloned from somewhere else', async () => {
    const res = await w.run(['recipe', 'fetch', `file://${join(w.remotes, 'elsewhere', 'demo.git')}`]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stderr,
      /warning: recipe demo is already present, cloned from file:\/\/.*\/remotes\/demo\.git/,
    );
  });

  it('fetches a catalogue name from the catalogue repository URL', async () => {
    mkdirSync(join(w.abraDir, 'catalogue'), { recursive: true });
    const other = makeDemoRemote(w.remotes, 'other');
    writeFileSync(
      join(w.abraDir, 'catalogue', 'recipes.json'),
      JSON.stringify({
        other: { name: 'other', category: 'Apps', repository: other.url, versions: [] },
        ghost: { name: 'ghost', category: 'Apps', repository: `file://${w.remotes}/ghost.git`, versions: [] },
        '../escape': { category: 'Apps', repository: `file://${w.remotes}/escape.git` },
      }),
    );
    const res = await w.run(['recipe', 'fetch', 'other', '-m']);
    assert.equal(res.code, 0, res.stderr);
    const item = (JSON.parse(res.stdout) as FetchJson).items[0];
    assert.equal(item?.action, 'cloned');
    assert.equal(item?.source, other.url);
  });

  it('--all fetches catalogue and local recipes, reports each failure, exits 1', async () => {
    const res = await w.run(['recipe', 'fetch', '--all', '-m']);
    assert.equal(res.code, 1);
    const out = JSON.parse(res.stdout) as FetchJson;
    assert.deepEqual(
      out.items.map((i) => [i.name, i.action]),
      [
        ['../escape', 'failed'],
        ['demo', 'updated'],
        ['demo-work', 'updated'],
        ['ghost', 'failed'],
        ['other', 'updated'],
      ],
    );
    assert.match(out.items[0]?.error?.message ?? '', /"\.\.\/escape" is not a valid recipe name/);
    assert.match(
      out.items[3]?.error?.message ?? '',
      /Could not clone recipe "ghost" from file:\/\/.*ghost\.git/,
    );
    assert.equal(out.failed, 2);
    // --machine: the error is a JSON object on stderr.
    const err = JSON.parse(res.stderr) as { error: { code: string; message: string } };
    assert.equal(err.error.code, 'recipe_fetch_failed');
    assert.match(err.error.message, /^2 of 5 recipes could not be fetched/);
    assert.ok(!existsSync(join(w.abraDir, 'escape')));
    assert.ok(!existsSync(join(w.abraDir, 'recipes', 'ghost')));
    assert.deepEqual(
      readdirSync(join(w.abraDir, 'recipes')).filter((n) => n.startsWith('.')),
      [],
      'no temporary directory left',
    );
  });

  it('errors: unknown catalogue name, clone failure, not a git repo, bad names, offline, usage', async () => {
    await expectFailure(
      w,
      ['recipe', 'fetch', 'nosuchrecipe'],
      /Unknown recipe "nosuchrecipe": it is not in the catalogue/,
    );
    await expectFailure(
      w,
      ['recipe', 'fetch', `file://${w.remotes}/missing.git`],
      /Could not clone recipe "missing" from file:\/\/.*missing\.git: fatal: .*missing\.git' does not appear to be a git repository/,
    );
    await expectFailure(w, ['recipe', 'fetch', join(w.remotes, 'nowhere')], /No directory at .*nowhere/);
    mkdirSync(join(w.remotes, 'plain'));
    await expectFailure(w, ['recipe', 'fetch', join(w.remotes, 'plain')], /Could not clone recipe "plain"/);

    mkdirSync(join(w.abraDir, 'recipes', 'handmade'));
    writeFileSync(join(w.abraDir, 'recipes', 'handmade', 'compose.yml'), 'services: {}\n');
    await expectFailure(
      w,
      ['recipe', 'fetch', `file://${w.remotes}/handmade.git`],
      /recipes\/handmade exists but is not a git repository[\s\S]*Nothing was changed/,
    );
    await expectFailure(
      w,
      ['recipe', 'fetch', 'a..b'],
      /"a\.\.b" is not a valid recipe name: it contains "\.\."/,
    );
    await expectFailure(
      w,
      ['recipe', 'fetch', 'file:///tmp/.hidden.git'],
      /"\.hidden" is not a valid recipe name/,
    );
    await expectFailure(
      w,
      ['recipe', 'fetch', '-o', `file://${w.remotes}/newone.git`],
      /not fetched yet, and --offline/,
    );
    await expectFailure(w, ['recipe', 'fetch'], /Which recipe\?/);
    await expectFailure(w, ['recipe', 'fetch', 'demo', '--all'], /either a recipe or --all/);
    await expectFailure(w, ['recipe', 'fetch', '--all', '-o'], /--all fetches from the network/);
  });

  it('a failed first clone leaves no recipes/ directory behind', async () => {
    const fresh = makeWorld();
    try {
      await expectFailure(
        fresh,
        ['recipe', 'fetch', `file://${fresh.remotes}/absent.git`],
        /Could not clone/,
      );
      assert.ok(!existsSync(fresh.abraDir), 'ABRA_DIR was not created');
    } finally {
      fresh.cleanup();
    }
  });

  it('a damaged catalogue is a clear error when a name needs it', async () => {
    const fresh = makeWorld();
    try {
      mkdirSync(join(fresh.abraDir, 'catalogue'), { recursive: true });
      writeFileSync(join(fresh.abraDir, 'catalogue', 'recipes.json'), '{"broken": ');
      const before = snapshotTree(fresh.root);
      const res = await fresh.run(['recipe', 'fetch', 'anything']);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /The recipe catalogue is not valid JSON/);
      assert.match(res.stderr, /where: .*catalogue\/recipes\.json/);
      assert.deepEqual(snapshotTree(fresh.root), before);
      const byUrl = await fresh.run(['recipe', 'fetch', makeDemoRemote(fresh.remotes, 'viaurl').url]);
      assert.equal(byUrl.code, 0, 'a damaged catalogue does not block fetching by URL');
    } finally {
      fresh.cleanup();
    }
  });

  it('without git on PATH, says so', async () => {
    const fresh = makeWorld();
    try {
      fresh.env.PATH = '/nonexistent';
      await expectFailure(
        fresh,
        ['recipe', 'fetch', `file://${fresh.remotes}/x.git`],
        /The git program was not found/,
      );
    } finally {
      fresh.cleanup();
    }
  });
});
