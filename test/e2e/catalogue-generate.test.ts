import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import type { CatalogueEntryJson } from '../../src/domain/catalogue/entry.js';
import { CATALOGUE_SCHEMA } from '../../src/domain/catalogue/schema.js';
import { snapshotTree } from '../helpers/cli.js';
import { labRegistry } from '../helpers/lab.js';
import { annotatedTag, commit, compose, git, makeWorld, type RecipeWorld } from './recipe-helpers.js';

// Three recipes in local git "remotes", images in the lab registry; the catalogue repository is
// a bare repo. The oracles: the documented format (a JSON schema), the registry's own manifests
// (digests), git (what was pushed), and `recipe ls`/`recipe versions` reading it back.
const REG = labRegistry();
let w: RecipeWorld;
let catalogueBare = '';

function readme(title: string, description: string, meta: Record<string, string>): string {
  const lines = Object.entries(meta).map(([k, v]) => `* **${k}**: ${v}`);
  return `# ${title}\n\n> ${description}\n\n<!-- metadata -->\n\n${lines.join('\n')}\n\n<!-- endmetadata -->\n`;
}

function makeRecipe(
  name: string,
  versions: [string, Record<string, string>][],
  meta: Record<string, string>,
): string {
  const work = join(w.remotes, `${name}-work`);
  mkdirSync(work);
  git(work, 'init', '--quiet', '--initial-branch=main');
  for (const [tag, services] of versions) {
    commit(work, `release ${tag}`, {
      'compose.yml': compose(services),
      '.env.sample': `TYPE=${name}\n`,
      'README.md': readme(name, `The ${name} app`, meta),
    });
    annotatedTag(work, tag);
  }
  const bare = join(w.remotes, `${name}.git`);
  git(w.remotes, 'clone', '--quiet', '--bare', work, bare);
  return bare;
}

async function manifestDigest(path: string, tag: string): Promise<string> {
  const res = await fetch(`http://${REG}/v2/${path}/manifests/${tag}`, {
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  return `sha256:${createHash('sha256')
    .update(Buffer.from(await res.arrayBuffer()))
    .digest('hex')}`;
}

before(async () => {
  w = makeWorld();
  const meta = {
    Category: 'Apps',
    Status: '3, stable',
    Image: '[`abra-lab/nginx`](https://example.org/nginx), 4, upstream',
    Healthcheck: 'Yes',
    Backups: 'No',
    Email: '1',
    Tests: '2',
    SSO: 'N/A',
  };
  const web = makeRecipe(
    'web',
    [
      ['1.0.0+1.25.3', { app: `${REG}/abra-lab/nginx:1.25.3` }],
      ['1.1.0+1.26.0', { app: `${REG}/abra-lab/nginx:1.26.0`, db: `${REG}/abra-lab/postgres:15.6` }],
    ],
    meta,
  );
  const db = makeRecipe('db', [['0.1.0+15.5', { db: `${REG}/abra-lab/postgres:15.5` }]], {
    ...meta,
    Category: 'Utilities',
    Status: '1',
  });
  const tool = makeRecipe('tool', [['2.0.0+1.36.1', { app: `${REG}/abra-lab/busybox:1.36.1` }]], {});
  for (const url of [web, db, tool]) {
    const r = await w.run(['recipe', 'fetch', url]);
    assert.equal(r.code, 0, r.stderr);
  }
  // The catalogue repository: a bare repo with one commit, cloned by `catalogue sync`.
  const seed = join(w.remotes, 'catalogue-seed');
  mkdirSync(seed);
  git(seed, 'init', '--quiet', '--initial-branch=main');
  commit(seed, 'init', { 'README.md': '# catalogue\n', 'recipes.json': '{}\n' });
  catalogueBare = join(w.remotes, 'catalogue.git');
  git(w.remotes, 'clone', '--quiet', '--bare', seed, catalogueBare);
  w.env.ABRA_CATALOGUE_URL = catalogueBare;
  w.env.GIT_AUTHOR_NAME = w.env.GIT_COMMITTER_NAME = 'Tester';
  w.env.GIT_AUTHOR_EMAIL = w.env.GIT_COMMITTER_EMAIL = 'tester@example.org';
});
after(() => w?.cleanup());

describe('abra catalogue generate', () => {
  it('sync clones the catalogue repository, then finds it up to date', async () => {
    const first = await w.run(['catalogue', 'sync', '-m']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).action, 'cloned');
    assert.ok(existsSync(join(w.abraDir, 'catalogue', '.git')));
    const again = await w.run(['catalogue', 'sync', '-m']);
    assert.equal(JSON.parse(again.stdout).action, 'unchanged');
  });

  it('builds recipes.json for three recipes in the documented format, with registry digests', async () => {
    const r = await w.run(['catalogue', 'generate', '-m']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.deepEqual(
      res.recipes.map((x: { name: string; state: string }) => [x.name, x.state]),
      [
        ['db', 'built'],
        ['tool', 'built'],
        ['web', 'built'],
      ],
    );
    const text = readFileSync(join(w.abraDir, 'catalogue', 'recipes.json'), 'utf8');
    const data = JSON.parse(text) as Record<'db' | 'tool' | 'web', CatalogueEntryJson>;
    const validate = new Ajv({ allErrors: true, strict: true }).compile(CATALOGUE_SCHEMA);
    assert.ok(validate(data), JSON.stringify(validate.errors));
    assert.deepEqual(Object.keys(data), ['db', 'tool', 'web']);
    assert.ok(
      text.startsWith('{\n    "db": {\n        "category": "Utilities",'),
      'Go json.MarshalIndent layout',
    );
    const web = data.web;
    assert.equal(web.category, 'Apps');
    assert.equal(web.description, 'The web app');
    assert.equal(web.default_branch, 'main');
    assert.equal(web.repository, join(w.remotes, 'web.git'));
    assert.deepEqual(web.features, {
      backups: 'No',
      email: '1',
      healthcheck: 'Yes',
      image: { image: 'abra-lab/nginx', rating: '4', source: 'upstream', url: 'https://example.org/nginx' },
      status: 3,
      tests: '2',
      sso: 'N/A',
    });
    assert.deepEqual(
      web.versions.map((v: Record<string, unknown>) => Object.keys(v)),
      [['1.0.0+1.25.3'], ['1.1.0+1.26.0']],
    );
    const v11 = web.versions[1]?.['1.1.0+1.26.0'];
    assert.ok(v11);
    assert.deepEqual(v11.app, {
      digest: await manifestDigest('abra-lab/nginx', '1.26.0'),
      image: `${REG}/abra-lab/nginx`,
      tag: '1.26.0',
    });
    assert.equal(v11.db?.digest, await manifestDigest('abra-lab/postgres', '15.6'));
    assert.deepEqual(data.tool.features.status, 0, 'no metadata block: empty features');
  });

  it('is read back by recipe ls and recipe versions on a fresh ABRA_DIR', async () => {
    const fresh = join(w.root, 'fresh-abra');
    mkdirSync(join(fresh, 'catalogue'), { recursive: true });
    writeFileSync(
      join(fresh, 'catalogue', 'recipes.json'),
      readFileSync(join(w.abraDir, 'catalogue', 'recipes.json')),
    );
    const env = { ...w.env, ABRA_DIR: fresh };
    const { abra } = await import('../helpers/cli.js');
    const ls = await abra(['recipe', 'ls', '-m'], env);
    assert.equal(ls.code, 0, ls.stderr);
    const rows = JSON.parse(ls.stdout) as {
      name: string;
      latest?: string;
      category?: string;
      local: boolean;
    }[];
    assert.deepEqual(
      rows.map((x) => [x.name, x.latest, x.category, x.local]),
      [
        ['db', '0.1.0+15.5', 'Utilities', false],
        ['tool', '2.0.0+1.36.1', undefined, false],
        ['web', '1.1.0+1.26.0', 'Apps', false],
      ],
    );
    const v = await abra(['recipe', 'versions', 'web', '-m'], env);
    assert.equal(v.code, 0, v.stderr);
    const versions = JSON.parse(v.stdout);
    assert.equal(versions.source, 'catalogue');
    assert.equal(versions.versions[0].version, '1.1.0+1.26.0');
  });

  it('incremental: unchanged recipes come from the cache; a new tag rebuilds only that recipe', async () => {
    const again = JSON.parse((await w.run(['catalogue', 'generate', '-m'])).stdout);
    assert.deepEqual(
      again.recipes.map((x: { state: string }) => x.state),
      ['cached', 'cached', 'cached'],
    );
    assert.equal(again.changed, false);
    const work = join(w.remotes, 'db-work');
    commit(work, 'bump', { 'compose.yml': compose({ db: `${REG}/abra-lab/postgres:15.6` }) });
    annotatedTag(work, '0.2.0+15.6');
    git(work, 'push', '--quiet', join(w.remotes, 'db.git'), 'main', '--tags');
    const next = JSON.parse((await w.run(['catalogue', 'generate', '-m'])).stdout);
    assert.deepEqual(
      next.recipes.map((x: { name: string; state: string }) => [x.name, x.state]),
      [
        ['db', 'built'],
        ['tool', 'cached'],
        ['web', 'cached'],
      ],
    );
    assert.equal(next.changed, true);
    const data = JSON.parse(readFileSync(join(w.abraDir, 'catalogue', 'recipes.json'), 'utf8')) as Record<
      'db',
      CatalogueEntryJson
    >;
    assert.equal(data.db.versions.length, 2);
  });

  it('--publish commits recipes.json and pushes it to the catalogue repository', async () => {
    const r = await w.run(['catalogue', 'generate', 'web', '--publish', '-m']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.ok(res.published?.commit, r.stdout);
    assert.equal(git(catalogueBare, 'rev-parse', 'main'), res.published.commit);
    const pushed = JSON.parse(git(catalogueBare, 'show', 'main:recipes.json'));
    assert.deepEqual(Object.keys(pushed), ['db', 'tool', 'web']);
    assert.equal(
      git(catalogueBare, 'log', '-1', '--format=%s', 'main'),
      'chore: publish new catalogue release changes',
    );
    const nothing = JSON.parse((await w.run(['catalogue', 'generate', '--publish', '-m'])).stdout);
    assert.deepEqual(nothing.published, { nothingToCommit: true });
  });

  it('bad input: a damaged catalogue, a recipe without tags, an unreachable registry; nothing changes', async () => {
    const file = join(w.abraDir, 'catalogue', 'recipes.json');
    const good = readFileSync(file);
    writeFileSync(file, '{"web": ');
    const before = snapshotTree(w.abraDir);
    const broken = await w.run(['catalogue', 'generate', '--skip-updates']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /not valid JSON/);
    assert.match(broken.stderr, /where: .*recipes\.json/);
    assert.deepEqual(snapshotTree(w.abraDir), before);
    writeFileSync(file, good);

    const bare = join(w.remotes, 'notags-work');
    mkdirSync(bare);
    git(bare, 'init', '--quiet', '--initial-branch=main');
    commit(bare, 'wip', { 'compose.yml': compose({ app: `${REG}/abra-lab/nginx:1` }) });
    assert.equal((await w.run(['recipe', 'fetch', bare])).code, 0);
    const noTags = await w.run(['catalogue', 'generate', 'notags-work']);
    assert.equal(noTags.code, 1);
    assert.match(noTags.stderr, /has no version tags/);
    assert.match(noTags.stderr, /fix: +Publish a release first/);

    const dead = makeRecipe('dead', [['1.0.0+1', { app: '127.0.0.1:59999/x/y:1' }]], {});
    assert.equal((await w.run(['recipe', 'fetch', dead])).code, 0);
    const snap = snapshotTree(w.abraDir);
    const unreachable = await w.run(['catalogue', 'generate', 'dead', '--skip-updates']);
    assert.equal(unreachable.code, 3, unreachable.stderr);
    assert.match(unreachable.stderr, /Could not reach the registry 127\.0\.0\.1:59999/);
    assert.match(unreachable.stderr, /where: registry 127\.0\.0\.1:59999/);
    assert.deepEqual(snapshotTree(w.abraDir), snap);
    const skip = await w.run(['catalogue', 'generate', 'dead', '--no-digests', '-m']);
    assert.equal(skip.code, 0, skip.stderr);

    // --publish without a git clone to publish from, and sync over a directory that is not one
    const other = { ...w.env, ABRA_DIR: join(w.root, 'other-abra') };
    mkdirSync(join(w.root, 'other-abra', 'catalogue'), { recursive: true });
    const { abra } = await import('../helpers/cli.js');
    const publish = await abra(['catalogue', 'generate', 'web', '--publish'], other);
    assert.equal(publish.code, 1);
    assert.match(publish.stderr, /is not a git clone, so --publish has nowhere to push/);
    const sync = await abra(['catalogue', 'sync'], other);
    assert.equal(sync.code, 1);
    assert.match(sync.stderr, /exists but is not a git clone of a catalogue/);
    const offline = await w.run(['catalogue', 'sync', '--offline']);
    assert.equal(offline.code, 1);
    assert.match(offline.stderr, /--offline/);
  });
});
