import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AppWorld, expectFailure, makeAppWorld, makeRecipe, RECIPE } from './app-new-helpers.js';

let world: AppWorld;
let blog: string;
let wiki: string;
let other: string;

before(async () => {
  world = makeAppWorld('appls');
  // No server is contacted: a server that does not exist proves `app ls` stays local.
  world.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
  makeRecipe(world);
  for (const server of ['default', 'unreachable.example'])
    mkdirSync(join(world.abraDir, 'servers', server), { recursive: true });
  blog = world.domain('blog');
  wiki = world.domain('wiki');
  other = world.domain('other');
});
after(() => world.cleanup());

describe('abra app ls', () => {
  it('with no apps says how to make one', async () => {
    const res = await world.run(['app', 'ls']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /No apps yet\. Create one with `abra app new/);
    const json = await world.run(['app', 'ls', '-m']);
    assert.deepEqual(JSON.parse(json.stdout), {});
  });

  it('lists apps grouped by server, from the env files only', async () => {
    for (const [server, domain, version] of [
      ['default', blog, []],
      ['default', wiki, ['1.0.0+1.0']],
      ['unreachable.example', other, []],
    ] as const) {
      const res = await world.run(['app', 'new', RECIPE, ...version, '-s', server, '-D', domain]);
      assert.equal(res.code, 0, res.stderr);
    }
    const res = await world.run(['app', 'ls']);
    assert.equal(res.code, 0, res.stderr);
    const esc = (s: string) => s.replaceAll('.', '\\.');
    assert.match(
      res.stdout,
      new RegExp(
        `^SERVER: default \\(2 apps\\)\\nAPP\\s+RECIPE\\s+VERSION\\s+DOMAIN\\n${esc(blog)}\\s+secrety\\s+1\\.1\\.0\\+1\\.0\\s+${esc(blog)}\\n` +
          `${esc(wiki)}\\s+secrety\\s+1\\.0\\.0\\+1\\.0\\s+${esc(wiki)}\\n\\nSERVER: unreachable\\.example \\(1 app\\)\\n`,
      ),
    );
    assert.match(res.stdout, /\n3 apps on 2 servers\n$/);
  });

  it('--machine gives server -> {apps, appCount}', async () => {
    const res = await world.run(['app', 'ls', '--machine']);
    assert.equal(res.code, 0, res.stderr);
    const envFile = (server: string, app: string) => join(world.abraDir, 'servers', server, `${app}.env`);
    assert.deepEqual(JSON.parse(res.stdout), {
      default: {
        apps: [
          {
            server: 'default',
            recipe: RECIPE,
            appName: blog,
            domain: blog,
            envVersion: '1.1.0+1.0',
            envFile: envFile('default', blog),
          },
          {
            server: 'default',
            recipe: RECIPE,
            appName: wiki,
            domain: wiki,
            envVersion: '1.0.0+1.0',
            envFile: envFile('default', wiki),
          },
        ],
        appCount: 2,
      },
      'unreachable.example': {
        apps: [
          {
            server: 'unreachable.example',
            recipe: RECIPE,
            appName: other,
            domain: other,
            envVersion: '1.1.0+1.0',
            envFile: envFile('unreachable.example', other),
          },
        ],
        appCount: 1,
      },
    });
  });

  it('filters by --server and --recipe', async () => {
    const bySrv = JSON.parse((await world.run(['app', 'ls', '-m', '-s', 'unreachable.example'])).stdout);
    assert.deepEqual(Object.keys(bySrv), ['unreachable.example']);
    const byRecipe = await world.run(['app', 'ls', '--recipe', 'wordpress']);
    assert.equal(byRecipe.code, 0);
    assert.match(byRecipe.stdout, /No apps match/);
    const both = JSON.parse(
      (await world.run(['app', 'ls', '-m', '-r', RECIPE, '--server', 'default'])).stdout,
    );
    assert.equal(both.default.appCount, 2);
  });

  it('an env file it cannot read is listed with a warning, the others still are', async () => {
    const broken = join(world.abraDir, 'servers', 'default', `broken-${world.id}.example.com.env`);
    writeFileSync(broken, 'DOMAIN=x\n', { mode: 0o600 });
    const res = await world.run(['app', 'ls', '-s', 'default']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /broken-.*names no recipe/);
    assert.match(res.stdout, /broken-\S+\s+\?\s+-\s+x/);
    assert.match(res.stdout, /3 apps on 1 server/);
  });

  it('an unknown --server is an error', async () => {
    await expectFailure(world, ['app', 'ls', '-s', 'nope.example'], /Unknown server "nope\.example"/);
  });
});
