import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type AppWorld,
  createSecretByHand,
  docker,
  expectFailure,
  makeAppWorld,
  makeRecipe,
  RECIPE,
  readSecrets,
  secretLabels,
  secretNames,
} from './app-new-helpers.js';

let world: AppWorld;
let app: string;
let stack: string;
let envFile: string;

interface LsRow {
  name: string;
  version: string;
  remoteName: string;
  onServer: boolean;
  labelled?: boolean;
  generate: string;
  problem?: string;
}

async function ls(): Promise<{ secrets: LsRow[]; others: { remoteName: string }[] }> {
  const res = await world.run(['app', 'secret', 'ls', app, '-m']);
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout);
}

before(async () => {
  world = makeAppWorld('appsecret');
  makeRecipe(world);
  assert.equal((await world.run(['server', 'add', '--local'])).code, 0);
  app = world.domain('sec');
  stack = app.replaceAll('.', '_');
  envFile = join(world.abraDir, 'servers', 'default', `${app}.env`);
  const res = await world.run(['app', 'new', RECIPE, '-s', 'default', '-D', app]);
  assert.equal(res.code, 0, res.stderr);
});
after(() => world.cleanup());

describe('abra app secret', () => {
  it('ls: what the recipe expects at the env versions, none on the server yet', async () => {
    const res = await ls();
    assert.deepEqual(
      res.secrets.map((s) => [s.name, s.version, s.remoteName, s.onServer, s.generate]),
      [
        ['api_key', 'v1', `${stack}_api_key_v1`, false, 'password, 48 chars (default,special)'],
        ['db_password', 'v1', `${stack}_db_password_v1`, false, 'passphrase, 6 words'],
        ['long_client_secret_key', 'v1', `${stack}_long_client_secret_key_v1`, false, 'passphrase, 6 words'],
        ['ssl_cert', 'v1', `${stack}_ssl_cert_v1`, false, 'inserted by hand (generate=false)'],
      ],
    );
    const table = await world.run(['app', 'secret', 'ls', app]);
    assert.match(table.stdout, /^SECRET\s+VERSION\s+REMOTE NAME\s+ON SERVER\s+GENERATED AS$/m);
    assert.match(table.stderr, /4 missing on default/);
  });

  it('generate <name>: creates that one secret, labelled, and shows its value once', async () => {
    const res = await world.run(['app', 'secret', 'generate', app, 'db_password']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(secretNames(stack), [`${stack}_db_password_v1`]);
    assert.equal(secretLabels(`${stack}_db_password_v1`)['com.docker.stack.namespace'], stack);
    assert.match(res.stdout, /^SECRET\s+VERSION\s+REMOTE NAME\s+VALUE$/m);
    assert.match(
      res.stdout,
      new RegExp(`^db_password\\s+v1\\s+${stack}_db_password_v1\\s+(\\S+ ){5}\\S+$`, 'm'),
    );
    assert.match(res.stderr, /shown once and stored nowhere by abra/);
  });

  it('generate an existing secret: exit 1, which one, and how to rotate', async () => {
    const res = await expectFailure(
      world,
      ['app', 'secret', 'generate', app, 'db_password'],
      new RegExp(`Secret db_password version v1 already exists on default as ${stack}_db_password_v1`),
    );
    assert.match(res.stderr, /raise SECRET_DB_PASSWORD_VERSION to v2/);
  });

  it('generate --all creates the missing ones, skips existing and generate=false, prints JSON with -m --show-secrets', async () => {
    const res = await world.run(['app', 'secret', 'generate', app, '--all', '-m', '--show-secrets']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as {
      generated: { name: string; value: string; remoteName: string }[];
      skipped: { name: string; reason: string }[];
    };
    assert.deepEqual(
      out.generated.map((g) => g.name),
      ['api_key', 'long_client_secret_key'],
    );
    assert.match(out.generated[0]!.value, /^[a-km-zA-HJ-NP-Z2-9!@#$%^&*_\-+=]{48}$/);
    assert.deepEqual(out.skipped, [
      { name: 'db_password', remoteName: `${stack}_db_password_v1`, reason: 'exists' },
      { name: 'ssl_cert', remoteName: `${stack}_ssl_cert_v1`, reason: 'manual' },
    ]);
    assert.deepEqual(secretNames(stack), [
      `${stack}_api_key_v1`,
      `${stack}_db_password_v1`,
      `${stack}_long_client_secret_key_v1`,
    ]);
    const again = await world.run(['app', 'secret', 'generate', app, '--all']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing to generate/);
  });

  it('generate at another version creates <stack>_<name>_<version> and says the env still names the old one', async () => {
    const res = await world.run(['app', 'secret', 'generate', app, 'db_password', 'v2', '--pass']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`db_password\\s+v2\\s+${stack}_db_password_v2\\s+(\\S+ ){5}\\S+`));
    assert.match(res.stderr, /still sets SECRET_DB_PASSWORD_VERSION=v1/);
    const listed = await ls();
    assert.deepEqual(
      listed.others.map((o) => o.remoteName),
      [`${stack}_db_password_v2`],
    );
  });

  describe('generate refuses, creating nothing', () => {
    it('a generate=false secret, pointing at insert', async () => {
      const res = await expectFailure(
        world,
        ['app', 'secret', 'generate', app, 'ssl_cert'],
        /ssl_cert is marked generate=false/,
      );
      assert.match(res.stderr, new RegExp(`where: ${envFile.replaceAll('.', '\\.')}:11`));
      assert.match(res.stderr, /abra app secret insert/);
    });

    it('an unknown secret, listing the known ones', async () => {
      const res = await expectFailure(
        world,
        ['app', 'secret', 'generate', app, 'nope'],
        /has no secret "nope"/,
      );
      assert.match(res.stderr, /api_key, db_password, long_client_secret_key, ssl_cert/);
    });

    it('a name and --all together, or neither', async () => {
      await expectFailure(
        world,
        ['app', 'secret', 'generate', app, 'api_key', '--all'],
        /either a secret name or --all/,
      );
      await expectFailure(world, ['app', 'secret', 'generate', app], /Which secret\?/);
    });

    it('an invalid version', async () => {
      await expectFailure(
        world,
        ['app', 'secret', 'generate', app, 'api_key', 'v 2'],
        /is not a valid secret version/,
      );
    });

    it('an unknown app', async () => {
      await expectFailure(
        world,
        ['app', 'secret', 'generate', 'nope.example.com', '--all'],
        /App "nope\.example\.com" not found/,
      );
    });

    it('invalid modifiers, with the env file and line', async () => {
      const original = readFileSync(envFile, 'utf8');
      // v7 is not on the server, so even --all must generate it.
      writeFileSync(
        envFile,
        original.replace(/^SECRET_API_KEY_VERSION=.*$/m, 'SECRET_API_KEY_VERSION=v7 # length=abc'),
      );
      try {
        const res = await expectFailure(
          world,
          ['app', 'secret', 'generate', app, 'api_key'],
          /api_key cannot be generated: SECRET_API_KEY_VERSION: length=abc is not a whole number/,
        );
        assert.match(res.stderr, new RegExp(`${envFile.replaceAll('.', '\\.')}:10`));
        await expectFailure(
          world,
          ['app', 'secret', 'generate', app, '--all'],
          /length=abc is not a whole number/,
        );
      } finally {
        writeFileSync(envFile, original, { mode: 0o600 });
      }
    });
  });

  it('insert: a value, then a file (trimmed); the swarm holds exactly those bytes', async () => {
    const cert = join(world.root, 'cert.pem');
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB€\n-----END CERTIFICATE-----';
    writeFileSync(cert, `\n${pem}\n\n`);
    const res = await world.run(['app', 'secret', 'insert', app, 'ssl_cert', 'v1', '--file', cert, '--trim']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      new RegExp(
        `Inserted ssl_cert \\(v1\\) on default as ${stack}_ssl_cert_v1 \\(${Buffer.byteLength(pem)} bytes\\)`,
      ),
    );
    assert.equal(secretLabels(`${stack}_ssl_cert_v1`)['com.docker.stack.namespace'], stack);
    const bare = await world.run(['app', 'secret', 'insert', app, 'ssl_cert', 'v2', cert, '-f']);
    assert.equal(bare.code, 0, bare.stderr);
    assert.ok(
      bare.stdout.includes(`(${Buffer.byteLength(pem) + 3} bytes)`),
      'Go abra style `<path> -f`, untrimmed',
    );
    const plain = await world.run(['app', 'secret', 'insert', app, 'ssl_cert', 'v3', 'hunter2 ']);
    assert.equal(plain.code, 0, plain.stderr);
    const values = readSecrets(world, [`${stack}_ssl_cert_v1`, `${stack}_ssl_cert_v3`]);
    assert.deepEqual(values, [pem, 'hunter2 ']);
  });

  describe('insert refuses, creating nothing', () => {
    it('an existing secret', async () => {
      await expectFailure(
        world,
        ['app', 'secret', 'insert', app, 'ssl_cert', 'v1', 'x'],
        /Secret ssl_cert version v1 already exists/,
      );
    });

    it('both a value and --file, or neither', async () => {
      await expectFailure(
        world,
        ['app', 'secret', 'insert', app, 'ssl_cert', 'v9', 'x', '--file', '/etc/hostname'],
        /not both/,
      );
      await expectFailure(
        world,
        ['app', 'secret', 'insert', app, 'ssl_cert', 'v9'],
        /Give the secret value, or --file/,
      );
    });

    it('an empty value, and a missing file', async () => {
      await expectFailure(
        world,
        ['app', 'secret', 'insert', app, 'ssl_cert', 'v9', '  ', '--trim'],
        /The secret value is empty/,
      );
      await expectFailure(
        world,
        ['app', 'secret', 'insert', app, 'ssl_cert', 'v9', '--file', join(world.root, 'nope.pem')],
        /The file does not exist/,
      );
    });
  });

  it('ls shows what is there, and marks secrets made by hand as unlabelled', async () => {
    docker('secret', 'rm', `${stack}_api_key_v1`);
    createSecretByHand(`${stack}_api_key_v1`, 'by hand');
    const res = await ls();
    assert.deepEqual(
      res.secrets.map((s) => [s.name, s.onServer, s.labelled]),
      [
        ['api_key', true, false],
        ['db_password', true, true],
        ['long_client_secret_key', true, true],
        ['ssl_cert', true, true],
      ],
    );
    const table = await world.run(['app', 'secret', 'ls', app]);
    assert.match(table.stdout, /api_key .*yes \(unlabelled\)/);
  });

  describe('rm', () => {
    it('refuses a secret without the app label, one not on the server, and an unknown one', async () => {
      await expectFailure(
        world,
        ['-n', 'app', 'secret', 'rm', app, 'api_key'],
        /lacks the label com\.docker\.stack\.namespace=/,
      );
      await expectFailure(world, ['-n', 'app', 'secret', 'rm', app, 'nope'], /has no secret "nope"/);
      const original = readFileSync(envFile, 'utf8');
      writeFileSync(
        envFile,
        original.replace('SECRET_DB_PASSWORD_VERSION=v1', 'SECRET_DB_PASSWORD_VERSION=v8'),
      );
      try {
        await expectFailure(
          world,
          ['-n', 'app', 'secret', 'rm', app, 'db_password'],
          /version v8 is not on default/,
        );
      } finally {
        writeFileSync(envFile, original, { mode: 0o600 });
      }
    });

    it('asks first: without a terminal and without -n it refuses', async () => {
      await expectFailure(
        world,
        ['app', 'secret', 'rm', app, '--all'],
        /Needs confirmation, but there is no terminal/,
      );
    });

    it('removes one by name', async () => {
      const res = await world.run(['-n', 'app', 'secret', 'rm', app, 'long_client_secret_key']);
      assert.equal(res.code, 0, res.stderr);
      assert.ok(!secretNames(stack).includes(`${stack}_long_client_secret_key_v1`));
    });

    it('--all removes only labelled secrets with the expected names', async () => {
      const res = await world.run(['-n', 'app', 'secret', 'rm', app, '--all']);
      assert.equal(res.code, 0, res.stderr);
      assert.match(
        res.stdout,
        new RegExp(`Removed ${stack}_db_password_v1, ${stack}_ssl_cert_v1 from default`),
      );
      assert.match(res.stderr, new RegExp(`left ${stack}_api_key_v1 alone`));
      // The hand-made one and the versions the env does not select stay.
      assert.deepEqual(secretNames(stack), [
        `${stack}_api_key_v1`,
        `${stack}_db_password_v2`,
        `${stack}_ssl_cert_v2`,
        `${stack}_ssl_cert_v3`,
      ]);
      const again = await world.run(['-n', 'app', 'secret', 'rm', app, '--all']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /No secrets of .* to remove/);
    });
  });

  it('a domain too long for its secret names: generate explains the 64-character limit and the fix', async () => {
    const long = `long-domain-name-for-testing-${world.id}.example.com`;
    const made = await world.run(['app', 'new', RECIPE, '-s', 'default', '-D', long]);
    assert.equal(made.code, 0, made.stderr);
    const res = await expectFailure(
      world,
      ['app', 'secret', 'generate', long, 'long_client_secret_key'],
      /long_client_secret_key cannot be created: its swarm name ".+" is 71 characters; Docker allows 64/,
    );
    assert.match(res.stderr, /use a shorter domain, or a shorter secret key/);
    await expectFailure(world, ['app', 'secret', 'generate', long, '--all'], /is 71 characters/);
    await expectFailure(
      world,
      ['app', 'secret', 'insert', long, 'long_client_secret_key', 'v1', 'x'],
      /is 71 characters/,
    );
  });

  it('a length= below 12 generates the secret, and says it is weak, naming the env line', async () => {
    const weak = world.domain('weak');
    const made = await world.run(['app', 'new', RECIPE, '-s', 'default', '-D', weak]);
    assert.equal(made.code, 0, made.stderr);
    const file = join(world.abraDir, 'servers', 'default', `${weak}.env`);
    const text = readFileSync(file, 'utf8');
    const line = text.split('\n').findIndex((l) => l.startsWith('SECRET_API_KEY_VERSION=')) + 1;
    assert.ok(line > 0);
    writeFileSync(file, text.replace(/^SECRET_API_KEY_VERSION=.*$/m, 'SECRET_API_KEY_VERSION=v1 # length=8'));
    const res = await world.run(['app', 'secret', 'generate', weak, 'api_key', '-m', '--show-secrets']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as { generated: { value: string }[]; warnings: string[] };
    assert.equal(out.generated[0]!.value.length, 8);
    assert.equal(out.warnings.length, 1);
    assert.match(
      out.warnings[0]!,
      new RegExp(`length=8 makes a weak password .* on SECRET_API_KEY_VERSION \\(.*${weak}\\.env:${line}\\)`),
    );
    const plain = await world.run(['app', 'secret', 'generate', weak, 'api_key', 'v2']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /warning: secret api_key .* is weak: length=8/);
    const strong = await world.run(['app', 'secret', 'generate', weak, 'db_password']);
    assert.doesNotMatch(strong.stderr, /is weak/);
  });
});
