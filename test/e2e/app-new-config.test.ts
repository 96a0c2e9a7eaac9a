import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AppWorld, expectFailure, makeAppWorld, makeRecipe, RECIPE } from './app-new-helpers.js';

let world: AppWorld;
let app: string;
let envFile: string;
let bin: string;

/** An "editor": a shell script that gets the file as $1. */
function editor(name: string, body: string): string {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

before(async () => {
  world = makeAppWorld('appconfig');
  world.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
  makeRecipe(world);
  mkdirSync(join(world.abraDir, 'servers', 'default'), { recursive: true });
  bin = join(world.root, 'bin');
  mkdirSync(bin);
  app = world.domain('cfg');
  envFile = join(world.abraDir, 'servers', 'default', `${app}.env`);
  const res = await world.run(['app', 'new', RECIPE, '-s', 'default', '-D', app]);
  assert.equal(res.code, 0, res.stderr);
});
after(() => world.cleanup());

describe('abra app config', () => {
  it('saves a valid edit atomically, changing only what the editor changed, still 0600', async () => {
    const before = readFileSync(envFile, 'utf8');
    const ed = editor('staging', `sed -i 's/^LETS_ENCRYPT_ENV=production$/LETS_ENCRYPT_ENV=staging/' "$1"`);
    const res = await world.run(['app', 'config', app], { ...world.env, EDITOR: ed });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^Saved /);
    assert.equal(
      readFileSync(envFile, 'utf8'),
      before.replace('LETS_ENCRYPT_ENV=production', 'LETS_ENCRYPT_ENV=staging'),
    );
    assert.equal(statSync(envFile).mode & 0o777, 0o600);
  });

  it('an edit that enables an overlay the recipe has is accepted', async () => {
    const ed = editor(
      'smtp',
      `sed -i 's/^#COMPOSE_FILE="\\$COMPOSE_FILE:compose.smtp.yml"/COMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"/' "$1"`,
    );
    const res = await world.run(['app', 'config', app], { ...world.env, EDITOR: ed });
    assert.equal(res.code, 0, res.stderr);
    assert.match(readFileSync(envFile, 'utf8'), /^COMPOSE_FILE="\$COMPOSE_FILE:compose\.smtp\.yml"$/m);
  });

  it('no change: says so', async () => {
    const res = await world.run(['app', 'config', app], { ...world.env, EDITOR: 'true' });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /No changes/);
  });

  it('uses $VISUAL when $EDITOR is unset, then vi', async () => {
    const visual = editor('visual', `echo VISUAL_WAS_HERE=1 >> "$1"`);
    const res = await world.run(['app', 'config', app], { ...world.env, VISUAL: visual });
    assert.equal(res.code, 0, res.stderr);
    assert.match(readFileSync(envFile, 'utf8'), /^VISUAL_WAS_HERE=1$/m);
    editor('vi', `echo VI_WAS_HERE=1 >> "$1"`);
    const vi = await world.run(['app', 'config', app], { ...world.env, PATH: `${bin}:${world.env.PATH}` });
    assert.equal(vi.code, 0, vi.stderr);
    assert.match(readFileSync(envFile, 'utf8'), /^VI_WAS_HERE=1$/m);
  });

  describe('keeps the old file and says why (exit 1)', () => {
    const keptCopy = (stderr: string) => {
      const m = /Your edit is kept in (\S+\.env)\./.exec(stderr);
      assert.ok(m, stderr);
      assert.ok(existsSync(m[1]!), 'the rejected edit is kept for another try');
      return readFileSync(m[1]!, 'utf8');
    };

    it('a syntax error, with file:line', async () => {
      const ed = editor('syntax', `sed -i 's/^LETS_ENCRYPT_ENV=.*/LETS_ENCRYPT_ENV="unterminated/' "$1"`);
      const before = readFileSync(envFile, 'utf8');
      const res = await world.run(['app', 'config', app], { ...world.env, EDITOR: ed });
      assert.equal(res.code, 1, res.stdout);
      assert.match(res.stderr, /Not saved, .* is unchanged/);
      assert.match(res.stderr, new RegExp(`where: ${envFile.replaceAll('.', '\\.')}:\\d+`));
      assert.equal(readFileSync(envFile, 'utf8'), before);
      assert.match(keptCopy(res.stderr), /LETS_ENCRYPT_ENV="unterminated/);
    });

    it('no RECIPE/TYPE line', async () => {
      const ed = editor('norecipe', `sed -i '/^TYPE=/d' "$1"`);
      const res = await world.run(['app', 'config', app], { ...world.env, EDITOR: ed });
      assert.equal(res.code, 1);
      assert.match(res.stderr, /names no recipe \(no RECIPE= or TYPE= line\)/);
    });

    it('a malformed RECIPE line, pointing at its line', async () => {
      const ed = editor('badrecipe', `sed -i 's/^TYPE=.*/TYPE=a:b:c/' "$1"`);
      const res = await world.run(['app', 'config', app], { ...world.env, EDITOR: ed });
      assert.equal(res.code, 1);
      assert.match(
        res.stderr,
        new RegExp(`TYPE=a:b:c is not a recipe name[^]*where: ${envFile.replaceAll('.', '\\.')}:1\\n`),
      );
    });

    it('a COMPOSE_FILE entry the recipe (at the recorded version) does not have, with file:line', async () => {
      const ed = editor('nofile', `echo 'COMPOSE_FILE="compose.yml:compose.nope.yml"' >> "$1"`);
      const res = await world.run(['app', 'config', app], { ...world.env, EDITOR: ed });
      assert.equal(res.code, 1);
      const lines = readFileSync(envFile, 'utf8').split('\n').length;
      assert.match(
        res.stderr,
        /COMPOSE_FILE names compose\.nope\.yml, which recipe secrety \(1\.1\.0\+1\.0\) does not have/,
      );
      assert.match(res.stderr, new RegExp(`where: ${envFile.replaceAll('.', '\\.')}:${lines}\\n`));
    });

    it('a COMPOSE_FILE entry outside the recipe', async () => {
      const ed = editor('outside', `echo 'COMPOSE_FILE=../../etc/passwd' >> "$1"`);
      const res = await world.run(['app', 'config', app], { ...world.env, EDITOR: ed });
      assert.equal(res.code, 1);
      assert.match(res.stderr, /points outside the recipe/);
    });

    it('the editor fails', async () => {
      await expectFailure(
        world,
        ['app', 'config', app],
        /The editor "false" exited with status 1; nothing was saved/,
        {
          ...world.env,
          EDITOR: 'false',
        },
      );
    });

    it('an unknown app', async () => {
      await expectFailure(
        world,
        ['app', 'config', 'nope.example.com'],
        /App "nope\.example\.com" not found/,
        {
          ...world.env,
          EDITOR: 'true',
        },
      );
    });
  });
});
