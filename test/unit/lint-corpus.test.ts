import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { runLint } from '../../src/domain/lint/run.js';
import type { Finding, LintInput, LintReport, TagFact } from '../../src/domain/lint/types.js';
import { inputOf } from './lint-helpers.js';

const ROOT = new URL('../fixtures/recipes/', import.meta.url).pathname;
const RECIPES = readdirSync(ROOT)
  .filter((n) => statSync(join(ROOT, n)).isDirectory())
  .sort();

// tags.txt lists tag names only; SOURCES.md records traefik's as lightweight, foodsharing's as annotated.
const ANNOTATED: Record<string, boolean> = { traefik: false, 'foodsharing-cms': true };

function lintFixture(name: string): LintReport {
  return runLint(inputOfFixture(name));
}

function inputOfFixture(name: string): LintInput {
  const dir = join(ROOT, name);
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  const tags: TagFact[] = (files['tags.txt'] ?? '')
    .split('\n')
    .filter(Boolean)
    .map((t) => ({ name: t, annotated: ANNOTATED[name] ?? true }));
  return inputOf(files, {
    recipe: name,
    dir,
    tags,
    catalogue: { state: 'absent', reason: 'no local catalogue' },
    repo: { state: 'skipped', reason: 'offline (--offline)' },
  });
}

const REPORTS = new Map(RECIPES.map((r) => [r, lintFixture(r)]));

function report(name: string): LintReport {
  const r = REPORTS.get(name);
  assert.ok(r, name);
  return r;
}

function failed(name: string): string[] {
  return report(name)
    .results.filter((r) => !r.satisfied && !r.skipped)
    .map((r) => r.id);
}

function findingsOf(name: string, id: string): Finding[] {
  return report(name).results.find((r) => r.id === id)?.findings ?? [];
}

describe('lint: the recipe corpus', () => {
  it('lints all 11 recipes without throwing, and no compose combination fails to load', () => {
    assert.equal(RECIPES.length, 11);
    for (const name of RECIPES) assert.deepEqual(findingsOf(name, 'A001'), [], name);
  });

  it('fails exactly these rules per recipe (golden)', () => {
    const golden = Object.fromEntries(RECIPES.map((n) => [n, failed(n).join(' ')]));
    assert.deepEqual(golden, {
      agora: 'R002 R004 R005 R007 A012 A014 A015',
      'bonfire-deploy': 'R002 R004 R005 R007 R015 A003 A009 A015',
      bookshelfng: 'R001 R002 R005 R007 A012',
      bore: 'R001 R002 R007 A012',
      'custom-php': 'R002 R007 R015 A003 A005 A009',
      example: 'R007 A010',
      'foodsharing-cms': 'R007 A010',
      'go-ssb-room': 'R002 R007 A015',
      seerrng: 'R001 R002 R007 R008 A012',
      traefik: 'R007 R014 R015 A007 A009 A010 A015',
      wordpress: 'R002 R007 R015 A003 A009 A010',
    });
    const errors = Object.fromEntries(RECIPES.map((n) => [n, report(n).errors]).filter(([, e]) => e !== 0));
    assert.deepEqual(errors, { seerrng: 1, traefik: 1 });
  });

  it('custom-php: config entrypoint_conf is defined but unused (A005)', () => {
    assert.deepEqual(findingsOf('custom-php', 'A005'), [
      {
        message:
          'config entrypoint_conf is defined but no service uses it; docker stack deploy still creates it, so its file must exist',
        file: 'compose.yml',
        line: 98,
      },
    ]);
  });

  it('traefik: SECRET_OVH_CONSUMER_KEY lacks _VERSION (A007), v2.4.8 is lightweight (R014)', () => {
    assert.deepEqual(findingsOf('traefik', 'A007'), [
      {
        message:
          'secret ovh_consumer_key is versioned by SECRET_OVH_CONSUMER_KEY, not SECRET_OVH_CONSUMER_KEY_VERSION: abra reads generation modifiers (length=, charset=) from SECRET_OVH_CONSUMER_KEY_VERSION, and operators rotating it look for that key',
        file: 'compose.ovh.yml',
        line: 20,
      },
    ]);
    assert.deepEqual(findingsOf('traefik', 'R014'), [{ message: 'tag v2.4.8 is a lightweight tag' }]);
    assert.deepEqual(findingsOf('foodsharing-cms', 'R014'), []);
  });

  it('agora: empty version label (A012) and an undeclared $SOURCES_YML_URL (A014)', () => {
    assert.deepEqual(findingsOf('agora', 'A012'), [
      { message: 'the app version label is empty', file: 'compose.yml', line: 28 },
    ]);
    assert.deepEqual(findingsOf('agora', 'A014'), [
      { message: '$SOURCES_YML_URL is not in .env.sample and has no default', file: 'compose.yml', line: 7 },
    ]);
    assert.deepEqual(findingsOf('agora', 'A015'), [
      { message: 'AGORA_DB_PATH is not used by any compose file or abra.sh', file: '.env.sample', line: 9 },
    ]);
  });

  it('seerrng: no .env.sample is an R008 error; rules that need it are skipped', () => {
    assert.deepEqual(findingsOf('seerrng', 'R008'), [{ message: 'no .env.sample at the recipe root' }]);
    const skipped = report('seerrng')
      .results.filter((r) => r.skipped)
      .map((r) => r.id);
    assert.deepEqual(skipped, ['R006', 'R013', 'A002', 'A008', 'A013', 'A014', 'A015', 'A016']);
  });

  it('loads every overlay: traefik with each of its 9, custom-php the 3 combinations .env.sample names', () => {
    const variants = (name: string) => inputOfFixture(name).variants.map((v) => v.files.join(':'));
    const traefik = variants('traefik');
    assert.equal(traefik.length, 10);
    assert.ok(traefik.includes('compose.yml:compose.ovh.yml'));
    assert.deepEqual(variants('custom-php'), [
      'compose.yml',
      'compose.yml:compose.mailrelay.yml',
      'compose.yml:compose.mailrelay.yml:compose.smtp.yml',
    ]);
    assert.deepEqual(
      findingsOf('wordpress', 'A009').map((f) => `${f.file}:${f.line}`),
      ['compose.yml:86', 'compose.mailrelay.yml:23', 'compose.yml:76'],
    );
  });

  it('swarm-ignored keys: depends_on in bonfire, custom-php and wordpress, each at its line', () => {
    assert.deepEqual(
      findingsOf('custom-php', 'A003').map((f) => `${f.file}:${f.line} ${f.message.split(' (')[0]}`),
      [
        'compose.yml:24 service app: depends_on is ignored',
        'compose.yml:37 service frontend: depends_on is ignored',
      ],
    );
  });

  it('healthcheck vs monitor: traefik and wordpress wait up to 6m for a failure, monitor 5s', () => {
    for (const name of ['traefik', 'wordpress'])
      assert.match(
        findingsOf(name, 'A010')[0]?.message ?? '',
        /up to 6m \(start_period 1m \+ 10 × 30s\).*5s \(default\)$/,
      );
  });
});
