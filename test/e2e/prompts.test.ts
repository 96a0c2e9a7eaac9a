import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { snapshotWithoutAudit } from '../helpers/cli.js';
import { freePort, HelloWorld } from '../helpers/hello-world.js';
import { docker } from '../helpers/lab.js';
import { startTty, type Tty } from '../helpers/tty.js';
import { type AppWorld, git, makeAppWorld, makeRecipe, RECIPE } from './app-new-helpers.js';

// The interactive paths, driven through a real pseudo-terminal (tmux), and the same commands
// without one, which must behave exactly as before prompts existed.

let world: AppWorld;
let recipeDir: string;
const NOTE = 'Adds the frobnicator; run the migration after upgrading';
const sessions: Tty[] = [];
const tty = (args: string[], env: NodeJS.ProcessEnv = world.env) => {
  const t = startTty(args, { env, columns: 110, rows: 32 });
  sessions.push(t);
  return t;
};
const envPath = (server: string, domain: string) => join(world.abraDir, 'servers', server, `${domain}.env`);

before(() => {
  world = makeAppWorld('prompts');
  recipeDir = makeRecipe(world);
  // A third release with notes in release/<version>, as recipes ship them.
  mkdirSync(join(recipeDir, 'release'), { recursive: true });
  writeFileSync(join(recipeDir, 'release', '1.2.0+1.0'), `${NOTE}\n\nMore detail here.\n`);
  git(recipeDir, 'add', 'release');
  git(recipeDir, 'commit', '--quiet', '-m', 'notes');
  git(recipeDir, 'tag', '-a', '-m', 'release', '1.2.0+1.0');
  // Servers are directories; `app new` without --secrets never contacts one.
  for (const s of ['alpha', 'beta']) mkdirSync(join(world.abraDir, 'servers', s), { recursive: true });
});
afterEach(() => {
  for (const t of sessions.splice(0)) t.close();
});
after(() => world.cleanup());

describe('app new on a terminal', () => {
  it('asks for recipe, server, domain and version, re-asks a bad domain with the reason, then creates the app', async () => {
    const domain = world.domain('asked');
    const t = tty(['app', 'new']);
    await t.waitFor(/Which recipe\?/);
    await t.waitFor(new RegExp(`${RECIPE}.*fetched`));
    t.type(RECIPE.slice(0, 4));
    await t.waitFor(new RegExp(`Which recipe\\?[\\s\\S]*${RECIPE.slice(0, 4)}`));
    t.keys('Enter');
    await t.waitFor(/On which server\?/);
    t.keys('Down');
    t.keys('Enter');
    await t.waitFor(/Domain of the app/);
    await t.waitFor(new RegExp(`${RECIPE}\\.beta`), 5000);
    t.type('not_a_domain!');
    t.keys('Enter');
    await t.waitFor(/is not a valid domain/);
    t.keys(...Array.from({ length: 'not_a_domain!'.length }, () => 'BSpace'));
    t.type(domain);
    t.keys('Enter');
    await t.waitFor(new RegExp(`Which version of ${RECIPE}\\?`));
    // The newest release is offered first, its notes next to it.
    await t.waitFor(/1\.2\.0\+1\.0.*Adds the frobnicator/);
    t.keys('Down');
    t.keys('Enter');
    await t.waitFor(/Create .* \[y\/N\]/);
    assert.ok(!existsSync(envPath('beta', domain)), 'nothing is written before the confirmation');
    t.keys('y');
    t.keys('Enter');
    const code = await t.exited();
    assert.equal(code, 0, t.screen());
    await t.waitFor(/Created app/);
    const text = readFileSync(envPath('beta', domain), 'utf8');
    assert.match(text, new RegExp(`^TYPE=${RECIPE}:1\\.1\\.0\\+1\\.0$`, 'm'));
    assert.match(text, new RegExp(`^DOMAIN=${domain.replaceAll('.', '\\.')}$`, 'm'));
    assert.equal(statSync(envPath('beta', domain)).mode & 0o777, 0o600);
  });

  it('Enter on the domain question takes the default <recipe>.<server>', async () => {
    const t = tty(['app', 'new', RECIPE, '-s', 'alpha']);
    await t.waitFor(/Domain of the app/);
    t.keys('Enter');
    await t.waitFor(new RegExp(`Which version of ${RECIPE}\\?`));
    t.keys('Enter');
    await t.waitFor(/Create .* \[y\/N\]/);
    t.keys('y', 'Enter');
    assert.equal(await t.exited(), 0, t.screen());
    const text = readFileSync(envPath('alpha', `${RECIPE}.alpha`), 'utf8');
    assert.match(text, new RegExp(`^TYPE=${RECIPE}:1\\.2\\.0\\+1\\.0$`, 'm'));
  });

  it('Ctrl-C mid-prompt exits 130 and writes nothing', async () => {
    const before = snapshotWithoutAudit(world.root);
    const t = tty(['app', 'new']);
    await t.waitFor(/Which recipe\?/);
    t.keys('Enter');
    await t.waitFor(/On which server\?/);
    t.keys('Enter');
    await t.waitFor(/Domain of the app/);
    t.type('half');
    t.keys('C-c');
    assert.equal(await t.exited(), 130, t.screen());
    await t.waitFor(/Cancelled/);
    assert.doesNotMatch(t.screen(), /Error:|abra hit a bug/);
    assert.deepEqual(snapshotWithoutAudit(world.root), before);
  });

  it('answering no to the final question writes nothing and exits 0', async () => {
    const before = snapshotWithoutAudit(world.root);
    const t = tty(['app', 'new', RECIPE, '-s', 'alpha', '-D', world.domain('declined')]);
    // Everything given: nothing is asked, the old path runs.
    assert.equal(await t.exited(), 0, t.screen());
    assert.ok(existsSync(envPath('alpha', world.domain('declined'))));
    const t2 = tty(['app', 'new', RECIPE, '-s', 'alpha']);
    await t2.waitFor(/Domain of the app/);
    t2.type(world.domain('no'));
    t2.keys('Enter');
    await t2.waitFor(/Which version/);
    t2.keys('Enter');
    await t2.waitFor(/Create .* \[y\/N\]/);
    t2.keys('n', 'Enter');
    assert.equal(await t2.exited(), 0, t2.screen());
    await t2.waitFor(/Not created; nothing was written/);
    assert.ok(!existsSync(envPath('alpha', world.domain('no'))));
    const after = snapshotWithoutAudit(world.root).filter((l) => !l.includes(world.domain('declined')));
    assert.deepEqual(after, before);
  });

  it('with -n on a terminal, nothing is asked: the old refusal', async () => {
    const t = tty(['-n', 'app', 'new']);
    assert.equal(await t.exited(), 1, t.screen());
    await t.waitFor(/Missing a recipe: abra does not ask without a terminal or with --no-input/);
  });
});

describe('app new without a terminal', () => {
  it('does not load the prompt library', async () => {
    const dist = new URL('../../dist/', import.meta.url).pathname;
    const chunk = readdirSync(dist).find(
      (f) => f.endsWith('.js') && readFileSync(join(dist, f), 'utf8').includes('clack:cancel'),
    );
    assert.ok(chunk, 'the prompt library is a chunk of its own in dist/');
    // NODE_DEBUG=esm names every module the loader resolves.
    const res = await world.run(['app', 'new', RECIPE, '-s', 'alpha', '-D', world.domain('lazy')], {
      ...world.env,
      NODE_DEBUG: 'esm',
    });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /dist\/cli\.js/, 'the loader trace is there');
    assert.ok(!res.stderr.includes(chunk), `${chunk} was loaded`);
  });

  it('keeps the old refusal message', async () => {
    const res = await world.run(['app', 'new']);
    assert.equal(res.code, 1);
    assert.match(
      res.stderr,
      /Error: Missing a recipe: abra does not ask without a terminal or with --no-input/,
    );
    assert.match(res.stderr, /fix: +Give the first argument: `abra app new <recipe>`\./);
    const partial = await world.run(['app', 'new', RECIPE, '-s', 'alpha']);
    assert.equal(partial.code, 1);
    assert.match(partial.stderr, /Missing --domain: abra does not ask without a terminal/);
  });
});

describe('app upgrade and rollback on a terminal', () => {
  const V1 = '1.0.0+1';
  const V2 = '1.1.0+1';
  const V3 = '1.2.0+1';
  let hello: HelloWorld;
  let app: string;
  const label = () =>
    docker([
      'service',
      'inspect',
      `${hello.stack(app)}_app`,
      '--format',
      `{{index .Spec.Labels "coop-cloud.${hello.stack(app)}.version"}}`,
    ]);
  const version = (v: string) => (c: string) =>
    c.replace('RECIPE_VERSION=${APP_VERSION:-1.0.0}', `RECIPE_VERSION=${v}`);

  before(async () => {
    hello = new HelloWorld([
      { tag: V1, edit: version(V1) },
      { tag: V2, edit: version(V2), files: { 'release/1.1.0+1': 'Two is the careful step.\n' } },
      { tag: V3, edit: version(V3), tagMessage: 'Three: the config moved.' },
    ]);
    app = hello.app('pick', { HOST_PORT: String(await freePort()) });
    assert.equal((await hello.run('app', 'secret', 'generate', app, '--all', '-n')).code, 0);
    const res = await hello.run('app', 'deploy', app, V1, '-n', '--no-domain-checks');
    assert.equal(res.code, 0, res.stderr);
  });
  after(() => hello.cleanup());

  it('upgrade without a version offers the newer releases with their notes; the chosen one is deployed', async () => {
    const t = tty(['app', 'upgrade', app, '--no-domain-checks'], hello.env);
    await t.waitFor(/Upgrade from 1\.0\.0\+1 to which version\?/, 30_000);
    await t.waitFor(/1\.2\.0\+1.*Three: the config moved/);
    assert.doesNotMatch(t.screen(), /1\.0\.0\+1 \(/, 'the deployed version is not a choice');
    t.keys('Down');
    await t.waitFor(/1\.1\.0\+1.*Two is the careful step/);
    t.keys('Enter');
    await t.waitFor(/Upgrade .* \[y\/N\]/, 30_000);
    t.keys('y', 'Enter');
    // While the services converge, a spinner line says what is pending; it is gone at the end.
    await t.waitFor(/^[|/\\-] (converging: app|app: )/m, 60_000);
    assert.equal(await t.exited(120_000), 0, t.screen());
    assert.doesNotMatch(t.screen(), /^[|/\\-] (converging|app: )/m, 'the status line was cleared');
    await t.waitFor(/Upgraded .*1\.0\.0\+1 -> 1\.1\.0\+1/);
    assert.equal(label(), V2);
  });

  it('Ctrl-C at the rollback picker exits 130 and changes nothing', async () => {
    const before = readFileSync(hello.envPath(app), 'utf8');
    const t = tty(['app', 'rollback', app, '--no-domain-checks'], hello.env);
    await t.waitFor(/Roll back from 1\.1\.0\+1 to which version\?/, 30_000);
    t.keys('C-c');
    assert.equal(await t.exited(), 130, t.screen());
    assert.equal(label(), V2);
    assert.equal(readFileSync(hello.envPath(app), 'utf8'), before);
  });

  it('without a terminal, upgrade takes the newest release as before', async () => {
    const res = await hello.run('app', 'upgrade', app, '-n', '--no-domain-checks');
    assert.equal(res.code, 0, res.stderr);
    assert.equal(label(), V3);
  });
});
