// Hostile compose files, env files and recipe files, fed to commands that parse without a
// server: `recipe compose`, `recipe lint` and `app check`. Each must end in one clear error
// within the harness's time and memory bounds (or give the exact result docker gives).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type HostileCase, hostileTable, type World } from './harness.js';

const SAMPLE = 'TYPE=r\nDOMAIN=r.example.com\n';
const GOOD = 'services:\n  app:\n    image: nginx:1.27\n';

/** A recipe `r` (compose.yml, .env.sample) with any file replaced. */
function recipe(files: Record<string, string | Buffer>): (w: World) => void {
  return (w) => {
    const all: Record<string, string | Buffer> = { 'compose.yml': GOOD, '.env.sample': SAMPLE, ...files };
    for (const [name, content] of Object.entries(all)) w.write(`recipes/r/${name}`, content);
    // `app check` wants a recipe that is a git repository; the working tree is what it reads.
    execFileSync('git', ['init', '-q', join(w.abraDir, 'recipes/r')]);
  };
}

function fifo(w: World, rel: string): void {
  execFileSync('mkfifo', [join(w.abraDir, rel)]);
}

/** Cases on compose.yml: loaded by `recipe compose r`. */
function composeCase(name: string, text: string | Buffer, error?: RegExp): HostileCase {
  return {
    name: `compose: ${name}`,
    setup: recipe({ 'compose.yml': text }),
    args: ['recipe', 'compose', 'r'],
    ...(error ? { error } : {}),
  };
}

/** Cases on an app env file given with --env. */
function envCase(name: string, text: string | Buffer, error?: RegExp): HostileCase {
  return {
    name: `env: ${name}`,
    setup: (w) => {
      recipe({})(w);
      w.write('servers/default/r.example.com.env', text);
    },
    args: (w) => ['recipe', 'compose', 'r', '--env', join(w.abraDir, 'servers/default/r.example.com.env')],
    ...(error ? { error } : {}),
  };
}

// "billion laughs" and relatives: each level refers to the previous one many times.
function laughs(levels: number, width: number, flow = true): string {
  let s = 'x-l0: &l0 "lol"\n';
  for (let i = 1; i <= levels; i++) {
    const refs = Array.from({ length: width }, () => `*l${i - 1}`);
    s += flow
      ? `x-l${i}: &l${i} [${refs.join(', ')}]\n`
      : `x-l${i}: &l${i}\n${refs.map((r) => `  - ${r}`).join('\n')}\n`;
  }
  return `${s}services:\n  app:\n    image: nginx\n    command: *l${levels}\n`;
}

function mergeBomb(levels: number): string {
  let s = 'x-m0: &m0 {a: 1, b: 2, c: 3, d: 4}\n';
  for (let i = 1; i <= levels; i++) {
    const keys = Array.from({ length: 8 }, (_, k) => `k${k}: *m${i - 1}`).join(', ');
    s += `x-m${i}: &m${i} {${keys}}\n`;
  }
  return `${s}services:\n  app:\n    image: nginx\n    labels:\n      <<: *m${levels}\n`;
}

function manyKeys(n: number, dupAt?: number): string {
  const lines = ['services:', '  app:', '    image: nginx', '    environment:'];
  for (let i = 0; i < n; i++) lines.push(`      K${i === dupAt ? 0 : i}: v`);
  return `${lines.join('\n')}\n`;
}

const ALIAS = /excessive aliasing/;
const CONTROL = /control character/;
const INEXACT = /too large to be represented exactly/;

const composeCases: HostileCase[] = [
  composeCase('billion laughs, 9x9 flow', laughs(9, 9), ALIAS),
  composeCase('billion laughs, 9x9 block', laughs(9, 9, false), ALIAS),
  composeCase('billion laughs, 30x2', laughs(30, 2), ALIAS),
  composeCase('billion laughs, 5x40', laughs(5, 40), ALIAS),
  composeCase('billion laughs, 3x400', laughs(3, 400), ALIAS),
  composeCase('merge-key bomb', mergeBomb(8), ALIAS),
  composeCase('recursive anchor', 'x: &a [*a]\nservices:\n  app:\n    image: nginx\n    command: *a\n'),
  composeCase('self-merging anchor', 'x: &a {<<: *a}\nservices:\n  app:\n    image: nginx\n'),
  composeCase('alias to an unknown anchor', 'services:\n  app:\n    image: *nope\n', /unknown anchor 'nope'/),
  composeCase(
    'deep flow nesting',
    `services:\n  app:\n    image: nginx\n    command: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
    /nest/,
  ),
  composeCase(
    'deep block nesting',
    `x:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n')}a\nservices: {}\n`,
  ),
  composeCase(
    'deep mapping nesting',
    `x:\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')} 1\nservices: {}\n`,
    /nest/,
  ),
  composeCase(
    'nesting 300 levels in flow',
    `services:\n  app:\n    image: nginx\n    labels: ${'{a: '.repeat(300)}1${'}'.repeat(300)}\n`,
    /nest deeper than 200/,
  ),
  composeCase(
    'larger than 16 MiB',
    `${GOOD}x-pad: "${'a'.repeat(17 * 1024 * 1024)}"\n`,
    /larger than 16 MiB/,
  ),
  composeCase(
    'duplicate service',
    'services:\n  app:\n    image: nginx\n  app:\n    image: x\n',
    /mapping key "app" already defined at line 2/,
  ),
  composeCase(
    'duplicate key, quoted and plain',
    'services:\n  app:\n    image: nginx\n    "image": x\n',
    /already defined/,
  ),
  composeCase(
    'duplicate merge key',
    'x: &a {a: 1}\nservices:\n  app:\n    image: nginx\n    labels:\n      <<: *a\n      <<: *a\n',
    /already defined/,
  ),
  composeCase(
    'duplicate key among 30 000',
    manyKeys(30_000, 29_999),
    /mapping key "K0" already defined at line 5/,
  ),
  composeCase(
    'NUL in a plain scalar',
    'services:\n  app:\n    image: ngi\x00nx\n',
    /control characters are not allowed \(U\+0000\)/,
  ),
  composeCase('NUL in a comment', `${GOOD}# a\x00b\n`, /control characters are not allowed/),
  composeCase(
    'escape sequence in a key',
    'services:\n  app\x1b[2J:\n    image: nginx\n',
    /control characters are not allowed \(U\+001B\)/,
  ),
  composeCase(
    'BEL in a quoted string',
    'services:\n  app:\n    image: "nginx\x07"\n',
    /control characters are not allowed/,
  ),
  composeCase(
    'DEL in a string',
    'services:\n  app:\n    image: nginx\x7f\n',
    /control characters are not allowed/,
  ),
  composeCase(
    'C1 CSI in a string',
    'services:\n  app:\n    image: nginx\u009b2J\n',
    /control characters are not allowed \(U\+009B\)/,
  ),
  composeCase('escaped NUL in a double-quoted string', 'services:\n  app:\n    image: "ngi\\0nx"\n', CONTROL),
  composeCase(
    'escaped ESC in a label',
    'services:\n  app:\n    image: nginx\n    labels:\n      a: "\\e[31mred"\n',
    CONTROL,
  ),
  composeCase('escaped NUL in a key', 'services:\n  "app\\0":\n    image: nginx\n', CONTROL),
  composeCase(
    'malformed UTF-8',
    Buffer.from('services:\n  app:\n    image: nginx\xff\n', 'latin1'),
    /not valid UTF-8/,
  ),
  composeCase(
    'truncated UTF-8 sequence',
    Buffer.concat([Buffer.from(GOOD), Buffer.from([0x23, 0xe2, 0x82])]),
    /not valid UTF-8/,
  ),
  composeCase('UTF-16 file', Buffer.from(`\ufeff${GOOD}`, 'utf16le'), /not valid UTF-8|control characters/),
  composeCase(
    'replicas beyond 2^53',
    'services:\n  app:\n    image: nginx\n    deploy:\n      replicas: 9007199254740993\n',
    INEXACT,
  ),
  composeCase(
    'negative beyond 2^53',
    'services:\n  app:\n    image: nginx\n    environment:\n      A: -9007199254740993\n',
    INEXACT,
  ),
  composeCase(
    'hex beyond 2^53',
    'services:\n  app:\n    image: nginx\n    environment:\n      A: 0x20000000000001\n',
    INEXACT,
  ),
  composeCase(
    'octal beyond 2^53',
    'services:\n  app:\n    image: nginx\n    environment:\n      A: 0o400000000000000001\n',
    INEXACT,
  ),
  composeCase(
    'decimal beyond 2^64',
    'services:\n  app:\n    image: nginx\n    environment:\n      A: 99999999999999999999\n',
    INEXACT,
  ),
  composeCase(
    '!!int beyond 2^53',
    'services:\n  app:\n    image: nginx\n    environment:\n      A: !!int 9007199254740993\n',
    INEXACT,
  ),
  composeCase(
    'hex beyond 2^64 as replicas',
    'services:\n  app:\n    image: nginx\n    deploy:\n      replicas: 0x10000000000000000\n',
    /replicas/,
  ),
  composeCase(
    'custom tag on replicas (a string, as docker reads it)',
    'services:\n  app:\n    image: nginx\n    deploy:\n      replicas: !foo 3\n',
    /replicas/,
  ),
  composeCase(
    'replicas from a variable beyond 2^53',
    'services:\n  app:\n    image: nginx\n    deploy:\n      replicas: ${R:-9007199254740993}\n',
    INEXACT,
  ),
  composeCase(
    'compose ${A} doubling',
    `services:\n  app:\n    image: nginx\n    command: "${'${A}'.repeat(600)}"\n`.replace(
      'services',
      `x-a: 1\nservices`,
    ),
    undefined,
  ),
  composeCase('empty file', '', /empty/),
  composeCase('a top-level list', '- a\n- b\n', /top level must be a mapping/),
  composeCase('tab indentation', 'services:\n\tapp:\n\t\timage: nginx\n', /tab/i),
];

// `${A}` doubling in compose needs a big A from the env: its own case.
composeCases.splice(
  composeCases.findIndex((c) => c.name === 'compose: compose ${A} doubling'),
  1,
  {
    name: 'compose: ${A} repeated 600 times with a 64 KiB A',
    setup: recipe({
      '.env.sample': `${SAMPLE}A=${'a'.repeat(64 * 1024)}\n`,
      'compose.yml': `services:\n  app:\n    image: nginx\n    command: "${'${A}'.repeat(600)}"\n`,
    }),
    args: ['recipe', 'compose', 'r'],
    error: /interpolation produces more than 32 MiB/,
  },
  {
    name: 'compose: 600 strings each ${A} with a 64 KiB A',
    setup: recipe({
      '.env.sample': `${SAMPLE}A=${'a'.repeat(64 * 1024)}\n`,
      'compose.yml': `services:\n  app:\n    image: nginx\n    environment:\n${Array.from({ length: 600 }, (_, i) => `      E${i}: "\${A}"`).join('\n')}\n`,
    }),
    args: ['recipe', 'compose', 'r'],
    error: /interpolation produces more than 32 MiB/,
  },
);

const doubling = (n: number, quote = '') => {
  const lines = [SAMPLE.trim(), `V0=${quote}x${quote}`];
  for (let i = 1; i <= n; i++) lines.push(`V${i}=${quote}\${V${i - 1}}\${V${i - 1}}${quote}`);
  return `${lines.join('\n')}\n`;
};

const envCases: HostileCase[] = [
  envCase('${A}${A} doubling, 40 lines', doubling(40), /larger than 16 MiB/),
  envCase('doubling in double quotes', doubling(40, '"'), /larger than 16 MiB/),
  envCase(
    '$A$A doubling without braces',
    `${SAMPLE}A=xxxxxxxx\n${Array.from({ length: 40 }, () => 'A=$A$A').join('\n')}\n`,
    /larger than 16 MiB/,
  ),
  envCase(
    'one value with 5000 references to a 64 KiB value',
    `${SAMPLE}A=${'a'.repeat(65536)}\nB=${'$A'.repeat(5000)}\n`,
    /larger than 16 MiB/,
  ),
  envCase(
    'many lines each copying a 1 MiB value',
    `${SAMPLE}A=${'a'.repeat(1 << 20)}\n${Array.from({ length: 40 }, (_, i) => `B${i}=$A`).join('\n')}\n`,
    /larger than 16 MiB/,
  ),
  envCase('NUL in a value', `${SAMPLE}A=x\x00y\n`, /control character \(U\+0000\)/),
  envCase('NUL in a key', `${SAMPLE}A\x00B=1\n`, /Unexpected character/),
  envCase('ESC in a value', `${SAMPLE}A=\x1b[2Jx\n`, /U\+001B/),
  envCase('ESC in a quoted value', `${SAMPLE}A="\x1b]0;title\x07"\n`, /U\+001B/),
  envCase('BEL in a single-quoted value', `${SAMPLE}A='x\x07'\n`, /U\+0007/),
  envCase(
    'control character on the second line of a value',
    `${SAMPLE}A="one\ntw\x01o"\n`,
    /control character/,
  ),
  envCase('DEL in a value', `${SAMPLE}A=x\x7f\n`, /U\+007F/),
  envCase('NUL in a comment', `${SAMPLE}# x\x00\n`, /U\+0000/),
  envCase('vertical tab after a value', `${SAMPLE}A=x \x0b\n`, /control character/),
  envCase('larger than 16 MiB', `${SAMPLE}A=${'a'.repeat(17 * 1024 * 1024)}\n`, /larger than 16 MiB/),
  {
    name: 'env: a FIFO as the env file',
    setup: (w) => {
      recipe({})(w);
      fifo(w, 'servers/default/r.example.com.env');
    },
    args: (w) => ['recipe', 'compose', 'r', '--env', join(w.abraDir, 'servers/default/r.example.com.env')],
    error: /not a regular file \(a named pipe\)/,
  },
  {
    name: 'env: /dev/zero as the env file',
    setup: recipe({}),
    args: ['recipe', 'compose', 'r', '--env', '/dev/zero'],
    error: /not a regular file \(a device\)/,
  },
  {
    name: 'env: a directory as the env file',
    setup: (w) => {
      recipe({})(w);
      w.write('servers/default/dir.env/x', '');
    },
    args: (w) => ['recipe', 'compose', 'r', '--env', join(w.abraDir, 'servers/default/dir.env')],
    error: /directory/,
  },
];

const fileCases: HostileCase[] = [
  {
    name: 'files: compose.yml is a FIFO',
    setup: (w) => {
      recipe({})(w);
      execFileSync('rm', [join(w.abraDir, 'recipes/r/compose.yml')]);
      fifo(w, 'recipes/r/compose.yml');
    },
    args: ['recipe', 'compose', 'r'],
    error: /compose\.yml is not a regular file \(a named pipe\)/,
  },
  {
    name: 'files: .env.sample is a FIFO (recipe compose)',
    setup: (w) => {
      recipe({})(w);
      execFileSync('rm', [join(w.abraDir, 'recipes/r/.env.sample')]);
      fifo(w, 'recipes/r/.env.sample');
    },
    args: ['recipe', 'compose', 'r'],
    error: /not a regular file/,
  },
  {
    name: 'files: abra.sh is a FIFO',
    setup: (w) => {
      recipe({})(w);
      fifo(w, 'recipes/r/abra.sh');
    },
    args: ['recipe', 'compose', 'r'],
    error: /abra\.sh is not a regular file/,
  },
  {
    name: 'files: compose.yml is a symlink to /dev/zero',
    setup: (w) => {
      recipe({})(w);
      execFileSync('ln', ['-sf', '/dev/zero', join(w.abraDir, 'recipes/r/compose.yml')]);
    },
    args: ['recipe', 'compose', 'r'],
    error: /not a regular file \(a device\)/,
  },
  {
    name: 'files: COMPOSE_FILE names a FIFO overlay',
    setup: (w) => {
      recipe({ '.env.sample': `${SAMPLE}COMPOSE_FILE=compose.yml:compose.x.yml\n` })(w);
      fifo(w, 'recipes/r/compose.x.yml');
    },
    args: ['recipe', 'compose', 'r'],
    error: /compose\.x\.yml is not a regular file/,
  },
  {
    name: 'files: abra.sh larger than 16 MiB',
    setup: recipe({ 'abra.sh': `export A=1\n#${'x'.repeat(17 * 1024 * 1024)}\n` }),
    args: ['recipe', 'compose', 'r'],
    error: /larger than 16 MiB/,
  },
  {
    name: 'files: app check with a FIFO .env.sample',
    setup: (w) => {
      recipe({})(w);
      execFileSync('rm', [join(w.abraDir, 'recipes/r/.env.sample')]);
      fifo(w, 'recipes/r/.env.sample');
      w.write('servers/default/r.example.com.env', 'TYPE=r\nDOMAIN=r.example.com\n', 0o600);
    },
    args: ['app', 'check', 'r.example.com'],
    error: /not a regular file/,
  },
  {
    name: 'files: app check with an env file holding ESC',
    setup: (w) => {
      recipe({})(w);
      w.write('servers/default/r.example.com.env', 'TYPE=r\nDOMAIN=r.example.com\nA=\x1b[2J\n', 0o600);
    },
    args: ['app', 'check', 'r.example.com'],
    error: /U\+001B/,
  },
  {
    name: 'files: app check with a doubling env file',
    setup: (w) => {
      recipe({})(w);
      w.write('servers/default/r.example.com.env', doubling(40).replace('TYPE=r', 'TYPE=r'), 0o600);
    },
    args: ['app', 'check', 'r.example.com'],
    error: /larger than 16 MiB/,
  },
];

// recipe lint reads compose files itself: a bomb there is a finding or an error, never a hang.
const lintCases: HostileCase[] = [
  ['alias bomb', laughs(9, 9)],
  [
    'deep nesting',
    `services:\n  app:\n    image: nginx\n    command: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
  ],
  ['NUL byte', 'services:\n  app:\n    image: ngi\x00nx\n'],
  ['inexact integer', 'services:\n  app:\n    image: nginx\n    deploy:\n      replicas: 9007199254740993\n'],
  ['20 000 keys', manyKeys(20_000, 19_999)],
].map(([name, text]) => ({
  name: `lint: ${name}`,
  setup: recipe({ 'compose.yml': text as string }),
  args: ['recipe', 'lint', 'r'],
  expect: (r) => {
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr.slice(0, 500)}`);
    assert.doesNotMatch(r.stderr, /abra hit a bug/);
  },
}));

// What must still work: the bounds are not in the way of real files.
const okCases: HostileCase[] = [
  {
    name: 'ok: aliases within the bound',
    setup: recipe({
      'compose.yml': `x-env: &env {A: "1", B: "2"}\nservices:\n  app:\n    image: nginx\n    environment: *env\n  db:\n    image: nginx\n    environment:\n      <<: *env\n      C: "3"\n`,
    }),
    args: ['recipe', 'compose', 'r', '--machine'],
    expect: (r) => {
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as {
        services: Record<string, { environment: Record<string, string> }>;
      };
      assert.deepEqual(out.services.db?.environment, { A: '1', B: '2', C: '3' });
    },
  },
  {
    name: 'ok: 2^53-1 is kept exactly',
    setup: recipe({
      'compose.yml':
        'services:\n  app:\n    image: nginx\n    environment:\n      A: 9007199254740991\n      B: 0x1F\n',
    }),
    args: ['recipe', 'compose', 'r', '--machine'],
    expect: (r) => {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /"A": "9007199254740991"/);
      assert.match(r.stdout, /"B": "31"/);
    },
  },
  {
    name: 'ok: a custom tag reads as docker reads it',
    setup: recipe({
      'compose.yml': 'services:\n  app:\n    image: !foo nginx\n    environment:\n      A: !bar 0x10\n',
    }),
    args: ['recipe', 'compose', 'r', '--machine'],
    expect: (r) => {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /"A": "0x10"/);
      assert.match(r.stdout, /"image": "nginx"/);
    },
  },
  {
    name: 'ok: tabs and line breaks in values',
    setup: recipe({
      '.env.sample': `${SAMPLE}A="one\ttwo\nthree"\n`,
      'compose.yml':
        'services:\n  app:\n    image: nginx\n    environment:\n      A: ${A}\n      B: "x\\ty"\n',
    }),
    args: ['recipe', 'compose', 'r', '--machine'],
    expect: (r) => {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /"A": "one\\ttwo\\nthree"/);
    },
  },
];

hostileTable('parsers', [...composeCases, ...envCases, ...fileCases, ...lintCases, ...okCases]);
