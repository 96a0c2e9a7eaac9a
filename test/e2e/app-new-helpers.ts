import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { abra, type CliResult, snapshotWithoutAudit } from '../helpers/cli.js';
import { loadLab } from '../helpers/lab.js';

/**
 * A throwaway operator for the app commands: HOME, ABRA_DIR and TMPDIR under one root (so
 * `app config`'s kept edits are cleaned up too), and a run id that every domain, hence every
 * Docker object name, contains.
 */
export interface AppWorld {
  root: string;
  abraDir: string;
  env: NodeJS.ProcessEnv;
  /** Lower-case hex, unique per world; part of every domain and secret name. */
  id: string;
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** `<label>-<id>.example.com` */
  domain(label: string): string;
  cleanup(): void;
}

export function makeAppWorld(prefix: string, extraEnv: NodeJS.ProcessEnv = {}): AppWorld {
  const root = mkdtempSync(join(tmpdir(), `abra-${prefix}-`));
  const abraDir = join(root, 'abra');
  const tmp = join(root, 'tmp');
  mkdirSync(join(root, 'home'));
  mkdirSync(tmp);
  const id = randomBytes(4).toString('hex');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(root, 'home'),
    ABRA_DIR: abraDir,
    TMPDIR: tmp,
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extraEnv,
  };
  return {
    root,
    abraDir,
    env,
    id,
    run: (args, override) => abra(args, override ?? env),
    domain: (label) => `${label}-${id}.example.com`,
    cleanup: () => {
      removeSecretsMatching(id);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** Names of the swarm secrets whose name contains `text` (the engine's filter only matches prefixes). */
export function secretNames(text: string): string[] {
  return docker('secret', 'ls', '--format', '{{.Name}}')
    .split('\n')
    .filter((n) => n.includes(text))
    .sort();
}

/** Create a secret the way an operator would by hand: no labels. */
export function createSecretByHand(name: string, value: string): void {
  execFileSync('docker', ['secret', 'create', name, '-'], {
    input: value,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
}

export function secretLabels(name: string): Record<string, string> {
  return JSON.parse(docker('secret', 'inspect', '--format', '{{json .Spec.Labels}}', name)) ?? {};
}

export function removeSecretsMatching(text: string): void {
  const names = secretNames(text);
  if (names.length > 0) docker('secret', 'rm', ...names);
}

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.org',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.org',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
}

function write(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

export const RECIPE = 'secrety';

const COMPOSE_V1 = `version: "3.8"
services:
  app:
    image: busybox:1
    secrets: [db_password, api_key]
secrets:
  db_password:
    external: true
    name: \${STACK_NAME}_db_password_\${SECRET_DB_PASSWORD_VERSION}
  api_key:
    external: true
    name: \${STACK_NAME}_api_key_\${SECRET_API_KEY_VERSION}
`;

/** 1.1.0: a hand-inserted cert, a long secret key, an unused and a non-external secret. */
const COMPOSE_V2 = `version: "3.8"
services:
  app:
    image: busybox:1
    secrets:
      - db_password
      - source: api_key
        target: api-key
      - ssl_cert
      - long_client_secret_key
      - local_file
secrets:
  db_password:
    external: true
    name: \${STACK_NAME}_db_password_\${SECRET_DB_PASSWORD_VERSION}
  api_key:
    external: true
    name: \${STACK_NAME}_api_key_\${SECRET_API_KEY_VERSION}
  ssl_cert:
    external: true
    name: \${STACK_NAME}_ssl_cert_\${SECRET_SSL_CERT_VERSION}
  long_client_secret_key:
    external: true
    name: \${STACK_NAME}_long_client_secret_key_\${SECRET_LONG_CLIENT_SECRET_KEY_VERSION:-v1}
  unused_one:
    external: true
    name: \${STACK_NAME}_unused_one_v1
  local_file:
    file: ./compose.yml
`;

const SMTP = `version: "3.8"
services:
  app:
    secrets: [smtp_password]
secrets:
  smtp_password:
    external: true
    name: \${STACK_NAME}_smtp_password_\${SECRET_SMTP_PASSWORD_VERSION}
`;

const SAMPLE_V1 = `TYPE=${RECIPE}
DOMAIN=${RECIPE}.example.com
LETS_ENCRYPT_ENV=production
SECRET_DB_PASSWORD_VERSION=v1
SECRET_API_KEY_VERSION=v1 # length=48 charset=default,special
`;

export const SAMPLE_V2 = `TYPE=${RECIPE}

DOMAIN=${RECIPE}.example.com
## Domain aliases
#EXTRA_DOMAINS=', \`www.${RECIPE}.example.com\`'
LETS_ENCRYPT_ENV=production
COMPOSE_FILE="compose.yml"

SECRET_DB_PASSWORD_VERSION=v1
SECRET_API_KEY_VERSION=v1     # length=48 charset=default,special
SECRET_SSL_CERT_VERSION=v1    # generate=false

## SMTP
#COMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"
#SECRET_SMTP_PASSWORD_VERSION=v1
`;

/**
 * The `secrety` recipe in the world's recipes dir: tags 1.0.0+1.0 and 1.1.0+1.0 (the latest),
 * then an uncommitted change to .env.sample that only --chaos sees.
 */
export function makeRecipe(world: Pick<AppWorld, 'abraDir'>): string {
  const dir = join(world.abraDir, 'recipes', RECIPE);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet', '--initial-branch=main');
  write(dir, { 'compose.yml': COMPOSE_V1, '.env.sample': SAMPLE_V1 });
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'first');
  git(dir, 'tag', '-a', '-m', 'release', '1.0.0+1.0');
  write(dir, { 'compose.yml': COMPOSE_V2, 'compose.smtp.yml': SMTP, '.env.sample': SAMPLE_V2 });
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'second');
  git(dir, 'tag', '-a', '-m', 'release', '1.1.0+1.0');
  write(dir, { '.env.sample': `${SAMPLE_V2}CHAOS_ONLY=1\n` });
  return dir;
}

/** A command that must fail: exit 1, the message, a fix, no stack trace, nothing changed. */
export async function expectFailure(
  world: AppWorld,
  args: string[],
  pattern: RegExp,
  env?: NodeJS.ProcessEnv,
): Promise<CliResult> {
  const before = snapshotWithoutAudit(world.root);
  const secretsBefore = secretNames(world.id);
  const res = await world.run(args, env);
  assert.equal(res.code, 1, `exit code for ${args.join(' ')}\n${res.stdout}${res.stderr}`);
  assert.match(res.stderr, pattern);
  assert.match(res.stderr, /fix: /, 'a user error says how to fix it');
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace for user errors');
  assert.deepEqual(
    snapshotWithoutAudit(world.root),
    before,
    'a failed command changes nothing on disk but the audit log',
  );
  assert.deepEqual(secretNames(world.id), secretsBefore, 'a failed command creates or removes no secret');
  return res;
}

/**
 * Read secret values back the only way swarm allows: a one-off service that mounts them and
 * prints them, separated by NUL bytes.
 */
export function readSecrets(world: Pick<AppWorld, 'id'>, names: string[]): string[] {
  const lab = loadLab();
  const service = `read-${world.id}-${randomBytes(2).toString('hex')}`;
  const script = names.map((n) => `cat /run/secrets/${n}; printf '\\0'`).join('; ');
  docker(
    'service',
    'create',
    '--quiet',
    '--detach',
    '--name',
    service,
    '--no-resolve-image',
    '--restart-condition',
    'none',
    ...names.flatMap((n) => ['--secret', n]),
    lab.images.busybox,
    'sh',
    '-c',
    `${script}; sleep 2`,
  );
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const logs = docker('service', 'logs', '--raw', service);
      const parts = logs.split('\0');
      if (parts.length > names.length) return parts.slice(0, names.length);
      if (Date.now() > deadline) throw new Error(`service ${service} printed no secrets: ${logs}`);
      execSleep(500);
    }
  } finally {
    docker('service', 'rm', service);
  }
}

function execSleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
