import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  annotatedTag,
  commit,
  compose,
  expectFailure,
  git,
  makeWorld,
  type RecipeWorld,
} from './recipe-helpers.js';

// The operator's side of the catalogue: a fresh ABRA_DIR whose catalogue is a git repository
// served from a local path (ABRA_CATALOGUE_URL), recipes in local bare repositories, and no
// swarm: `app new` without --secrets only writes the env file.

interface Entry {
  name: string;
  category: string;
  description: string;
  features: Record<string, unknown>;
  repository: string;
  versions: Record<string, unknown>[];
}

let w: RecipeWorld;
let catalogueWork: string;
let catalogueBare: string;
const entries: Record<string, Entry> = {};

function recipeRemote(name: string, tags: string[], samplePath = '.env.sample'): string {
  const work = join(w.remotes, `${name}-work`);
  mkdirSync(work);
  git(work, 'init', '--quiet', '--initial-branch=main');
  commit(work, 'first', {
    'compose.yml': compose({ app: 'nginx:1.25.3' }),
    [samplePath]: `TYPE=${name}\nDOMAIN=${name}.example.com\n`,
  });
  for (const t of tags) annotatedTag(work, t);
  const bare = join(w.remotes, `${name}.git`);
  git(w.remotes, 'clone', '--quiet', '--bare', work, bare);
  return `file://${bare}`;
}

function entry(name: string, url: string, over: Partial<Entry>): Entry {
  return {
    name,
    category: 'Apps',
    description: '',
    features: { backups: 'No', healthcheck: 'No', email: '0', sso: 'N/A', tests: '0', status: 1 },
    repository: url,
    versions: [],
    ...over,
  };
}

function publishCatalogue(message: string): void {
  commit(catalogueWork, message, { 'recipes.json': `${JSON.stringify(entries, null, 2)}\n` });
  git(catalogueWork, 'push', '--quiet', catalogueBare, 'main');
}

/** Make the local catalogue clone look last synced two days ago. */
function ageCatalogue(): void {
  const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  for (const f of ['abra-synced', 'FETCH_HEAD']) {
    const p = join(w.abraDir, 'catalogue', '.git', f);
    if (existsSync(p)) utimesSync(p, old, old);
  }
}

async function names(args: string[] = []): Promise<string[]> {
  const res = await w.run(['recipe', 'ls', '-m', ...args]);
  assert.equal(res.code, 0, res.stderr);
  return (JSON.parse(res.stdout) as { name: string }[]).map((r) => r.name);
}

before(() => {
  w = makeWorld();
  entries.notes = entry('notes', recipeRemote('notes', ['1.0.0+1.25.3']), {
    description: 'A shared notebook',
    features: { backups: 'Yes', healthcheck: 'Yes', email: '0', sso: '2', tests: '1', status: 3 },
    versions: [{ '1.0.0+1.25.3': { app: { image: 'nginx', tag: '1.25.3' } } }],
  });
  entries.draft = entry('draft', recipeRemote('draft', []), {
    category: 'Utilities',
    description: 'Unreleased wiki',
  });
  entries['mygit.org/org/gitrecipe'] = entry(
    'mygit.org/org/gitrecipe',
    recipeRemote('gitrecipe', ['1.0.0+1']),
    { description: 'Listed by git path' },
  );
  entries.nested = entry('nested', recipeRemote('nested', ['0.1.0+1'], 'deploy/.env.sample'), {});
  catalogueWork = join(w.remotes, 'catalogue-work');
  mkdirSync(catalogueWork);
  git(catalogueWork, 'init', '--quiet', '--initial-branch=main');
  catalogueBare = join(w.remotes, 'catalogue.git');
  git(w.remotes, 'init', '--quiet', '--bare', '--initial-branch=main', catalogueBare);
  publishCatalogue('three recipes');
  w.env.ABRA_CATALOGUE_URL = catalogueBare;
  mkdirSync(join(w.abraDir, 'servers', 'lab'), { recursive: true });
});
after(() => w?.cleanup());

describe('catalogue for operators', () => {
  it('--offline on a fresh ABRA_DIR: no clone, and app new keeps the "not fetched" error', async () => {
    assert.deepEqual(await names(['-o']), []);
    assert.equal(existsSync(join(w.abraDir, 'catalogue')), false);
    await expectFailure(
      w,
      ['app', 'new', 'notes', '-s', 'lab', '-D', 'notes.example.org', '-o'],
      /Recipe "notes" is not fetched[\s\S]*abra recipe fetch notes/,
    );
  });

  it('recipe ls clones the catalogue on first use and filters it', async () => {
    assert.deepEqual(await names(), ['draft', 'mygit.org/org/gitrecipe', 'nested', 'notes']);
    assert.ok(existsSync(join(w.abraDir, 'catalogue', '.git', 'abra-synced')));
    assert.deepEqual(await names(['--feature', 'backups']), ['notes']);
    assert.deepEqual(await names(['-f', 'sso', '-f', 'healthcheck']), ['notes']);
    assert.deepEqual(await names(['--category', 'utilities']), ['draft']);
    assert.deepEqual(await names(['WIKI']), ['draft']);
    assert.deepEqual(await names(['note', 'shared']), ['notes']);
    const none = await w.run(['recipe', 'ls', '--category', 'Games']);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /No recipe matches these filters/);
    await expectFailure(
      w,
      ['recipe', 'ls', '--feature', 'magic'],
      /Unknown recipe feature "magic"[\s\S]*backups, email/,
    );
  });

  it('app new of an unfetched recipe clones it and creates the app', async () => {
    const res = await w.run(['app', 'new', 'notes', '-s', 'lab', '-D', 'notes.example.org']);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(existsSync(join(w.abraDir, 'recipes', 'notes', '.git')), 'the recipe is cloned');
    const env = readFileSync(join(w.abraDir, 'servers', 'lab', 'notes.example.org.env'), 'utf8');
    assert.match(env, /^TYPE=notes:1\.0\.0\+1\.25\.3$/m);
    assert.match(env, /^DOMAIN=notes\.example\.org$/m);
  });

  it('a recipe with no tags: recipe versions says so, app new uses its HEAD', async () => {
    const v = await w.run(['recipe', 'versions', 'draft']);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /Recipe draft has no published versions yet \(no version tags in the catalogue\)/);
    const res = await w.run(['app', 'new', 'draft', '-s', 'lab', '-D', 'draft.example.org']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /recipe draft, commit [0-9a-f]{8}/);
    const again = await w.run(['recipe', 'versions', 'draft']);
    assert.match(again.stdout, /Recipe draft has no published versions yet \(no version tags\)/);
  });

  it('a recipe whose .env.sample is in a subfolder: the error names it and what to do', async () => {
    const fetched = await w.run(['recipe', 'fetch', 'nested']);
    assert.equal(fetched.code, 0, fetched.stderr);
    await expectFailure(
      w,
      ['app', 'new', 'nested', '-s', 'lab', '-D', 'nested.example.org'],
      /Recipe nested has no \.env\.sample at its top level \(0\.1\.0\+1\), only in a subfolder: deploy\/\.env\.sample[\s\S]*git -C .*mv deploy\/\.env\.sample \.env\.sample/,
    );
  });

  it('a git-path recipe: cloned to recipes/mygit_org_org_gitrecipe, named by its path everywhere', async () => {
    const res = await w.run(['app', 'new', 'mygit.org/org/gitrecipe', '-s', 'lab', '-D', 'gp.example.org']);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(existsSync(join(w.abraDir, 'recipes', 'mygit_org_org_gitrecipe', '.git')));
    assert.equal(existsSync(join(w.abraDir, 'recipes', 'mygit.org')), false);
    const env = readFileSync(join(w.abraDir, 'servers', 'lab', 'gp.example.org.env'), 'utf8');
    assert.match(env, /^TYPE=mygit\.org\/org\/gitrecipe:1\.0\.0\+1$/m);
    assert.match(env, /^DOMAIN=gp\.example\.org$/m, '<recipe>.example.com uses the last part of the path');
    const ls = await w.run(['recipe', 'ls', '-m', 'path']);
    assert.deepEqual(JSON.parse(ls.stdout), [
      {
        name: 'mygit.org/org/gitrecipe',
        local: true,
        inCatalogue: true,
        category: 'Apps',
        latest: '1.0.0+1',
      },
    ]);
    assert.equal((await names()).includes('mygit_org_org_gitrecipe'), false, 'listed once, by its path');
    const v = await w.run(['recipe', 'versions', 'mygit.org/org/gitrecipe', '-m']);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout).source, 'git');
    assert.equal(JSON.parse(v.stdout).dir, join(w.abraDir, 'recipes', 'mygit_org_org_gitrecipe'));
  });

  it('a git path outside the catalogue is cloned from https://<path>.git (here rewritten to a local repo)', async () => {
    recipeRemote('thing', ['0.1.0+1']);
    // git's own URL rewriting stands in for the forge: https://other.org/team/ -> the local remotes.
    const env = {
      ...w.env,
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `url.file://${w.remotes}/.insteadOf`,
      GIT_CONFIG_VALUE_0: 'https://other.org/team/',
    };
    const { abra } = await import('../helpers/cli.js');
    const res = await abra(['recipe', 'fetch', 'other.org/team/thing', '-o'], env);
    assert.equal(res.code, 1, 'offline: not cloned');
    const fetched = await abra(['recipe', 'fetch', 'other.org/team/thing'], env);
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.ok(existsSync(join(w.abraDir, 'recipes', 'other_org_team_thing', '.git')));
    const origin = git(join(w.abraDir, 'recipes', 'other_org_team_thing'), 'config', 'remote.origin.url');
    assert.equal(origin, 'https://other.org/team/thing.git');
  });

  it('hostile git paths are refused before anything is fetched or written', async () => {
    for (const name of ['mygit.org/../etc', 'mygit.org/org/-rf', 'mygit.org//x', 'localhost/org/x'])
      await expectFailure(
        w,
        ['app', 'new', name, '-s', 'lab', '-D', 'hostile.example.org'],
        /is not a valid recipe name/,
      );
    await expectFailure(w, ['recipe', 'fetch', 'mygit.org/org/.git'], /is not a valid recipe name/);
  });

  it('a catalogue younger than a day is not refreshed; an older one is, unless --offline', async () => {
    entries.later = entry('later', recipeRemote('later', ['1.0.0+1']), { description: 'Published later' });
    publishCatalogue('one more');
    assert.equal((await names()).includes('later'), false, 'synced less than a day ago');
    ageCatalogue();
    assert.equal((await names(['-o'])).includes('later'), false, '--offline reads the stale copy');
    assert.equal((await names()).includes('later'), true, 'refreshed after a day');
  });

  it('a refresh that fails warns and uses the stale copy', async () => {
    ageCatalogue();
    const moved = `${catalogueBare}.away`;
    renameSync(catalogueBare, moved);
    try {
      const res = await w.run(['recipe', 'ls', '-m']);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stderr, /could not refresh the recipe catalogue[\s\S]*using the copy on disk/);
      assert.ok((JSON.parse(res.stdout) as { name: string }[]).some((r) => r.name === 'later'));
    } finally {
      renameSync(moved, catalogueBare);
    }
  });

  it('a catalogue that does not parse: the file, the position, and `abra catalogue sync`', async () => {
    const file = join(w.abraDir, 'catalogue', 'recipes.json');
    const good = readFileSync(file);
    writeFileSync(file, '{\n  "notes": {\n    "category": "Apps",,\n  }\n}\n');
    try {
      const res = await expectFailure(w, ['recipe', 'ls', '-o'], /The recipe catalogue is not valid JSON/);
      assert.match(res.stderr, /line 3, column 24/);
      assert.match(res.stderr, /where: .*catalogue\/recipes\.json/);
      assert.match(res.stderr, /abra catalogue sync/);
    } finally {
      writeFileSync(file, good);
    }
  });
});
