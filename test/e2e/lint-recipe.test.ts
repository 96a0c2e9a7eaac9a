import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { snapshotTree } from '../helpers/cli.js';
import { GOOD } from '../unit/lint-helpers.js';
import {
  annotatedTag,
  expectFailure,
  git,
  lightweightTag,
  makeWorld,
  type RecipeWorld,
  writeFiles,
} from './recipe-helpers.js';

const CORPUS = new URL('../fixtures/recipes/', import.meta.url).pathname;

interface LintJson {
  recipe: string;
  ok: boolean;
  errors: number;
  warnings: number;
  rules: {
    id: string;
    severity: string;
    satisfied: boolean;
    skipped: boolean;
    skipReason?: string;
    findings: { message: string; file?: string; line?: number }[];
  }[];
}

/** A recipe clone under $ABRA_DIR/recipes: the files committed, then `tag` applied. */
function makeRecipe(
  w: RecipeWorld,
  name: string,
  files: Record<string, string>,
  tag?: (dir: string) => void,
): string {
  const dir = join(w.abraDir, 'recipes', name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet', '--initial-branch=main');
  writeFiles(dir, files);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'init');
  tag?.(dir);
  return dir;
}

function corpusRecipe(w: RecipeWorld, name: string): void {
  const dir = join(w.abraDir, 'recipes', name);
  cpSync(join(CORPUS, name), dir, { recursive: true });
  const tags = readdirSync(dir).includes('tags.txt');
  makeRecipe(w, name, {}, (d) => {
    if (!tags) return;
    // SOURCES.md: traefik's v2.4.8 is lightweight, foodsharing-cms tags are annotated.
    if (name === 'traefik') lightweightTag(d, 'v2.4.8');
    if (name === 'foodsharing-cms')
      for (const t of ['v1.0.0', 'v1.0.1', 'v1.0.2', 'v1.0.3']) annotatedTag(d, t);
  });
}

function rule(res: LintJson, id: string) {
  const r = res.rules.find((x) => x.id === id);
  assert.ok(r, id);
  return r;
}

describe('abra recipe lint', () => {
  let w: RecipeWorld;

  before(() => {
    w = makeWorld();
    makeRecipe(w, 'good', GOOD, (d) => annotatedTag(d, '1.0.0+1.27.2'));
    for (const name of readdirSync(CORPUS).filter((n) => statSync(join(CORPUS, n)).isDirectory()))
      corpusRecipe(w, name);
  });
  after(() => w.cleanup());

  it('a clean recipe: table with every rule, exit 0, nothing written', async () => {
    const before = snapshotTree(w.root);
    const res = await w.run(['recipe', 'lint', 'good', '--offline']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^REF +RULE +SEVERITY +SATISFIED +SKIPPED +HOW TO FIX$/m);
    assert.match(res.stdout, /^R001 +compose config has expected version +warn +yes +no$/m);
    assert.match(res.stdout, /^R013 +git\.coopcloud\.tech repo exists +warn +- +yes$/m);
    assert.match(res.stdout, /^ {2}R013 {2}offline \(--offline\)$/m);
    assert.match(res.stdout, /^good: no error-level rule failed; no warnings$/m);
    assert.deepEqual(snapshotTree(w.root), before, 'lint only reads');
  });

  it('--machine: JSON with every rule; the catalogue entry satisfies R006', async () => {
    mkdirSync(join(w.abraDir, 'catalogue'), { recursive: true });
    writeFileSync(
      join(w.abraDir, 'catalogue', 'recipes.json'),
      JSON.stringify({
        good: { name: 'good', versions: [{ '1.0.0+1.27.2': { app: { image: 'nginx', tag: '1.27.2' } } }] },
      }),
    );
    const res = await w.run(['recipe', 'lint', 'good', '--machine', '-o']);
    assert.equal(res.code, 0, res.stderr);
    const json = JSON.parse(res.stdout) as LintJson;
    assert.equal(json.ok, true);
    assert.equal(json.rules.length, 32);
    assert.deepEqual(rule(json, 'R006'), {
      ...rule(json, 'R006'),
      satisfied: true,
      skipped: false,
      findings: [],
    });
    const traefik = JSON.parse((await w.run(['recipe', 'lint', 'traefik', '-m', '-o'])).stdout) as LintJson;
    assert.deepEqual(rule(traefik, 'R006').findings, [{ message: 'recipe traefik is not in the catalogue' }]);
  });

  it('exits 1 when an error-level rule fails: traefik lightweight tag (R014), seerrng without .env.sample (R008)', async () => {
    const traefik = await w.run(['recipe', 'lint', 'traefik', '-o']);
    assert.equal(traefik.code, 1, traefik.stderr);
    assert.match(
      traefik.stdout,
      /^R014 +only annotated tags used for recipe version +error +no +no +Re-create/m,
    );
    assert.match(traefik.stdout, /^ {2}R014 +error +- +tag v2\.4\.8 is a lightweight tag$/m);
    assert.match(
      traefik.stdout,
      /^ {2}A007 +warn +compose\.ovh\.yml:20 +secret ovh_consumer_key is versioned by SECRET_OVH_CONSUMER_KEY,/m,
    );
    assert.match(traefik.stdout, /^traefik: 1 error-level rule\(s\) failed \(R014\);/m);
    assert.equal(traefik.stderr, '');
    const seerrng = await w.run(['recipe', 'lint', 'seerrng', '-o', '-m']);
    assert.equal(seerrng.code, 1);
    const json = JSON.parse(seerrng.stdout) as LintJson;
    assert.deepEqual([json.ok, json.errors], [false, 1]);
    assert.deepEqual(rule(json, 'R008').findings, [{ message: 'no .env.sample at the recipe root' }]);
  });

  it('lints the whole corpus through the CLI: only traefik and seerrng have errors', async () => {
    const codes: Record<string, number | null> = {};
    for (const name of readdirSync(join(w.abraDir, 'recipes')).sort()) {
      const res = await w.run(['recipe', 'lint', name, '-o', '-m']);
      const json = JSON.parse(res.stdout) as LintJson;
      assert.equal(res.code, json.ok ? 0 : 1, name);
      codes[name] = res.code;
    }
    assert.deepEqual(codes, {
      agora: 0,
      'bonfire-deploy': 0,
      bookshelfng: 0,
      bore: 0,
      'custom-php': 0,
      example: 0,
      'foodsharing-cms': 0,
      'go-ssb-room': 0,
      good: 0,
      seerrng: 1,
      traefik: 1,
      wordpress: 0,
    });
    const php = JSON.parse((await w.run(['recipe', 'lint', 'custom-php', '-o', '-m'])).stdout) as LintJson;
    assert.deepEqual(
      rule(php, 'A005').findings.map((f) => `${f.file}:${f.line}`),
      ['compose.yml:98'],
    );
  });

  it('reads the working tree: untracked overlays and subdirectory overlays named in .env.sample', async () => {
    const dir = makeRecipe(
      w,
      'tree',
      {
        ...GOOD,
        '.env.sample': `${GOOD['.env.sample']}#COMPOSE_FILE="$COMPOSE_FILE:pg/compose.pg.yml"\n`,
        'pg/compose.pg.yml': 'version: "3.8"\nservices:\n  app:\n    secrets:\n      - pg_secret\n',
      },
      (d) => annotatedTag(d, '1.0.0+1.27.2'),
    );
    writeFileSync(join(dir, 'compose.extra.yml'), 'version: "3.8"\nservices:\n  app:\n    restart: always\n');
    const json = JSON.parse((await w.run(['recipe', 'lint', 'tree', '-o', '-m'])).stdout) as LintJson;
    assert.deepEqual(rule(json, 'A004').findings, [
      {
        message: 'service app uses secret pg_secret, which compose.yml:pg/compose.pg.yml does not define',
        file: 'pg/compose.pg.yml',
        line: 5,
      },
    ]);
    assert.deepEqual(
      rule(json, 'A003').findings.map((f) => `${f.file}:${f.line}`),
      ['compose.extra.yml:4'],
    );
  });

  it('a compose file that fails to load is an A001 finding with file:line, not a crash', async () => {
    makeRecipe(w, 'broken', {
      ...GOOD,
      'compose.bad.yml': 'version: "3.8"\nservices:\n  app:\n    deploy:\n      replicas: lots\n',
    });
    const res = await w.run(['recipe', 'lint', 'broken', '-o']);
    assert.equal(res.code, 1);
    assert.match(
      res.stdout,
      /^ {2}A001 +error +compose\.bad\.yml:5 +.*\(loading compose\.yml:compose\.bad\.yml\)$/m,
    );
    assert.doesNotMatch(res.stderr, /bug/);
  });

  it('without --offline R013 never hangs: checked, or skipped with the reason', async () => {
    const started = Date.now();
    const res = await w.run(['recipe', 'lint', 'good', '-m']);
    assert.ok(Date.now() - started < 15_000, 'answers within the probe timeout');
    const r13 = rule(JSON.parse(res.stdout) as LintJson, 'R013');
    if (r13.skipped)
      assert.match(r13.skipReason ?? '', /^git\.coopcloud\.tech is not reachable|answered HTTP/);
    else assert.equal(typeof r13.satisfied, 'boolean');
  });

  it('errors: unknown recipe, not a git repository, invalid name, missing argument', async () => {
    await expectFailure(w, ['recipe', 'lint', 'nope', '-o'], /Recipe "nope" is not fetched/);
    const plain = join(w.abraDir, 'recipes', 'plain');
    mkdirSync(plain);
    writeFileSync(join(plain, 'compose.yml'), GOOD['compose.yml']!);
    await expectFailure(w, ['recipe', 'lint', 'plain', '-o'], /exists but is not a git repository/);
    await expectFailure(w, ['recipe', 'lint', '../x', '-o'], /not a valid recipe name/);
    const usage = await w.run(['recipe', 'lint']);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /missing required argument 'recipe'/);
  });
});
