import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { snapshotTree } from '../helpers/cli.js';
import { annotatedTag, commit, expectFailure, git, makeWorld, type RecipeWorld } from './recipe-helpers.js';

const SAMPLE_V1 = `TYPE=demo
DOMAIN=demo.example.com
LETS_ENCRYPT_ENV=production
## Optional SMTP
#SMTP_HOST=
SECRET_DB_PASSWORD_VERSION=v1
`;
// The working tree (after the 1.0.0 release) requires a new key.
const SAMPLE_HEAD = `${SAMPLE_V1}ADMIN_EMAIL=admin@example.com\n`;

interface CheckJson {
  app: string;
  server: string;
  recipe: string;
  version?: string;
  sample: string;
  ok: boolean;
  missing: { key: string; line: number }[];
  optional: { key: string; line: number }[];
  extra: { key: string; line: number }[];
  placement: { checked: boolean; reason?: string };
}

describe('abra app check', () => {
  let w: RecipeWorld;
  let recipeDir: string;
  const appEnv = (server: string, app: string, text: string) => {
    mkdirSync(join(w.abraDir, 'servers', server), { recursive: true });
    writeFileSync(join(w.abraDir, 'servers', server, `${app}.env`), text);
  };

  before(() => {
    w = makeWorld();
    recipeDir = join(w.abraDir, 'recipes', 'demo');
    mkdirSync(recipeDir, { recursive: true });
    git(recipeDir, 'init', '--quiet', '--initial-branch=main');
    commit(recipeDir, 'first', { 'compose.yml': 'services: {}\n', '.env.sample': SAMPLE_V1 });
    annotatedTag(recipeDir, '1.0.0+1.27.2');
    commit(recipeDir, 'no sample', { 'compose.yml': 'services:\n  app: {}\n' });
    git(recipeDir, 'rm', '--quiet', '.env.sample');
    git(recipeDir, 'commit', '--quiet', '-m', 'drop sample');
    annotatedTag(recipeDir, '1.1.0+1.27.2');
    commit(recipeDir, 'head', { '.env.sample': SAMPLE_HEAD });
    const base = 'DOMAIN=x\nLETS_ENCRYPT_ENV=production\nSECRET_DB_PASSWORD_VERSION=v1\n';
    appEnv('srv1', 'pinned.example.org', `RECIPE=demo:1.0.0+1.27.2\n${base}`);
    appEnv('srv1', 'head.example.org', `TYPE=demo\n${base}MY_TUNING=1\n`);
    appEnv('srv2', 'full.example.org', `TYPE=demo\n${base}ADMIN_EMAIL=a@b.c\nSMTP_HOST=mail\n`);
    appEnv('srv2', 'ghost.example.org', `RECIPE=demo:9.9.9+1\n${base}`);
    appEnv('srv2', 'nosample.example.org', `RECIPE=demo:1.1.0+1.27.2\n${base}`);
    appEnv('srv2', 'other.example.org', `RECIPE=unfetched\n${base}`);
  });
  after(() => w.cleanup());

  it('checks against the .env.sample of the pinned version (git show <tag>:.env.sample): nothing missing', async () => {
    const before = snapshotTree(w.root);
    const res = await w.run(['app', 'check', 'pinned.example.org', '--machine']);
    assert.equal(res.code, 0, res.stderr);
    const { placement, ...json } = JSON.parse(res.stdout) as CheckJson;
    // srv1 is a name only: placement is not checked, and says why (as a warning too).
    assert.equal(placement.checked, false);
    assert.match(res.stderr, /"event":"warning".*Placement not checked/);
    assert.match(placement.reason ?? '', /srv1/);
    assert.deepEqual(json, {
      app: 'pinned.example.org',
      server: 'srv1',
      envFile: join(w.abraDir, 'servers', 'srv1', 'pinned.example.org.env'),
      recipe: 'demo',
      sample: '1.0.0+1.27.2:.env.sample',
      missing: [],
      optional: [{ key: 'SMTP_HOST', line: 5 }],
      extra: [],
      ok: true,
      version: '1.0.0+1.27.2',
    });
    assert.deepEqual(snapshotTree(w.root), before, 'check only reads');
  });

  it('without a version uses the working tree: a missing required key exits 1, extra keys are listed', async () => {
    const res = await w.run(['app', 'check', 'head.example.org']);
    assert.equal(res.code, 1);
    assert.match(res.stdout, /^KEY +STATUS +WHERE$/m);
    assert.match(res.stdout, new RegExp(`^ADMIN_EMAIL +missing +${recipeDir}/\\.env\\.sample:7$`, 'm'));
    assert.match(res.stdout, /^SMTP_HOST +optional \(unset\) +.*\.env\.sample:5$/m);
    assert.match(res.stdout, /^MY_TUNING +extra +.*head\.example\.org\.env:5$/m);
    assert.match(
      res.stdout,
      /head\.example\.org \(recipe demo, working tree\): 1 missing, 1 optional unset, 1 extra$/m,
    );
    assert.match(res.stderr, /Add the missing keys to .*head\.example\.org\.env/);
    const json = JSON.parse((await w.run(['app', 'check', 'head.example.org', '-m'])).stdout) as CheckJson;
    assert.deepEqual(json.missing, [{ key: 'ADMIN_EMAIL', line: 7 }]);
    assert.equal(json.ok, false);
  });

  it('an app with every key (optional ones set too) passes, on any server', async () => {
    const res = await w.run(['app', 'chk', 'full.example.org']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(
      res.stdout,
      'full.example.org (recipe demo, working tree): 0 missing, 0 optional unset, 0 extra\n',
    );
  });

  it('errors: unknown app, unknown version, no .env.sample at the version, recipe not fetched / not git', async () => {
    await expectFailure(w, ['app', 'check', 'nope.example.org'], /App "nope\.example\.org" not found/);
    await expectFailure(w, ['app', 'check', 'ghost.example.org'], /Recipe demo has no version 9\.9\.9\+1/);
    await expectFailure(
      w,
      ['app', 'check', 'nosample.example.org'],
      /has no \.env\.sample at version 1\.1\.0\+1\.27\.2/,
    );
    await expectFailure(w, ['app', 'check', 'other.example.org'], /Recipe "unfetched" is not fetched/);
    mkdirSync(join(w.abraDir, 'recipes', 'unfetched'));
    await expectFailure(w, ['app', 'check', 'other.example.org'], /exists but is not a git repository/);
    appEnv('srv3', 'full.example.org', 'TYPE=demo\n');
    await expectFailure(
      w,
      ['app', 'check', 'full.example.org'],
      /exists on more than one server: srv2, srv3/,
    );
  });
});
