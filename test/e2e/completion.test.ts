import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { liveCompletionSpec } from '../../src/cli/complete/live-spec.js';
import { abra } from '../helpers/cli.js';
import { startTty } from '../helpers/tty.js';

// The scripts `abra autocomplete <shell>` prints, loaded into real bash (with and without the
// bash-completion package), zsh (driven through a pseudo-terminal with zpty, completing on a
// real Tab) and fish (`complete -C`), each calling the built abra found on PATH as a user's
// shell would. Every world is a throwaway HOME and ABRA_DIR.

const BIN = new URL('../../bin/abra.js', import.meta.url).pathname;
const DIST_SPEC = new URL('../../dist/complete-spec.json', import.meta.url).pathname;
const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';

let root: string;
let binDir: string;
let abraDir: string;
let work: string;
const scripts: Record<'bash' | 'zsh' | 'fish', string> = { bash: '', zsh: '', fish: '' };
let zshFpath: string;
const ZSH_DRIVER = new URL('../fixtures/completion/drive.zsh', import.meta.url).pathname;

const APPS = ['blog.example.com', 'wiki.example.org'];
const SERVERS = ['alpha', 'beta'];
const RECIPES = ['hello', 'wiki'];
const VERSIONS = ['1.0.0+1.25', '1.1.0+1.26'];
const SERVICES = ['app', 'db', 'worker'];
const SECRETS = ['admin_password', 'db_password'];
const COMMANDS = ['app', 'autocomplete', 'catalogue', 'help', 'recipe', 'server', 'version', 'web'];

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], {
    cwd,
    stdio: 'pipe',
  });

function envFor(dir: string): NodeJS.ProcessEnv {
  const home = join(root, 'home');
  return {
    PATH: `${binDir}:/usr/bin:/bin`,
    HOME: home,
    ABRA_DIR: dir,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'abra-completion-'));
  binDir = join(root, 'bin');
  abraDir = join(root, 'abra');
  work = join(root, 'work');
  mkdirSync(binDir);
  mkdirSync(join(root, 'home'));
  mkdirSync(work);
  writeFileSync(join(work, 'local-file.txt'), 'x\n');
  // `abra` on PATH, as installed: the shells call it by the name typed.
  writeFileSync(join(binDir, 'abra'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(binDir, 'abra'), 0o755);

  const servers = join(abraDir, 'servers');
  mkdirSync(join(servers, 'alpha'), { recursive: true });
  mkdirSync(join(servers, 'beta'), { recursive: true });
  writeFileSync(
    join(servers, 'alpha', 'blog.example.com.env'),
    'TYPE=hello:1.0.0+1.25\nCOMPOSE_FILE=compose.yml:compose.worker.yml\n',
  );
  writeFileSync(join(servers, 'beta', 'wiki.example.org.env'), 'RECIPE=wiki\n');
  // someone else's file name, with an escape sequence that would recolour the terminal
  writeFileSync(join(servers, 'beta', 'evil\u001b[31mred.example.com.env'), 'RECIPE=wiki\n');
  const hello = join(abraDir, 'recipes', 'hello');
  mkdirSync(hello, { recursive: true });
  git(hello, 'init', '-q');
  writeFileSync(
    join(hello, 'compose.yml'),
    'version: "3.8"\nservices:\n  app:\n    image: nginx\n  db:\n    image: postgres\nsecrets:\n  db_password:\n    external: true\n  admin_password:\n    external: true\n',
  );
  writeFileSync(
    join(hello, 'compose.worker.yml'),
    'version: "3.8"\nservices:\n  worker:\n    image: busybox\n',
  );
  writeFileSync(join(hello, 'abra.sh'), 'export APP_VERSION=1\nmigrate() {\n  echo migrating\n}\n');
  git(hello, 'add', '.');
  git(hello, 'commit', '-qm', 'first');
  for (const v of VERSIONS) git(hello, 'tag', '-a', '-m', v, v);
  mkdirSync(join(abraDir, 'recipes', 'wiki'));

  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    const res = await abra(['autocomplete', shell], envFor(abraDir));
    assert.equal(res.code, 0, res.stderr);
    scripts[shell] = join(root, `abra.${shell}`);
    writeFileSync(scripts[shell], res.stdout);
  }
  zshFpath = join(root, 'zfunc');
  mkdirSync(zshFpath);
  writeFileSync(join(zshFpath, '_abra'), readFileSync(scripts.zsh));
});
after(() => rmSync(root, { recursive: true, force: true }));

interface Result {
  values: string[];
  /** What the shell printed besides the candidates (errors). */
  noise: string;
}

/** bash: the function `complete -p abra` names, called as readline would, COMPREPLY printed. */
function bash(words: string[], dir = abraDir, withBashCompletion = true): Result {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const line = words.join(' ').replace(/ =( |$)/g, '=');
  const code = [
    withBashCompletion ? `source ${BASH_COMPLETION}` : 'true',
    `source ${q(scripts.bash)}`,
    'spec=$(complete -p abra) || exit 9',
    'fn=${spec##*-F }; fn=${fn%% *}',
    `COMP_WORDS=(${words.map(q).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    `COMP_LINE=${q(line)}`,
    'COMP_POINT=${#COMP_LINE}',
    'COMPREPLY=()',
    '"$fn" abra "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const res = spawnSync('bash', ['--norc', '--noprofile', '-c', code], {
    cwd: work,
    env: envFor(dir),
    encoding: 'utf8',
  });
  assert.equal(res.status, 0, res.stderr);
  return { values: res.stdout.split('\n').filter(Boolean), noise: res.stderr };
}

/** zsh: an interactive zsh on a pty (zpty), the line typed, then a real Tab; compadd reports. */
function zsh(line: string, dir = abraDir, how: 'fpath' | 'source' = 'fpath'): Result {
  const setup =
    how === 'fpath'
      ? `fpath=(${zshFpath} $fpath); autoload -U compinit; compinit -u -D`
      : 'autoload -U compinit; compinit -u -D; source <(abra autocomplete zsh)';
  const res = spawnSync('zsh', ['-f', ZSH_DRIVER, setup, line], {
    cwd: work,
    env: envFor(dir),
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(res.status, 0, `${res.stderr}\n${res.stdout}`);
  const lines = res.stdout.split('\n').filter(Boolean);
  assert.ok(lines.includes('END'), `the completion did not finish: ${res.stdout}`);
  const values = lines.filter((l) => l.startsWith('CANDIDATE:')).map((l) => l.slice('CANDIDATE:'.length));
  const noise = lines.filter((l) => !l.startsWith('CANDIDATE:') && l !== 'END').join('\n');
  return { values, noise: noise + res.stderr };
}

/** fish: `complete -C` on the line, with the script sourced; descriptions after a tab. */
function fish(line: string, dir = abraDir): Result {
  const res = spawnSync(
    'fish',
    ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', scripts.fish, line],
    {
      cwd: work,
      env: envFor(dir),
      encoding: 'utf8',
    },
  );
  assert.equal(res.status, 0, res.stderr);
  return {
    values: res.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0] ?? ''),
    noise: res.stderr,
  };
}

const sorted = (xs: string[]) => [...new Set(xs)].sort();
const split = (line: string) => line.split(' ');

const SHELLS = {
  bash: (line: string, dir?: string) => bash(split(line), dir),
  'bash without bash-completion': (line: string, dir?: string) => bash(split(line), dir, false),
  zsh: (line: string, dir?: string) => zsh(line, dir),
  fish: (line: string, dir?: string) => fish(line, dir),
};

const CASES: [string, string, string[]][] = [
  ['commands', 'abra ', COMMANDS],
  ['a noun by prefix', 'abra ap', ['app']],
  ['verbs of a noun, by alias', 'abra a dep', ['deploy']],
  ['group verbs', 'abra app secret ', ['generate', 'insert', 'ls', 'rm']],
  ['a flag of the command', 'abra app deploy --ch', ['--chaos']],
  ['apps', 'abra app deploy ', APPS],
  ['apps by prefix', 'abra app ps wi', ['wiki.example.org']],
  ['recipes', 'abra app new ', RECIPES],
  ['servers', 'abra server rm ', SERVERS],
  ["a flag's value", 'abra app new hello -s ', SERVERS],
  ["an app's versions", 'abra app deploy blog.example.com ', VERSIONS],
  ["a recipe's versions", 'abra app new hello 1.1', ['1.1.0+1.26']],
  ["an app's services", 'abra app logs blog.example.com ', SERVICES],
  ["an app's secrets", 'abra a sc g blog.example.com ', SECRETS],
  ['shells', 'abra autocomplete ', ['bash', 'fish', 'zsh']],
  [
    "app cmd: the app's services and abra.sh functions",
    'abra app cmd blog.example.com ',
    [...SERVICES, 'migrate'],
  ],
];

describe('completion in real shells', () => {
  for (const [shell, run] of Object.entries(SHELLS))
    describe(shell, () => {
      for (const [what, line, want] of CASES)
        it(`${what}: "${line}"`, () => {
          const got = run(line);
          assert.deepEqual(sorted(got.values), sorted(want));
          assert.equal(got.noise, '');
        });

      it('flags: the command’s and the global ones', () => {
        const got = run('abra app deploy --').values;
        for (const f of ['--chaos', '--machine', '--debug', '--no-input', '--help'])
          assert.ok(got.includes(f), `${f} in ${got.join(' ')}`);
        assert.ok(!got.includes('--all'));
      });

      it('file arguments complete file names', () => {
        assert.deepEqual(run('abra app cp blog.example.com local-').values, ['local-file.txt']);
      });

      it('no ~/.abra: commands still complete, names are empty, nothing is printed but candidates', () => {
        const none = join(root, 'no-such-abra-dir');
        const cmds = run('abra ', none);
        assert.deepEqual(sorted(cmds.values), COMMANDS);
        assert.equal(cmds.noise, '');
        const apps = run('abra app deploy ', none);
        assert.deepEqual(apps.values, []);
        assert.equal(apps.noise, '');
      });

      it('a file name with an escape sequence never reaches the terminal', () => {
        const got = run('abra app deploy ');
        assert.ok(!got.values.some((v) => v.includes('\u001b') || v.includes('red')), got.values.join(' '));
      });
    });

  it('bash: `--server=a` arrives split at `=` and still completes the value', () => {
    assert.deepEqual(bash(['abra', 'app', 'ls', '--server', '=', 'a']).values, ['alpha']);
    assert.deepEqual(bash(['abra', 'app', 'ls', '--server', '=']).values, SERVERS);
  });

  it('zsh and fish: `--server=a` completes as one word', () => {
    assert.deepEqual(zsh('abra app ls --server=a').values, ['--server=alpha']);
    assert.deepEqual(fish('abra app ls --server=a').values, ['--server=alpha']);
  });

  it('zsh: `source <(abra autocomplete zsh)` after compinit works as well', () => {
    const got = zsh('abra app secret ', abraDir, 'source');
    assert.deepEqual(sorted(got.values), ['generate', 'insert', 'ls', 'rm']);
    assert.equal(got.noise, '');
  });

  it('fish shows the descriptions: of commands, and the server of each app', () => {
    const res = spawnSync(
      'fish',
      ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', scripts.fish, 'abra app dep'],
      { env: envFor(abraDir), encoding: 'utf8' },
    );
    assert.equal(res.stdout, 'deploy\tDeploy an app: plan, apply, watch it converge, roll back on failure\n');
    assert.equal(fish('abra app ps wi').values.length, 1);
    const apps = spawnSync(
      'fish',
      ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', scripts.fish, 'abra app ps '],
      { env: envFor(abraDir), encoding: 'utf8' },
    );
    assert.equal(apps.stdout, 'blog.example.com\ton alpha\nwiki.example.org\ton beta\n');
  });

  it('bash on a terminal: Tab through readline completes a verb, an app and a `--server=` value', async () => {
    const t = startTty(['--norc', '--noprofile', '-i'], {
      env: { ...envFor(abraDir), PS1: 'READY$ ' },
      program: ['bash'],
      columns: 120,
    });
    try {
      await t.waitFor(/READY\$/);
      t.type(`source ${BASH_COMPLETION}; source <(abra autocomplete bash); clear`);
      t.keys('Enter');
      await t.waitFor(/^READY\$$/);
      t.type('abra app dep');
      t.keys('Tab');
      await t.waitFor(/READY\$ abra app deploy$/);
      t.type('bl');
      t.keys('Tab');
      await t.waitFor(/READY\$ abra app deploy blog\.example\.com$/);
      t.keys('C-u');
      t.type('abra app ls --server=a');
      t.keys('Tab');
      await t.waitFor(/READY\$ abra app ls --server=alpha$/);
    } finally {
      t.close();
    }
  });

  it('autocomplete refuses an unknown shell', async () => {
    const res = await abra(['autocomplete', 'tcsh'], envFor(abraDir));
    assert.equal(res.code, 1);
    assert.match(res.stderr, /bash, zsh, fish/);
    assert.equal(res.stdout, '');
  });

  it('the build’s completion tree is the real commands’ tree', async () => {
    const built: unknown = JSON.parse(readFileSync(DIST_SPEC, 'utf8'));
    assert.deepEqual(
      built,
      await liveCompletionSpec(),
      'dist/ is stale or the build generates another tree: npm run build',
    );
  });
});
