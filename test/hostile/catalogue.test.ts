// The catalogue and recipe names from the commons: a catalogue that does not parse or names
// recipes with hostile keys, and git-path recipe names that try to leave recipes/. Each is a
// clean error (or a clean listing) that changes nothing. No case reaches the network: names are
// refused before the catalogue is fetched, and catalogue reads run with --offline.
import assert from 'node:assert/strict';
import { type HostileCase, hostileTable } from './harness.js';

const catalogue = (text: string | Buffer) => (w: { write(rel: string, c: string | Buffer): string }) =>
  void w.write('catalogue/recipes.json', text);

const badJson: [string, string | Buffer, RegExp][] = [
  ['truncated', '{"demo": {"category": "Apps"', /not valid JSON \(line 1, column 29\)/],
  ['a trailing comma', '{\n  "demo": {},\n}\n', /not valid JSON \(line 3, column 1\)/],
  ['NUL bytes', Buffer.from([0x7b, 0x00, 0x7d]), /not valid JSON \(line 1, column 2\)/],
  ['empty', '', /not valid JSON/],
  ['Latin-1 bytes', Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x7b, 0x7d, 0x2c, 0x7d]), /not valid JSON/],
  ['a bare string', '"recipes"', /unexpected shape/],
];

const catalogueCases: HostileCase[] = [
  ...badJson.map(
    ([what, text, error]): HostileCase => ({
      name: `recipe ls: a catalogue with ${what}`,
      setup: catalogue(text),
      args: ['recipe', 'ls', '-o'],
      error,
    }),
  ),
  {
    name: 'recipe ls: the catalogue error names the file and `abra catalogue sync`',
    setup: catalogue('{,}'),
    args: ['recipe', 'ls', '-o'],
    error: /where: .*catalogue\/recipes\.json:1:2[\s\S]*abra catalogue sync/,
  },
  {
    name: 'recipe ls: a byte-order mark before the JSON is tolerated',
    setup: catalogue('\uFEFF{"demo": {"category": "Apps"}}'),
    args: ['recipe', 'ls', '-o', '-m'],
    expect: (r) => {
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), [
        { name: 'demo', local: false, inCatalogue: true, category: 'Apps' },
      ]);
    },
  },
  {
    name: 'recipe ls: 200 000 nested arrays',
    setup: catalogue(`${'['.repeat(200_000)}${']'.repeat(200_000)}`),
    args: ['recipe', 'ls', '-o', '-m'],
    expect: (r) => {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '[]\n');
    },
  },
  {
    name: 'recipe ls: hostile catalogue keys are listed as text, never as paths or escapes',
    setup: catalogue(
      JSON.stringify({
        '../../victim/evil': { category: 'Apps' },
        'a\u001b[2Jb': { category: 'Apps' },
        'mygit.org/../x': { category: 'Apps' },
        '-rf': { category: 'Apps', features: { backups: 'Yes' } },
      }),
    ),
    args: ['recipe', 'ls', '-o', '--feature', 'backups'],
    expect: (r) => {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^-rf\s+no\s/m);
      assert.ok(!(r.stdout + r.stderr).includes('\u001b'), 'no raw escape reaches the terminal');
    },
  },
  {
    name: 'recipe ls: an unknown --feature',
    args: ['recipe', 'ls', '-o', '--feature', '../../etc'],
    error: /Unknown recipe feature/,
  },
];

const gitPaths = [
  'mygit.org/../../victim/evil',
  'mygit.org/org/..',
  'mygit.org//recipe',
  'mygit.org/org/-rf',
  'mygit.org/org/.git',
  'mygit.org/org/re\u0007cipe',
  'mygit.org/org/a b',
  'mygit.org:2222/org/recipe',
  `mygit.org/org/${'r'.repeat(300)}`,
];

const nameCases: HostileCase[] = gitPaths.flatMap((name) => [
  {
    name: `app new ${JSON.stringify(name)}`,
    args: ['app', 'new', name, '-s', 'default', '-D', 'ok.example.com'],
    error: /not a valid recipe name/,
  },
  {
    name: `recipe versions ${JSON.stringify(name)}`,
    args: ['recipe', 'versions', name],
    error: /not a valid recipe name/,
  },
]);

hostileTable('catalogue', [...catalogueCases, ...nameCases]);
