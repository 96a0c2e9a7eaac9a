import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseComposeYaml } from '../../src/domain/compose/yaml.js';
import { abra, snapshotTree } from '../helpers/cli.js';
import { dockerStackConfig, normalizeOracle } from '../helpers/stack-config.js';

const FIXTURES = new URL('../fixtures/recipes/', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'abra-appcompose-'));
const abraDir = join(home, '.abra');
const recipeDir = join(abraDir, 'recipes', 'wordpress');
const serverDir = join(abraDir, 'servers', 'srv.example');
const env = { PATH: process.env.PATH, HOME: home, ABRA_DIR: abraDir };
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: recipeDir,
    encoding: 'utf8',
  });

before(() => {
  cpSync(join(FIXTURES, 'wordpress'), recipeDir, { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'init');
  git('tag', '-a', '1.0.0+5.7.2', '-m', 'release');
  // An unreleased change in the working tree: only --chaos may see it.
  const compose = join(recipeDir, 'compose.yml');
  writeFileSync(compose, readFileSync(compose, 'utf8').replace('wordpress:5.7.2', 'wordpress:6.0.0'));
  mkdirSync(serverDir, { recursive: true });
  const sample = readFileSync(join(recipeDir, '.env.sample'), 'utf8');
  writeFileSync(
    join(serverDir, 'blog.example.com.env'),
    `${sample.replace(/^TYPE=.*$/m, 'TYPE=wordpress:1.0.0+5.7.2')}\nDOMAIN=blog.example.com\n`,
    { mode: 0o600 },
  );
});
after(() => rmSync(home, { recursive: true, force: true }));

describe('abra app compose', () => {
  it('prints the config of the recorded version, equal to docker stack config on that version', async () => {
    const res = await abra(['app', 'compose', 'blog.example.com', '--machine'], env);
    assert.equal(res.code, 0, res.stderr);
    const ours = JSON.parse(res.stdout);
    assert.equal(ours.services.app.image, 'wordpress:5.7.2');
    assert.equal(ours.secrets.db_password.name, 'blog_example_com_db_password_v1');
    // The oracle on the tagged files (checked out to a scratch copy, the clone is untouched).
    const scratch = join(home, 'tagged');
    execFileSync('git', ['worktree', 'add', '-q', scratch, '1.0.0+5.7.2'], { cwd: recipeDir });
    try {
      const values = Object.fromEntries(
        readFileSync(join(serverDir, 'blog.example.com.env'), 'utf8')
          .split('\n')
          .filter((l) => /^[A-Z_]+=/.test(l))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^"|"$/g, '')]),
      );
      const abraSh = Object.fromEntries(
        [...readFileSync(join(scratch, 'abra.sh'), 'utf8').matchAll(/^export (\w+)=(\w+)$/gm)].map((m) => [
          m[1],
          m[2],
        ]),
      );
      const theirs = await dockerStackConfig([join(scratch, 'compose.yml')], {
        ...values,
        ...abraSh,
        STACK_NAME: 'blog_example_com',
      } as Record<string, string>);
      assert.ok(theirs.ok, JSON.stringify(theirs));
      // Paths differ only by the checkout location.
      const rebase = JSON.parse(JSON.stringify(ours).replaceAll(recipeDir, scratch));
      assert.deepEqual(normalizeOracle(rebase), theirs.json);
    } finally {
      execFileSync('git', ['worktree', 'remove', '--force', scratch], { cwd: recipeDir });
    }
  });

  it('--chaos reads the working tree', async () => {
    const res = await abra(['app', 'compose', 'blog.example.com', '--chaos'], env);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(
      (parseComposeYaml(res.stdout, 'out').data.services as Record<string, { image: string }>).app?.image,
      'wordpress:6.0.0',
    );
  });

  for (const [name, setup, pattern] of [
    ['unknown app', () => undefined, /App "nope\.example\.com" not found/],
    [
      'a recorded version missing from the clone',
      () => 'TYPE=wordpress:9.9.9+1',
      /9\.9\.9\+1 is neither a release tag nor a commit of recipe wordpress/,
    ],
    [
      'a COMPOSE_FILE entry that does not exist',
      () => 'COMPOSE_FILE="compose.yml:compose.nope.yml"',
      /COMPOSE_FILE names compose\.nope\.yml/,
    ],
    [
      'a required variable without a value',
      () => 'COMPOSE_FILE="compose.yml:compose.req.yml"',
      /required variable NEEDED is missing a value/,
    ],
  ] as const) {
    it(`fails clearly, changing nothing: ${name}`, async () => {
      const app = name === 'unknown app' ? 'nope.example.com' : 'broken.example.com';
      const line = setup();
      if (line) {
        writeFileSync(
          join(recipeDir, 'compose.req.yml'),
          'version: "3.8"\nservices:\n  app:\n    image: ${NEEDED:?set NEEDED}\n',
        );
        writeFileSync(join(serverDir, 'broken.example.com.env'), `TYPE=wordpress\n${line}\n`, {
          mode: 0o600,
        });
      }
      const beforeTree = snapshotTree(home);
      const res = await abra(
        ['app', 'compose', app, ...(line?.startsWith('COMPOSE') ? ['--chaos'] : [])],
        env,
      );
      assert.equal(res.code, 1, res.stdout + res.stderr);
      assert.match(res.stderr, pattern);
      assert.match(res.stderr, /where: /);
      assert.match(res.stderr, /fix: /);
      assert.deepEqual(snapshotTree(home), beforeTree);
    });
  }
});
