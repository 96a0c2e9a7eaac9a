// Quiet failures (issue 15, items 7 and 8): faults a reader meets other than "not found" must be
// named with the path and a fix; skipped Includes, unreadable keys and corrupt audit lines are
// reported; credentials in URLs never reach the terminal; weak generated secrets are flagged.
// Tests run as root, so permission bits stop nothing: the faults here are directories where files
// belong, files where directories belong, symlink loops and dangling links.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import ssh2 from 'ssh2';
import { GOOD } from '../unit/lint-helpers.js';
import { assertCleanError, type HostileCase, hostileTable, type Outcome, type World } from './harness.js';

// --- world builders ---------------------------------------------------------------------------

const APP = 'existing.example.com';

function at(w: World, rel: string): string {
  return join(w.abraDir, rel);
}

function dir(path: string): void {
  mkdirSync(path, { recursive: true });
}

function link(target: string, path: string): void {
  dir(dirname(path));
  symlinkSync(target, path);
}

/** A symlink that points at itself: every open of it is ELOOP. */
function loop(path: string): void {
  link(path, path);
}

function fifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** A committed recipe `demo` (the lint reference recipe), `edits` applied: files, or null to delete. */
function recipe(w: World, edits: Record<string, string | null> = {}, name = 'demo'): string {
  const root = at(w, `recipes/${name}`);
  const files: Record<string, string | null> = { ...GOOD, 'nginx.conf': 'events {}\n', ...edits };
  for (const [rel, text] of Object.entries(files)) {
    if (text === null) continue;
    const p = join(root, rel);
    dir(dirname(p));
    writeFileSync(p, text);
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], {
      cwd: root,
      env: { ...w.env, GIT_CONFIG_NOSYSTEM: '1' },
      stdio: 'ignore',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init');
  return root;
}

const SAMPLE_SECRET_LINE = 'SECRET_DB_PASSWORD_VERSION=v1 # length=32';

function sampleWith(line: string): Record<string, string> {
  const sample = GOOD['.env.sample'] as string;
  assert.ok(sample.includes(SAMPLE_SECRET_LINE));
  return { '.env.sample': sample.replace(SAMPLE_SECRET_LINE, line) };
}

// --- outcome checks ---------------------------------------------------------------------------

function ok(r: Outcome): void {
  assert.equal(r.code, 0, `expected success\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

function noSecret(r: Outcome, secret: string): void {
  assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${secret} was printed:\n${r.stderr}`);
}

/** Lint ran, and A016's findings are exactly these `line: key` pairs. */
function weakFindings(expected: string[]) {
  return (r: Outcome) => {
    const shown = `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
    assert.doesNotMatch(r.stderr, /Error:|abra hit a bug/, shown);
    assert.match(r.stdout, /A016/, shown);
    const found = [
      ...r.stdout.matchAll(/\.env\.sample:(\d+)\D[^\n]*?(SECRET_\w+_VERSION): length=\d+ makes a weak/g),
    ].map((m) => `${m[1]}: ${m[2]}`);
    assert.deepEqual(found, expected, shown);
  };
}

// --- an SSH server that refuses every key, to see what the client says it tried ----------------

let sshPort = 0;
let sshHostKeyLine = '';
let sshServer: ssh2.Server | undefined;

before(async () => {
  // ssh-keygen, not ssh2's generator: ssh2 now and then fails to parse an ed25519 key it made
  // itself ("Malformed OpenSSH private key").
  const keyDir = mkdtempSync(join(tmpdir(), 'abra-quiet-hostkey-'));
  const keyFile = join(keyDir, 'host_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
  const privateKey = readFileSync(keyFile, 'utf8');
  const pub = readFileSync(`${keyFile}.pub`, 'utf8').trim().split(/\s+/);
  rmSync(keyDir, { recursive: true, force: true });
  sshServer = new ssh2.Server({ hostKeys: [privateKey] }, (client) => {
    client.on('authentication', (ctx) => ctx.reject(['publickey']));
    client.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => sshServer!.listen(0, '127.0.0.1', resolve));
  sshPort = (sshServer.address() as AddressInfo).port;
  sshHostKeyLine = `[127.0.0.1]:${sshPort} ${pub[0]} ${pub[1]}\n`;
});

after(() => {
  sshServer?.close();
});

/** A remote server `remote` with app app.remote, reached through ~/.ssh/config (`config` text). */
function remoteWorld(w: World, config: string, opts: { knownHosts?: boolean } = {}): void {
  const ssh = join(w.home, '.ssh');
  dir(ssh);
  writeFileSync(join(ssh, 'config'), config);
  if (opts.knownHosts !== false) writeFileSync(join(ssh, 'known_hosts'), sshHostKeyLine);
  w.write('servers/remote/app.remote.env', 'TYPE=demo\nDOMAIN=app.remote\n', 0o600);
}

/** Host block for the local test sshd (unknown until `before` ran, so built lazily). */
const sshd = (extra = '') => `Host remote\n  HostName 127.0.0.1\n  Port ${sshPort}\n  User abra\n${extra}`;
/** Host block that is refused at once: the case is about the config, not the connection. */
const REFUSED = 'Host remote\n  HostName 127.0.0.1\n  Port 1\n';

function warnsAndRefused(warning: RegExp) {
  return (r: Outcome) => {
    assertCleanError(r, /Connection refused/);
    assert.match(r.stderr, warning);
  };
}

function authFailureTried(tried: RegExp) {
  return (r: Outcome) => {
    assertCleanError(r, /SSH authentication failed/);
    assert.match(r.stderr, tried);
  };
}

const AUDIT_OK = (id: string, app = APP) =>
  `${JSON.stringify({
    id,
    time: `2026-01-0${id}T00:00:00.000Z`,
    operator: 'op@host',
    command: ['app', 'deploy', app],
    app,
    server: 'default',
    result: 'ok',
    durationMs: 1,
  })}\n`;

function unreadableAudit(n: number) {
  return (r: Outcome) => {
    ok(r);
    const what = n === 1 ? '1 audit entry could not be read' : `${n} audit entries could not be read`;
    assert.match(r.stderr, new RegExp(`warning: ${what}`), r.stderr);
  };
}

const TOKEN = 'tok3n';

// --- the cases --------------------------------------------------------------------------------

const cases: HostileCase[] = [
  // Env files and server directories.
  {
    name: 'app ls: an env file that is a symlink loop',
    setup: (w) => loop(at(w, 'servers/default/loop.example.com.env')),
    args: ['app', 'ls', '-o'],
    error:
      /env file cannot be read: too many levels of symbolic links[\s\S]*where: .*loop\.example\.com\.env/,
  },
  {
    name: 'app ls: a server directory that is a symlink loop',
    setup: (w) => loop(at(w, 'servers/looped')),
    args: ['app', 'ls', '-o'],
    error:
      /server directory cannot be read: too many levels of symbolic links, probably a symlink loop \(ELOOP\)[\s\S]*where: .*servers\/looped/,
  },
  {
    name: 'app ls: servers/ itself is a symlink loop',
    setup: (w) => {
      rmSync(at(w, 'servers'), { recursive: true });
      loop(at(w, 'servers'));
    },
    args: ['app', 'ls', '-o'],
    error: /\(ELOOP\)[\s\S]*where: .*\.abra\/servers/,
  },
  {
    name: 'app check: the env file is a symlink loop',
    setup: (w) => loop(at(w, 'servers/default/loop.example.com.env')),
    args: ['app', 'check', 'loop.example.com'],
    error: /\(ELOOP\)/,
  },
  {
    name: 'app check: the recipe .env.sample is a directory',
    setup: (w) => {
      recipe(w);
      w.write('servers/default/d.example.com.env', 'TYPE=demo\nDOMAIN=d.example.com\n', 0o600);
      rmSync(at(w, 'recipes/demo/.env.sample'));
      dir(at(w, 'recipes/demo/.env.sample'));
    },
    args: ['app', 'check', 'd.example.com'],
    error: /\.env\.sample cannot be read: it is a directory, not a file \(EISDIR\)/,
  },
  {
    name: 'app check: the recipe .env.sample is a symlink loop',
    setup: (w) => {
      recipe(w);
      w.write('servers/default/d.example.com.env', 'TYPE=demo\nDOMAIN=d.example.com\n', 0o600);
      rmSync(at(w, 'recipes/demo/.env.sample'));
      loop(at(w, 'recipes/demo/.env.sample'));
    },
    args: ['app', 'check', 'd.example.com'],
    error: /\(ELOOP\)/,
  },
  {
    name: 'app check: the recipe .env.sample is a dangling symlink',
    setup: (w) => {
      recipe(w);
      w.write('servers/default/d.example.com.env', 'TYPE=demo\nDOMAIN=d.example.com\n', 0o600);
      rmSync(at(w, 'recipes/demo/.env.sample'));
      link('/nonexistent/sample', at(w, 'recipes/demo/.env.sample'));
    },
    args: ['app', 'check', 'd.example.com'],
    error: /symbolic link to \/nonexistent\/sample, which does not exist/,
  },
  {
    name: 'app new --chaos: the recipe .env.sample is a directory',
    setup: (w) => {
      recipe(w);
      rmSync(at(w, 'recipes/demo/.env.sample'));
      dir(at(w, 'recipes/demo/.env.sample'));
    },
    args: ['app', 'new', 'demo', '--chaos', '-s', 'default', '-D', 'n.example.com', '-n'],
    error: /it is a directory, not a file \(EISDIR\)/,
  },
  {
    name: 'app new --chaos: the recipe .env.sample is a symlink loop',
    setup: (w) => {
      recipe(w);
      rmSync(at(w, 'recipes/demo/.env.sample'));
      loop(at(w, 'recipes/demo/.env.sample'));
    },
    args: ['app', 'new', 'demo', '--chaos', '-s', 'default', '-D', 'n.example.com', '-n'],
    error: /\(ELOOP\)/,
  },

  // The local audit log.
  {
    name: 'app history -o: audit.log is a directory',
    setup: (w) => dir(at(w, 'audit.log')),
    args: ['app', 'history', '-o', APP],
    error: /local audit log cannot be read: it is a directory/,
  },
  {
    name: 'app history -o: audit.log is a symlink loop',
    setup: (w) => loop(at(w, 'audit.log')),
    args: ['app', 'history', '-o', APP],
    error: /local audit log cannot be read: too many levels of symbolic links/,
  },
  {
    name: 'app history -o: audit.log is a dangling symlink',
    setup: (w) => link(join(w.victim, 'no-such-log'), at(w, 'audit.log')),
    args: ['app', 'history', '-o', APP],
    error: /local audit log is a symbolic link to .*no-such-log, which does not exist/,
  },
  {
    name: 'app history -o: two corrupt lines are counted',
    setup: (w) => void w.write('audit.log', `{"id":"1","app"\nnot json\n${AUDIT_OK('2')}`),
    args: ['app', 'history', '-o', APP],
    expect: (r) => {
      unreadableAudit(2)(r);
      assert.match(r.stderr, /2 in .*audit\.log/);
      assert.match(r.stdout, /app deploy existing\.example\.com/, 'the readable entry is still shown');
    },
  },
  {
    name: 'app history -o: one truncated last line (no newline)',
    setup: (w) => void w.write('audit.log', `${AUDIT_OK('1')}${AUDIT_OK('2').slice(0, 40)}`),
    args: ['app', 'history', '-o', APP],
    expect: unreadableAudit(1),
  },
  {
    name: 'app history -o: binary garbage and NUL bytes',
    setup: (w) => void w.write('audit.log', Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x7b, 0, 10, 0x22, 10])),
    args: ['app', 'history', '-o', APP],
    expect: unreadableAudit(3),
  },
  {
    name: 'app history -o: JSON that is not an entry of this app',
    setup: (w) =>
      void w.write(
        'audit.log',
        `${JSON.stringify({ id: 'x', app: APP, server: 'default' })}\n[1,2]\n"text"\nnull\n`,
      ),
    args: ['app', 'history', '-o', APP],
    expect: unreadableAudit(4),
  },
  {
    name: "app history -o: another app's damaged entry is not this app's problem",
    setup: (w) =>
      void w.write(
        'audit.log',
        `${JSON.stringify({ id: 'x', app: 'other.example.com', server: 'default' })}\n${AUDIT_OK('1', 'other.example.com')}`,
      ),
    args: ['app', 'history', '-o', APP],
    expect: (r) => {
      ok(r);
      assert.doesNotMatch(r.stderr, /could not be read/);
      assert.match(r.stdout, /No recorded operations/);
    },
  },
  {
    name: 'app history -o -m: the count is in the JSON',
    setup: (w) => void w.write('audit.log', `garbage\n${AUDIT_OK('1')}`),
    args: ['app', 'history', '-o', '-m', APP],
    expect: (r) => {
      ok(r);
      const out = JSON.parse(r.stdout) as {
        entries: unknown[];
        unreadable: { local: number; server: number };
      };
      assert.equal(out.entries.length, 1);
      assert.deepEqual(out.unreadable, { local: 1, server: 0 });
    },
  },
  {
    name: 'app history (online, engine down): corrupt local lines still counted',
    setup: (w) => void w.write('audit.log', 'garbage\n'),
    args: ['app', 'history', APP],
    expect: (r) => {
      unreadableAudit(1)(r);
      assert.match(r.stderr, /Could not read the history stored on server default/);
    },
  },

  // The recipe catalogue.
  {
    name: 'recipe ls: catalogue/recipes.json is a directory',
    setup: (w) => dir(at(w, 'catalogue/recipes.json')),
    args: ['recipe', 'ls', '-o'],
    error: /recipe catalogue cannot be read: it is a directory/,
  },
  {
    name: 'recipe ls: catalogue/recipes.json is a symlink loop',
    setup: (w) => loop(at(w, 'catalogue/recipes.json')),
    args: ['recipe', 'ls', '-o'],
    error: /recipe catalogue cannot be read: too many levels/,
  },
  {
    name: 'recipe ls: catalogue/recipes.json is a dangling symlink',
    setup: (w) => link('/nonexistent/recipes.json', at(w, 'catalogue/recipes.json')),
    args: ['recipe', 'ls', '-o'],
    error: /recipe catalogue is a symbolic link to \/nonexistent\/recipes\.json/,
  },
  {
    name: 'recipe ls: catalogue is a file, not a directory',
    setup: (w) => void w.write('catalogue', 'not a directory\n'),
    args: ['recipe', 'ls', '-o'],
    error: /recipe catalogue cannot be read: a part of the path is a file, not a directory \(ENOTDIR\)/,
  },

  // Recipes on disk: lint reads every root file.
  {
    name: 'recipe lint: the recipe directory is a symlink loop',
    setup: (w) => loop(at(w, 'recipes/demo')),
    args: ['recipe', 'lint', 'demo', '-o'],
    error: /recipe directory of demo cannot be read: too many levels/,
  },
  {
    name: 'recipe lint: .env.sample is a directory',
    setup: (w) => {
      recipe(w, { '.env.sample': null });
      dir(at(w, 'recipes/demo/.env.sample'));
    },
    args: ['recipe', 'lint', 'demo', '-o'],
    error: /recipe file cannot be read: it is a directory[\s\S]*where: .*demo\/\.env\.sample/,
  },
  {
    name: 'recipe lint: .env.sample is a symlink loop',
    setup: (w) => {
      recipe(w, { '.env.sample': null });
      loop(at(w, 'recipes/demo/.env.sample'));
    },
    args: ['recipe', 'lint', 'demo', '-o'],
    error: /\(ELOOP\)[\s\S]*where: .*demo\/\.env\.sample/,
  },
  {
    name: 'recipe lint: .env.sample is a dangling symlink',
    setup: (w) => {
      recipe(w, { '.env.sample': null });
      link('../elsewhere/.env.sample', at(w, 'recipes/demo/.env.sample'));
    },
    args: ['recipe', 'lint', 'demo', '-o'],
    error: /symbolic link to \.\.\/elsewhere\/\.env\.sample, which does not exist/,
  },
  {
    name: 'recipe lint: compose.yml is a directory',
    setup: (w) => {
      recipe(w, { 'compose.yml': null });
      dir(at(w, 'recipes/demo/compose.yml'));
    },
    args: ['recipe', 'lint', 'demo', '-o'],
    error: /it is a directory[\s\S]*where: .*demo\/compose\.yml/,
  },
  {
    name: 'recipe lint: compose.yml is a FIFO (no hang)',
    setup: (w) => {
      recipe(w, { 'compose.yml': null });
      fifo(at(w, 'recipes/demo/compose.yml'));
    },
    args: ['recipe', 'lint', 'demo', '-o'],
    error: /not a regular file/,
  },
  {
    name: 'recipe lint: abra.sh is a directory',
    setup: (w) => {
      recipe(w, { 'abra.sh': null });
      dir(at(w, 'recipes/demo/abra.sh'));
    },
    args: ['recipe', 'lint', 'demo', '-o'],
    error: /it is a directory[\s\S]*where: .*demo\/abra\.sh/,
  },
  {
    name: 'recipe lint: README.md is a symlink loop',
    setup: (w) => {
      recipe(w, { 'README.md': null });
      loop(at(w, 'recipes/demo/README.md'));
    },
    args: ['recipe', 'lint', 'demo', '-o'],
    error: /\(ELOOP\)[\s\S]*where: .*demo\/README\.md/,
  },
  {
    name: 'recipe lint: an overlay named by COMPOSE_FILE sits under a file',
    setup: (w) => {
      const sample = `${GOOD['.env.sample']}COMPOSE_FILE="compose.yml:extra/compose.x.yml"\n`;
      recipe(w, { '.env.sample': sample, extra: 'a file where a directory is expected\n' });
    },
    args: ['recipe', 'lint', 'demo', '-o'],
    error: /\(ENOTDIR\)[\s\S]*where: .*extra\/compose\.x\.yml/,
  },

  // Recipes on disk: compose loading.
  {
    name: 'recipe compose: abra.sh is a directory',
    setup: (w) => {
      recipe(w, { 'abra.sh': null });
      dir(at(w, 'recipes/demo/abra.sh'));
    },
    args: ['recipe', 'compose', 'demo'],
    error: /recipe file cannot be read: it is a directory[\s\S]*where: .*demo\/abra\.sh/,
  },
  {
    name: 'recipe compose: abra.sh is a symlink loop',
    setup: (w) => {
      recipe(w, { 'abra.sh': null });
      loop(at(w, 'recipes/demo/abra.sh'));
    },
    args: ['recipe', 'compose', 'demo'],
    error: /\(ELOOP\)[\s\S]*where: .*demo\/abra\.sh/,
  },
  {
    name: 'recipe compose: abra.sh is a dangling symlink',
    setup: (w) => {
      recipe(w, { 'abra.sh': null });
      link('/nonexistent/abra.sh', at(w, 'recipes/demo/abra.sh'));
    },
    args: ['recipe', 'compose', 'demo'],
    error: /symbolic link to \/nonexistent\/abra\.sh/,
  },
  {
    name: 'recipe compose: compose.yml is a directory',
    setup: (w) => {
      recipe(w, { 'compose.yml': null });
      dir(at(w, 'recipes/demo/compose.yml'));
    },
    args: ['recipe', 'compose', 'demo'],
    error: /it is a directory[\s\S]*where: .*demo\/compose\.yml/,
  },
  {
    name: 'recipe compose: .env.sample is a directory',
    setup: (w) => {
      recipe(w, { '.env.sample': null });
      dir(at(w, 'recipes/demo/.env.sample'));
    },
    args: ['recipe', 'compose', 'demo'],
    error: /env file cannot be read: it is a directory/,
  },
  {
    name: 'recipe compose: the recipe directory is a symlink loop',
    setup: (w) => loop(at(w, 'recipes/demo')),
    args: ['recipe', 'compose', 'demo'],
    error: /recipe directory cannot be read: too many levels/,
  },
  {
    name: 'recipe compose: COMPOSE_FILE overlay under a file',
    setup: (w) => {
      recipe(w, { extra: 'a file\n' });
      writeFileSync(
        join(w.home, 'app.env'),
        'TYPE=demo\nDOMAIN=c.example.com\nCOMPOSE_FILE=compose.yml:extra/x.yml\n',
      );
    },
    args: (w) => ['recipe', 'compose', 'demo', '-e', join(w.home, 'app.env')],
    error: /\(ENOTDIR\)[\s\S]*where: .*extra\/x\.yml/,
  },
  {
    name: 'recipe fetch: a local source path that is a symlink loop',
    setup: (w) => loop(join(w.home, 'src-loop')),
    args: (w) => ['recipe', 'fetch', join(w.home, 'src-loop')],
    error: /recipe source directory cannot be read: too many levels/,
  },

  // Weak generated secrets (lint A016).
  {
    name: 'lint A016: length=8 on the secret version line',
    setup: (w) => void recipe(w, sampleWith('SECRET_DB_PASSWORD_VERSION=v1 # length=8')),
    args: ['recipe', 'lint', 'demo', '-o'],
    expect: weakFindings(['8: SECRET_DB_PASSWORD_VERSION']),
  },
  {
    name: 'lint A016: length=11, one below the bound',
    setup: (w) =>
      void recipe(w, sampleWith('SECRET_DB_PASSWORD_VERSION=v1 # length=11 charset=default,special')),
    args: ['recipe', 'lint', 'demo', '-o'],
    expect: weakFindings(['8: SECRET_DB_PASSWORD_VERSION']),
  },
  {
    name: 'lint A016: length=4, below what can be generated at all',
    setup: (w) => void recipe(w, sampleWith('SECRET_DB_PASSWORD_VERSION=v1 # length=4')),
    args: ['recipe', 'lint', 'demo', '-o'],
    expect: weakFindings(['8: SECRET_DB_PASSWORD_VERSION']),
  },
  {
    name: 'lint A016: a weak commented-out (optional) secret line',
    setup: (w) =>
      void recipe(w, sampleWith(`${SAMPLE_SECRET_LINE}\n#SECRET_SMTP_PASSWORD_VERSION=v1 # length=6`)),
    args: ['recipe', 'lint', 'demo', '-o'],
    expect: weakFindings(['9: SECRET_SMTP_PASSWORD_VERSION']),
  },
  {
    name: 'lint A016: two weak lines, both named with their lines',
    setup: (w) =>
      void recipe(
        w,
        sampleWith(
          'SECRET_DB_PASSWORD_VERSION=v1 # length=10\nSECRET_API_KEY_VERSION=v1 # length=9 charset=hex',
        ),
      ),
    args: ['recipe', 'lint', 'demo', '-o'],
    expect: weakFindings(['8: SECRET_DB_PASSWORD_VERSION', '9: SECRET_API_KEY_VERSION']),
  },
  ...(
    [
      ['length=12 is enough', 'SECRET_DB_PASSWORD_VERSION=v1 # length=12'],
      ['a passphrase (no length)', 'SECRET_DB_PASSWORD_VERSION=v1'],
      ['generate=false is inserted by hand', 'SECRET_DB_PASSWORD_VERSION=v1 # length=6 generate=false'],
      ['a short length on a non-secret key', `${SAMPLE_SECRET_LINE}\nPIN_LENGTH=4 # length=4`],
    ] as const
  ).map(
    ([what, line]): HostileCase => ({
      name: `lint A016 satisfied: ${what}`,
      setup: (w) => void recipe(w, sampleWith(line)),
      args: ['recipe', 'lint', 'demo', '-o'],
      expect: (r) => {
        assert.doesNotMatch(r.stderr, /Error:|abra hit a bug/, r.stderr);
        assert.doesNotMatch(r.stdout, /makes a weak password/, r.stdout);
        assert.match(r.stdout, /A016/, 'the rule ran');
      },
    }),
  ),

  // Credentials in URLs.
  ...(
    [
      ['user:token', `https://user:${TOKEN}@127.0.0.1:1/x.git`],
      ['a bare token as user', `https://${TOKEN}@127.0.0.1:1/x.git`],
      ['an @ inside the password', `https://user:${TOKEN}@pw@127.0.0.1:1/x.git`],
      ['a token and no repository name', `https://user:${TOKEN}@127.0.0.1:1/`],
    ] as const
  ).flatMap(([what, url]): HostileCase[] =>
    [[], ['--debug']].map((flags) => ({
      name: `recipe fetch ${what}${flags.length ? ' --debug' : ''}: the token is never printed`,
      args: ['recipe', 'fetch', ...flags, url],
      expect: (r: Outcome) => {
        assertCleanError(r);
        noSecret(r, TOKEN);
        if (flags.length) assert.match(r.stderr, /debug \[/, 'debug output was on');
      },
    })),
  ),
  {
    name: 'recipe fetch --all with a credentialed catalogue URL: the token is never printed',
    setup: (w) =>
      void w.write(
        'catalogue/recipes.json',
        JSON.stringify({
          cred: { name: 'cred', repository: `https://bot:${TOKEN}@127.0.0.1:1/cred.git`, versions: {} },
        }),
      ),
    args: ['recipe', 'fetch', '--all', '--debug'],
    expect: (r) => noSecret(r, TOKEN),
  },

  // ~/.ssh/config Include, known_hosts and identities.
  {
    name: 'ssh: Include of a glob under a file warns',
    setup: (w) => {
      remoteWorld(w, `Include notadir/*\n${REFUSED}`);
      writeFileSync(join(w.home, '.ssh', 'notadir'), 'a file\n');
    },
    args: ['app', 'ps', 'app.remote'],
    expect: warnsAndRefused(/warning: .*\.ssh\/config: Include notadir\/\* was skipped: .*\(ENOTDIR\)/),
  },
  {
    name: 'ssh: Include of a glob in a symlink-loop directory warns',
    setup: (w) => {
      remoteWorld(w, `Include looped/*.conf\n${REFUSED}`);
      loop(join(w.home, '.ssh', 'looped'));
    },
    args: ['app', 'ps', 'app.remote'],
    expect: warnsAndRefused(/warning: .*Include looped\/\*\.conf was skipped: .*\(ELOOP\)/),
  },
  {
    name: 'ssh: Include with a wildcard directory warns',
    setup: (w) => remoteWorld(w, `Include conf.d/*/host\n${REFUSED}`),
    args: ['app', 'ps', 'app.remote'],
    expect: warnsAndRefused(/warning: .*Include conf\.d\/\*\/host was skipped: .*not in directories/),
  },
  {
    name: 'ssh: Include with a malformed pattern warns',
    setup: (w) => remoteWorld(w, `Include [z-a]*\nInclude [unclosed*\n${REFUSED}`),
    args: ['app', 'ps', 'app.remote'],
    expect: (r) => {
      warnsAndRefused(/Include \[z-a\]\* was skipped: the pattern is malformed/)(r);
      assert.match(r.stderr, /Include \[unclosed\* was skipped: the pattern is malformed/);
    },
  },
  {
    name: 'ssh: an Include that matches nothing is silent, as in OpenSSH',
    setup: (w) => remoteWorld(w, `Include none.d/*\n${REFUSED}`),
    args: ['app', 'ps', 'app.remote'],
    expect: (r) => {
      assertCleanError(r, /Connection refused/);
      assert.doesNotMatch(r.stderr, /warning:/);
    },
  },
  {
    name: 'ssh: ~/.ssh/config is a directory',
    setup: (w) => {
      remoteWorld(w, REFUSED);
      rmSync(join(w.home, '.ssh', 'config'));
      dir(join(w.home, '.ssh', 'config'));
    },
    args: ['app', 'ps', 'app.remote'],
    error: /SSH client config cannot be read: it is a directory/,
  },
  {
    name: 'ssh: ~/.ssh/config is a symlink loop',
    setup: (w) => {
      remoteWorld(w, REFUSED);
      rmSync(join(w.home, '.ssh', 'config'));
      loop(join(w.home, '.ssh', 'config'));
    },
    args: ['app', 'ps', 'app.remote'],
    error: /SSH client config cannot be read: too many levels/,
  },
  {
    name: 'ssh: an included file that is a directory',
    setup: (w) => {
      remoteWorld(w, `Include inc.conf\n${REFUSED}`);
      dir(join(w.home, '.ssh', 'inc.conf'));
    },
    args: ['app', 'ps', 'app.remote'],
    error: /SSH client config cannot be read: it is a directory[\s\S]*where: .*inc\.conf/,
  },
  {
    name: 'ssh: known_hosts is a directory',
    setup: (w) => {
      remoteWorld(w, REFUSED, { knownHosts: false });
      dir(join(w.home, '.ssh', 'known_hosts'));
    },
    args: ['app', 'ps', 'app.remote'],
    error: /known_hosts file cannot be read: it is a directory/,
  },
  {
    name: 'ssh: an identity that is a directory is listed in Tried: with why',
    setup: (w) => {
      remoteWorld(w, sshd('  IdentityFile ~/.ssh/id_dir\n'));
      dir(join(w.home, '.ssh', 'id_dir'));
    },
    args: ['app', 'ps', 'app.remote'],
    expect: authFailureTried(
      /Tried: .*\.ssh\/id_dir \(cannot be read: it is a directory, not a file \(EISDIR\)\)/,
    ),
  },
  {
    name: 'ssh: an identity that is a symlink loop is listed in Tried:',
    setup: (w) => {
      remoteWorld(w, sshd('  IdentityFile ~/.ssh/id_loop\n'));
      loop(join(w.home, '.ssh', 'id_loop'));
    },
    args: ['app', 'ps', 'app.remote'],
    expect: authFailureTried(/Tried: .*\.ssh\/id_loop \(cannot be read: too many levels of symbolic links/),
  },
  {
    name: 'ssh: an identity that is a dangling symlink is listed in Tried:',
    setup: (w) => {
      remoteWorld(w, sshd('  IdentityFile ~/.ssh/id_gone\n'));
      link('/nonexistent/key', join(w.home, '.ssh', 'id_gone'));
    },
    args: ['app', 'ps', 'app.remote'],
    expect: authFailureTried(/Tried: .*\.ssh\/id_gone \(is a symbolic link to \/nonexistent\/key/),
  },
  {
    name: 'ssh: a configured identity that does not exist is listed in Tried:',
    setup: (w) => remoteWorld(w, sshd('  IdentityFile ~/.ssh/id_missing\n')),
    args: ['app', 'ps', 'app.remote'],
    expect: authFailureTried(/Tried: .*\.ssh\/id_missing \(does not exist\)/),
  },
  {
    name: 'ssh: a default identity that is a directory is listed too',
    setup: (w) => {
      remoteWorld(w, sshd());
      dir(join(w.home, '.ssh', 'id_ed25519'));
    },
    args: ['app', 'ps', 'app.remote'],
    expect: authFailureTried(/Tried: .*\.ssh\/id_ed25519 \(cannot be read: it is a directory/),
  },
];

hostileTable('quiet failures', cases);
