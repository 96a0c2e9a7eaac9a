import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { abra, snapshotTree } from '../helpers/cli.js';

// `abra app env` on the corpus's wordpress recipe: a tagged release with abra.sh exports, and
// an unreleased abra.sh change that only --chaos sees. No server is registered: the command
// must not need one.

const FIXTURES = new URL('../fixtures/recipes/', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'abra-appenv-'));
const abraDir = join(home, '.abra');
const recipeDir = join(abraDir, 'recipes', 'wordpress');
const serverDir = join(abraDir, 'servers', 'srv.example');
const envFile = join(serverDir, 'blog.example.com.env');
const env = { PATH: process.env.PATH, HOME: home, ABRA_DIR: abraDir };
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: recipeDir,
    encoding: 'utf8',
  });

interface EnvJson {
  app: string;
  server: string;
  recipe: string;
  source: string;
  envFile: string;
  vars: {
    key: string;
    value?: string;
    sensitive?: boolean;
    from: string;
    where: string;
    overrides?: string;
  }[];
  secrets: { name: string; version: string; envKey: string; remoteName: string }[];
}

async function envJson(...extra: string[]): Promise<EnvJson> {
  const res = await abra(['app', 'env', 'blog.example.com', '--machine', ...extra], env);
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout) as EnvJson;
}

before(() => {
  cpSync(join(FIXTURES, 'wordpress'), recipeDir, { recursive: true });
  // A marker proves abra.sh is read, never run.
  const abraSh = join(recipeDir, 'abra.sh');
  writeFileSync(abraSh, `${readFileSync(abraSh, 'utf8')}\ntouch "${join(home, 'ran')}"\n`);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'init');
  git('tag', '-a', '1.0.0+5.7.2', '-m', 'release');
  writeFileSync(
    abraSh,
    readFileSync(abraSh, 'utf8').replace('MSMTP_CONF_VERSION=v3', 'MSMTP_CONF_VERSION=v4'),
  );
  mkdirSync(serverDir, { recursive: true });
  const sample = readFileSync(join(recipeDir, '.env.sample'), 'utf8');
  writeFileSync(
    envFile,
    `${sample.replace(/^TYPE=.*$/m, 'TYPE=wordpress:1.0.0+5.7.2')}\nSMTP_PASSWORD=hunter2\nMSMTP_CONF_VERSION=v1\n`,
    { mode: 0o600 },
  );
});
after(() => rmSync(home, { recursive: true, force: true }));

describe('abra app env', () => {
  it('--machine: env file + abra.sh of the recorded version + STACK_NAME, sorted, each with its source', async () => {
    const before = snapshotTree(abraDir);
    const out = await envJson();
    assert.deepEqual(snapshotTree(abraDir), before, 'nothing written');
    assert.equal(out.source, '1.0.0+5.7.2');
    const keys = out.vars.map((v) => v.key);
    assert.deepEqual(keys, [...keys].sort());
    const byKey = new Map(out.vars.map((v) => [v.key, v]));
    const line = (key: string) =>
      readFileSync(envFile, 'utf8')
        .split('\n')
        .findLastIndex((l) => l.startsWith(`${key}=`)) + 1;
    assert.deepEqual(byKey.get('DOMAIN'), {
      key: 'DOMAIN',
      value: 'wordpress.example.com',
      from: 'env file',
      where: `${envFile}:${line('DOMAIN')}`,
    });
    assert.deepEqual(byKey.get('MSMTP_CONF_VERSION'), {
      key: 'MSMTP_CONF_VERSION',
      value: 'v3',
      from: 'abra.sh',
      where: 'abra.sh of recipe wordpress (1.0.0+5.7.2)',
      overrides: `${envFile}:${line('MSMTP_CONF_VERSION')}`,
    });
    assert.equal(byKey.get('PHP_UPLOADS_CONF_VERSION')?.from, 'abra.sh');
    assert.deepEqual(byKey.get('STACK_NAME'), {
      key: 'STACK_NAME',
      value: 'blog_example_com',
      from: 'computed',
      where: 'the domain blog.example.com, "." as "_"',
    });
    assert.equal(byKey.get('SECRET_DB_PASSWORD_VERSION')?.value, 'v1');
    // A credential-like env value: named, never in the JSON without --show-secrets.
    assert.deepEqual(byKey.get('SMTP_PASSWORD'), {
      key: 'SMTP_PASSWORD',
      sensitive: true,
      from: 'env file',
      where: `${envFile}:${line('SMTP_PASSWORD')}`,
    });
    assert.deepEqual(out.secrets, [
      {
        name: 'db_password',
        envKey: 'SECRET_DB_PASSWORD_VERSION',
        version: 'v1',
        remoteName: 'blog_example_com_db_password_v1',
      },
      {
        name: 'db_root_password',
        envKey: 'SECRET_DB_ROOT_PASSWORD_VERSION',
        version: 'v1',
        remoteName: 'blog_example_com_db_root_password_v1',
      },
    ]);
    assert.ok(!JSON.stringify(out).includes('hunter2'));
    assert.equal(
      (await envJson('--show-secrets')).vars.find((v) => v.key === 'SMTP_PASSWORD')?.value,
      'hunter2',
    );
  });

  it('agrees with the config abra deploys (app compose): config and secret names use these values', async () => {
    const out = await envJson();
    const value = (k: string) => out.vars.find((v) => v.key === k)?.value;
    const res = await abra(['app', 'compose', 'blog.example.com', '--machine'], env);
    assert.equal(res.code, 0, res.stderr);
    const compose = JSON.parse(res.stdout) as {
      configs: Record<string, { name: string }>;
      secrets: Record<string, { name: string }>;
    };
    assert.equal(
      compose.configs.php_uploads_conf?.name,
      `${value('STACK_NAME')}_php_uploads_conf_${value('PHP_UPLOADS_CONF_VERSION')}`,
    );
    assert.deepEqual(
      out.secrets.map((s) => s.remoteName),
      out.secrets.map((s) => compose.secrets[s.name]?.name),
    );
  });

  it('--chaos reads abra.sh from the working tree; abra.sh is never run', async () => {
    const out = await envJson('--chaos');
    assert.equal(out.source, 'working tree');
    assert.equal(out.vars.find((v) => v.key === 'MSMTP_CONF_VERSION')?.value, 'v4');
    assert.throws(() => readFileSync(join(home, 'ran')), /ENOENT/);
  });

  it('the terminal table: key, source, value; hidden values and secrets by name', async () => {
    const res = await abra(['app', 'env', 'blog.example.com'], env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^blog\.example\.com on srv\.example: recipe wordpress \(1\.0\.0\+5\.7\.2\)/);
    assert.match(res.stdout, /^KEY\s+FROM\s+VALUE$/m);
    assert.match(res.stdout, /^MSMTP_CONF_VERSION\s+abra\.sh \(over env:\d+\)\s+v3$/m);
    assert.match(res.stdout, /^SMTP_PASSWORD\s+env:\d+\s+<hidden>$/m);
    assert.match(res.stdout, /^STACK_NAME\s+computed\s+blog_example_com$/m);
    assert.match(
      res.stdout,
      /^db_password\s+v1\s+SECRET_DB_PASSWORD_VERSION\s+blog_example_com_db_password_v1$/m,
    );
    assert.ok(!res.stdout.includes('hunter2'));
    assert.match(res.stderr, /1 value\(s\) with credential-like names are hidden; --show-secrets shows them/);
    const shown = await abra(['app', 'env', 'blog.example.com', '--show-secrets'], env);
    assert.match(shown.stdout, /^SMTP_PASSWORD\s+env:\d+\s+hunter2$/m);
  });

  it('a broken compose file still shows the env, with a warning instead of the secrets', async () => {
    const compose = join(recipeDir, 'compose.yml');
    const original = readFileSync(compose, 'utf8');
    writeFileSync(compose, 'services: [\n');
    try {
      const res = await abra(['app', 'env', 'blog.example.com', '--chaos', '-m'], env);
      assert.equal(res.code, 0, res.stderr);
      const out = JSON.parse(res.stdout) as EnvJson;
      assert.equal(out.secrets, undefined);
      assert.equal(out.vars.find((v) => v.key === 'MSMTP_CONF_VERSION')?.value, 'v4');
      assert.match(res.stderr, /compose files could not be loaded, so its secrets are not listed/);
    } finally {
      writeFileSync(compose, original);
    }
  });

  it('an unknown app: the usual error, exit 1', async () => {
    const res = await abra(['app', 'env', 'nope.example.com'], env);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /App "nope\.example\.com" not found/);
  });
});
