import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  type Completion,
  type CompletionSource,
  complete,
  renderCompletion,
} from '../../src/cli/complete/candidates.js';
import { liveCompletionSpec } from '../../src/cli/complete/live-spec.js';
import type { CommandSpec } from '../../src/cli/complete/spec.js';

// The completion engine is pure given the command tree and a source of names: golden cases on a
// small hand-written tree for each rule, then on the real commands' tree.

const leaf = (name: string, more: Partial<CommandSpec> = {}): CommandSpec => ({
  name,
  aliases: [],
  description: `${name} it`,
  flags: [],
  args: [],
  commands: [],
  ...more,
});

const TREE: CommandSpec = leaf('abra', {
  flags: [
    { short: '-d', long: '--debug', description: 'show debug messages' },
    { short: '-n', long: '--no-input', description: 'never prompt' },
  ],
  commands: [
    leaf('app', {
      aliases: ['a'],
      commands: [
        leaf('deploy', {
          aliases: ['d'],
          args: [
            { name: 'app', kind: 'app', variadic: false },
            { name: 'version', kind: 'version', variadic: false },
          ],
          flags: [
            { short: '-C', long: '--chaos', description: 'working tree' },
            { short: '-s', long: '--server', description: 'a server', value: 'server' },
          ],
        }),
        leaf('new', {
          args: [
            { name: 'recipe', kind: 'recipe', variadic: false },
            { name: 'version', kind: 'version', variadic: false },
          ],
        }),
        leaf('logs', {
          args: [
            { name: 'app', kind: 'app', variadic: false },
            { name: 'service', kind: 'service', variadic: false },
          ],
          flags: [{ long: '--since', description: 'since', value: 'none' }],
        }),
        leaf('cp', {
          args: [
            { name: 'app', kind: 'app', variadic: false },
            { name: 'src', kind: 'file', variadic: false },
            { name: 'dst', kind: 'file', variadic: false },
          ],
        }),
        leaf('run', {
          args: [
            { name: 'app', kind: 'app', variadic: false },
            { name: 'service', kind: 'service', variadic: false },
            { name: 'cmd', kind: 'none', variadic: true },
          ],
        }),
        leaf('secret', {
          aliases: ['sc'],
          commands: [
            leaf('generate', {
              aliases: ['g'],
              args: [
                { name: 'app', kind: 'app', variadic: false },
                { name: 'secret', kind: 'secret', variadic: false },
              ],
            }),
            leaf('ls', { aliases: ['list'], args: [{ name: 'app', kind: 'app', variadic: false }] }),
          ],
        }),
      ],
    }),
    leaf('autocomplete', {
      args: [{ name: 'shell', kind: 'none', variadic: false, choices: ['bash', 'zsh', 'fish'] }],
    }),
    leaf('help', { args: [{ name: 'words', kind: 'none', variadic: true }] }),
  ],
});

const SOURCE: CompletionSource = {
  servers: () => ['beta', 'alpha'],
  apps: () => [
    { value: 'wiki.example.org', description: 'on beta' },
    { value: 'blog.example.com', description: 'on alpha' },
    { value: 'blog.example.com', description: 'on beta' },
  ],
  recipes: () => ['wordpress', 'hello', 'wordpress'],
  recipeOf: (app) => (app === 'blog.example.com' ? 'wordpress' : undefined),
  versions: (recipe) =>
    recipe === 'wordpress' ? ['2.0.0+6.5', '1.0.0+6.4'] : recipe === 'hello' ? ['0.1.0+1'] : [],
  services: (app) => (app === 'blog.example.com' ? ['app', 'db'] : []),
  secrets: (app) => (app === 'blog.example.com' ? ['db_password', 'admin_password'] : []),
  functions: (app) => (app === 'blog.example.com' ? ['migrate', 'app_reset'] : []),
};

const values = (c: Completion) => c.candidates.map((x) => x.value);
const at = (line: string, tree = TREE) => complete(tree, line.split(' '), SOURCE);

describe('completion candidates (golden, hand-written tree)', () => {
  const cases: [string, string[]][] = [
    ['', ['app', 'autocomplete', 'help']],
    ['app ', ['deploy', 'new', 'logs', 'cp', 'run', 'secret']],
    ['app s', ['secret']],
    // aliases lead the way but are not offered
    ['a d ', ['blog.example.com', 'wiki.example.org']],
    ['app secret ', ['generate', 'ls']],
    // aliases only where no name fits
    ['app sc', ['sc']],
    ['app secret li', ['list']],
    ['app secret l', ['ls']],
    ['a', ['app', 'autocomplete']],
    ['a sc g blog.example.com ', ['admin_password', 'db_password']],
    ['app secret ls ', ['blog.example.com', 'wiki.example.org']],
    ['app deploy b', ['blog.example.com']],
    // the version of the app's recipe, from its env file
    ['app deploy blog.example.com ', ['1.0.0+6.4', '2.0.0+6.5']],
    ['app deploy wiki.example.org ', []],
    ['app deploy blog.example.com 2.0.0+6.5 ', []],
    // the version of the recipe named before it
    ['app new ', ['hello', 'wordpress']],
    ['app new hello ', ['0.1.0+1']],
    ['app logs blog.example.com ', ['app', 'db']],
    ['app logs blog.example.com d', ['db']],
    ['app run blog.example.com app ', []],
    // flags: the command's, then the global ones, then help
    [
      'app deploy -',
      ['--server', '-s', '--chaos', '-C', '--no-input', '-n', '--debug', '-d', '--help', '-h'],
    ],
    ['app deploy --', ['--server', '--chaos', '--no-input', '--debug', '--help']],
    ['app deploy --c', ['--chaos']],
    ['-', ['--no-input', '-n', '--debug', '-d', '--help', '-h']],
    // global flags before the noun, and flags between arguments, do not count as arguments
    ['-n app ', ['deploy', 'new', 'logs', 'cp', 'run', 'secret']],
    ['app deploy -C blog.example.com ', ['1.0.0+6.4', '2.0.0+6.5']],
    // a flag's value
    ['app deploy --server ', ['alpha', 'beta']],
    ['app deploy -s a', ['alpha']],
    ['app deploy --server alpha ', ['blog.example.com', 'wiki.example.org']],
    ['app deploy --server=a', ['--server=alpha']],
    ['app deploy --chaos=', []],
    // bash splits `--server=a` at the `=` (COMP_WORDBREAKS)
    ['app deploy --server = a', ['alpha']],
    ['app deploy --server =', ['alpha', 'beta']],
    ['app logs blog.example.com --since ', []],
    ['app logs --since 10m blog.example.com ', ['app', 'db']],
    ['autocomplete ', ['bash', 'fish', 'zsh']],
    ['autocomplete z', ['zsh']],
    // help names commands, and topics after `help`
    ['help a', ['app', 'autocomplete']],
    ['help app s', ['secret']],
    ['help app secret ', ['generate', 'ls']],
    ['help nope ', []],
    // nothing known
    ['nope ', []],
    ['app nope ', []],
    ['app secret ls blog.example.com ', []],
  ];
  for (const [line, want] of cases)
    it(`abra ${line}|`, () => {
      const got = at(line);
      assert.deepEqual(values(got), want);
      assert.equal(got.files, false);
    });

  it('help also offers the help topics, with their summaries', () => {
    const got = at('help ');
    assert.ok(values(got).includes('app'));
    assert.ok(values(got).includes('secrets'));
    assert.ok(got.candidates.find((c) => c.value === 'secrets')?.description);
  });

  it('file arguments and words after -- are left to the shell', () => {
    assert.deepEqual(at('app cp blog.example.com '), { candidates: [], files: true });
    assert.deepEqual(at('app cp blog.example.com app:/x '), { candidates: [], files: true });
    assert.deepEqual(at('app run blog.example.com app -- '), { candidates: [], files: true });
  });

  it('subcommands, flags and apps carry their descriptions', () => {
    assert.deepEqual(at('app d').candidates, [{ value: 'deploy', description: 'deploy it' }]);
    assert.deepEqual(at('app deploy ').candidates, [
      { value: 'blog.example.com', description: 'on alpha' },
      { value: 'wiki.example.org', description: 'on beta' },
    ]);
    assert.deepEqual(at('app deploy --ch').candidates, [{ value: '--chaos', description: 'working tree' }]);
  });

  it('a source with nothing in it (no ~/.abra) gives commands and no names', () => {
    const empty: CompletionSource = {
      servers: () => [],
      apps: () => [],
      recipes: () => [],
      recipeOf: () => undefined,
      versions: () => [],
      services: () => [],
      secrets: () => [],
      functions: () => [],
    };
    assert.deepEqual(values(complete(TREE, ['app', 'deploy', ''], empty)), []);
    assert.deepEqual(values(complete(TREE, ['app', 'deploy', 'x', ''], empty)), []);
    assert.deepEqual(values(complete(TREE, [''], empty)), ['app', 'autocomplete', 'help']);
  });
});

describe('completion output', () => {
  it('one value<TAB>description a line, then the directive', () => {
    assert.equal(
      renderCompletion({
        candidates: [{ value: 'deploy', description: 'Deploy an app' }, { value: 'alpha' }],
        files: false,
      }),
      'deploy\tDeploy an app\nalpha\n:words\n',
    );
    assert.equal(renderCompletion({ candidates: [], files: true }), ':files\n');
  });

  it('never prints control characters: such values are dropped, descriptions cleaned', () => {
    const out = renderCompletion({
      candidates: [
        { value: 'ok' },
        { value: 'evil\u001b]0;pwned\u0007' },
        { value: 'line\nbreak' },
        { value: 'c1\u009bx' },
        { value: 'has space' },
        { value: '' },
        { value: 'tab\tvalue' },
        { value: 'desc', description: 'a\u001b[31mred\ttabbed\nline' },
      ],
      files: false,
    });
    assert.equal(out, 'ok\ndesc\ta [31mred tabbed line\n:words\n');
  });
});

describe('completion candidates (golden, the real commands)', () => {
  let real: CommandSpec;
  before(async () => {
    real = await liveCompletionSpec();
  });
  const live = (line: string) => values(at(line, real));

  it('nouns, top-level commands, verbs and group verbs', () => {
    assert.deepEqual(live(''), [
      'server',
      'recipe',
      'catalogue',
      'app',
      'web',
      'version',
      'autocomplete',
      'help',
    ]);
    assert.deepEqual(live('app secret '), ['generate', 'insert', 'ls', 'rm']);
    assert.deepEqual(live('a sc g blog.example.com '), ['admin_password', 'db_password']);
    assert.deepEqual(live('app backup '), ['create', 'ls', 'download', 'forget']);
    assert.deepEqual(live('web user '), ['add', 'rm', 'ls']);
    assert.deepEqual(live('server node '), ['label', 'drain', 'pause', 'activate']);
    assert.deepEqual(live('server '), [
      'add',
      'bootstrap',
      'ls',
      'status',
      'nodes',
      'node',
      'rm',
      'backup-config',
      'backup-init',
      'prune',
    ]);
    assert.ok(!live('').includes('__complete'), 'the hidden command is not offered');
    // names win over aliases: `sc` (secret) is not offered next to `scale`
    assert.deepEqual(live('app sc'), ['scale']);
    assert.deepEqual(live('app backup sn'), ['snapshots']);
  });

  it('arguments: apps, servers, recipes, versions, services, secrets, shells', () => {
    assert.deepEqual(live('app deploy '), ['blog.example.com', 'wiki.example.org']);
    assert.deepEqual(live('app deploy blog.example.com '), ['1.0.0+6.4', '2.0.0+6.5']);
    assert.deepEqual(live('app upgrade blog.example.com 2'), ['2.0.0+6.5']);
    assert.deepEqual(live('app new '), ['hello', 'wordpress']);
    assert.deepEqual(live('app new wordpress '), ['1.0.0+6.4', '2.0.0+6.5']);
    assert.deepEqual(live('app new -s '), ['alpha', 'beta']);
    assert.deepEqual(live('app ls --recipe '), ['hello', 'wordpress']);
    assert.deepEqual(live('app move blog.example.com '), ['alpha', 'beta']);
    assert.deepEqual(live('app logs blog.example.com '), ['app', 'db']);
    assert.deepEqual(live('app restore blog.example.com --service '), ['app', 'db']);
    assert.deepEqual(live('app secret insert blog.example.com '), ['admin_password', 'db_password']);
    assert.deepEqual(live('server rm '), ['alpha', 'beta']);
    assert.deepEqual(live('recipe versions '), ['hello', 'wordpress']);
    assert.deepEqual(live('autocomplete '), ['bash', 'fish', 'zsh']);
    // a new recipe's name is not an existing one
    assert.deepEqual(live('recipe new '), []);
    // app cmd: `ls` or an app, then [service] <function>
    assert.deepEqual(live('app cmd '), ['ls', 'blog.example.com', 'wiki.example.org']);
    assert.deepEqual(live('app cmd l'), ['ls']);
    assert.deepEqual(live('app cmd ls '), ['blog.example.com', 'wiki.example.org']);
    assert.deepEqual(live('app cmd ls blog.example.com '), []);
    assert.deepEqual(live('app cmd blog.example.com '), ['app', 'app_reset', 'db', 'migrate']);
    assert.deepEqual(live('app cmd blog.example.com db '), ['app_reset', 'migrate']);
    assert.deepEqual(live('app cmd blog.example.com migrate '), []);
    assert.deepEqual(live('app cmd -l blog.example.com m'), ['migrate']);
    assert.equal(at('app cp blog.example.com ', real).files, true);
    assert.equal(at('recipe compose hello --env ', real).files, true);
  });

  it("flags: the command's own and the global ones", () => {
    const flags = live('app deploy --');
    for (const f of ['--chaos', '--machine', '--debug', '--no-input', '--offline', '--no-color', '--help'])
      assert.ok(flags.includes(f), `${f} in ${flags.join(' ')}`);
    assert.ok(!flags.includes('--all'), 'another command’s flag');
  });
});
