import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnv } from '../../src/domain/env/document.js';
import { isUserError, type UserError } from '../../src/errors.js';

const values = (text: string, outside?: Record<string, string>) => parseEnv(text, 'app.env').values(outside);

function syntaxError(text: string): UserError {
  try {
    parseEnv(text, 'srv/app.env');
  } catch (err) {
    assert.ok(isUserError(err), `expected a UserError, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('env file: values', () => {
  it('reads bare values, trimming spaces around them', () => {
    assert.deepEqual(values('A=1\nB =  hello world \t\nC=\n'), { A: '1', B: 'hello world', C: '' });
  });

  it('an unquoted value ends at the last " #"; a # without a space before it is data', () => {
    assert.deepEqual(values('A=x # c\nB=x#c\nC=x\t# c\nD=x # y # z\nE=a#b #c\n'), {
      A: 'x',
      B: 'x#c',
      C: 'x',
      D: 'x # y',
      E: 'a#b',
    });
  });

  it('a # right after "=" is data, even after spaces (godotenv)', () => {
    assert.deepEqual(values('A=#x\nB=   # not a comment\n'), { A: '#x', B: '# not a comment' });
  });

  it('single quotes are literal', () => {
    assert.deepEqual(values(`B=1\nA='x $B \${B} \\n "y" # z'\n`), { B: '1', A: 'x $B ${B} \\n "y" # z' });
  });

  it('double quotes read \\n \\r \\" \\\\ and \\$, and any other \\X as X', () => {
    assert.deepEqual(
      values('A="l1\\nl2\\r"\nB="say \\"hi\\" now"\nC="back\\\\slash"\nD="cost \\$5"\nE="t\\tx"\n'),
      {
        A: 'l1\nl2\r',
        B: 'say "hi" now',
        C: 'back\\slash',
        D: 'cost $5',
        E: 'ttx',
      },
    );
  });

  it('an escaped quote right before the closing one is lost, as in godotenv', () => {
    assert.deepEqual(values('A="a\\""\n'), { A: 'a\\' });
  });

  it('skips comments, blank and indented lines; reads export and KEY: value', () => {
    const text = '# c\n\n   \n\t  # indented\n  A=1\nexport B=2\nexport\tC=3\nexportD=4\nE: 5\n';
    assert.deepEqual(values(text), { A: '1', B: '2', C: '3', exportD: '4', E: '5' });
    const entries = parseEnv(text, 'f').entries();
    assert.deepEqual(
      entries.map((e) => [e.key, e.exported, e.line]),
      [
        ['A', false, 5],
        ['B', true, 6],
        ['C', true, 7],
        ['exportD', false, 8],
        ['E', false, 9],
      ],
    );
  });

  it('quoted values may span lines; a backslash before a line break is dropped, the break kept', () => {
    const doc = parseEnv('A="one\ntwo\\\n\tthree" # c\nB=\'x\ny\'\nC=after\n', 'f');
    assert.deepEqual(doc.values(), { A: 'one\ntwo\n\tthree', B: 'x\ny', C: 'after' });
    assert.deepEqual(
      doc.entries().map((e) => [e.key, e.line, e.quote]),
      [
        ['A', 1, 'double'],
        ['B', 4, 'single'],
        ['C', 6, 'none'],
      ],
    );
  });

  it('CRLF reads as LF, also inside quoted values', () => {
    assert.deepEqual(values('A=1\r\nB="x\r\ny"\r\nC=2'), { A: '1', B: 'x\ny', C: '2' });
  });

  it('drops a YAML "---" before LF, but not before CRLF or at the end of the file', () => {
    assert.deepEqual(values('---\nA=x---\nB=y---\r\nC="p---\nq"\nD=z---'), {
      A: 'x',
      B: 'y---',
      C: 'p\nq',
      D: 'z---',
    });
  });

  it('a lone CR ends an unquoted value; a comment may follow it', () => {
    assert.deepEqual(values('A=x\r# c\nB=y \r\n'), { A: 'x', B: 'y' });
  });

  it('last assignment wins', () => {
    assert.deepEqual(values('A=1\nA=2\nB=x\nA=3\n'), { A: '3', B: 'x' });
  });
});

describe('env file: expansion', () => {
  it('expands $VAR and ${VAR} from earlier keys, in bare and double-quoted values', () => {
    assert.deepEqual(values('D=ex.com\nH=$D\nU="https://${D}/x"\nI=img:latest-${D}-amd64\n'), {
      D: 'ex.com',
      H: 'ex.com',
      U: 'https://ex.com/x',
      I: 'img:latest-ex.com-amd64',
    });
  });

  it('appends to itself (COMPOSE_FILE)', () => {
    const text = 'COMPOSE_FILE="compose.yml"\nCOMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"\n';
    assert.equal(values(text).COMPOSE_FILE, 'compose.yml:compose.smtp.yml');
  });

  it('undefined is empty; later keys are not visible; outside is the fallback; the file wins', () => {
    assert.deepEqual(
      values('A=[$LATER]\nLATER=1\nB=${HOME}\nC=$NOPE\nX=file\nY=$X\n', { HOME: '/h', X: 'out' }),
      {
        A: '[]',
        LATER: '1',
        B: '/h',
        C: '',
        X: 'file',
        Y: 'file',
      },
    );
  });

  it('keeps godotenv quirks: lower-case names, $$, \\$ and ${A:-d} (no defaults)', () => {
    assert.deepEqual(values('A=a\nB=$lower ${lower}\nC=$$\nD=\\$A\nE=${A:-d}\nF=${NOPE:-d}\nG="\\${A}"\n'), {
      A: 'a',
      B: '$lower ${lower}',
      C: '$$',
      D: '$A',
      E: 'a:-d}',
      F: ':-d}',
      G: '${A}',
    });
  });

  it('does not expand single-quoted values', () => {
    assert.deepEqual(values("A=1\nB='$A'\n"), { A: '1', B: '$A' });
  });

  it('a key named __proto__ is plain data', () => {
    const v = values('__proto__=x\n');
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.entries(v), [['__proto__', 'x']]);
  });
});

describe('env file: modifiers', () => {
  it('reads k=v pairs and bare words from the inline comment of the winning assignment', () => {
    const doc = parseEnv(
      [
        'SECRET_A_VERSION=v1 # length=128',
        'SECRET_B_VERSION=v1       # length=32 charset=special,default',
        'SECRET_C_VERSION=v1 # passphrase',
        'SECRET_D_VERSION="v1" # generate=false',
        'SECRET_E_VERSION=v1',
        'SECRET_F_VERSION=v1 # length=10',
        'SECRET_F_VERSION=v2',
        'SECRET_G_VERSION=v1',
        'SECRET_G_VERSION=v2 # length=3',
        '# SECRET_H_VERSION=v1 # length=99',
        '',
      ].join('\n'),
      'f',
    );
    assert.deepEqual(doc.modifiers(), {
      SECRET_A_VERSION: { length: '128' },
      SECRET_B_VERSION: { length: '32', charset: 'special,default' },
      SECRET_C_VERSION: { passphrase: '' },
      SECRET_D_VERSION: { generate: 'false' },
      SECRET_G_VERSION: { length: '3' },
    });
    assert.equal(doc.values().SECRET_B_VERSION, 'v1');
    assert.deepEqual(doc.entries()[0]?.modifiers, { length: '128' });
    assert.deepEqual(doc.entries()[4]?.modifiers, {});
  });
});

describe('env file: lossless', () => {
  const samples: Record<string, string> = {
    empty: '',
    'only newlines': '\n\n\n',
    crlf: 'A=1\r\n# c\r\n\r\nB="x"\r\n',
    'no trailing newline': 'A=1\nB=2',
    'mixed endings and tabs': 'A=1\r\n\tB = 2\t# c\n  \t\nC=3',
    'multi-line': 'A="x\r\ny\nz" # m\nB=1\n',
    unicode: 'GRÜSSE=héllo wörld # ünïcode\n',
    'spaces everywhere': '  export   A  =   b   #   c   \n',
    'yaml marker': '---\nA=b---\n',
  };
  for (const [name, text] of Object.entries(samples)) {
    it(`gives back the input byte for byte: ${name}`, () => {
      assert.equal(parseEnv(text, 'f').toString(), text);
    });
  }

  it('entries report the raw value, quote style and line', () => {
    const doc = parseEnv('A=\'x\'   # c\nB="y\\n"\nC= z \n', 'f');
    assert.deepEqual(
      doc.entries().map((e) => [e.key, e.raw, e.quote, e.line]),
      [
        ['A', "'x'", 'single', 1],
        ['B', '"y\\n"', 'double', 2],
        ['C', 'z', 'none', 3],
      ],
    );
  });
});

describe('env file: syntax errors', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'a key and a value without =',
      'A=1\nKEY value\n',
      'srv/app.env:2',
      /Unexpected text after the key "KEY".*"KEY value"/,
    ],
    ['a value without a key', '=value\n', 'srv/app.env:1', /Missing key before "=".*"=value"/],
    ['a lone key', 'A=1\n\nKEY', 'srv/app.env:3', /No "=" after "KEY"/],
    ['a key with a space', 'MY KEY=1\n', 'srv/app.env:1', /Unexpected text after the key "MY"/],
    ['a key with a dash', 'MY-KEY=1\n', 'srv/app.env:1', /Unexpected character "-" in a key.*"MY-KEY=1"/],
    [
      'an unterminated double quote',
      'A=1\nB="open\nC=2\n',
      'srv/app.env:2',
      /Unterminated double-quoted value for B/,
    ],
    ['an unterminated single quote', "A='x\\'\n", 'srv/app.env:1', /Unterminated single-quoted value for A/],
    ['text after a closing quote', 'A="x" B=y\n', 'srv/app.env:1', /after the closing quote of A/],
    [
      'text after a closing quote on a later line',
      'A="x\ny"z\n',
      'srv/app.env:2',
      /after the closing quote of A.*"y\\"z"/,
    ],
    ['a statement after a lone CR', 'A=x\rB=y\n', 'srv/app.env:1', /carriage return/],
    ['a byte order mark', '\ufeffA=1\n', 'srv/app.env:1', /Unexpected character "\ufeff"/],
  ];
  for (const [name, text, where, message] of cases) {
    it(`rejects ${name}, saying where and how to fix`, () => {
      const err = syntaxError(text);
      assert.equal(err.where, where);
      assert.match(err.message, message);
      assert.equal(err.code, 'env_syntax');
      assert.ok(err.hint && err.hint.length > 10);
    });
  }

  it('the BOM hint says to remove it', () => {
    assert.match(syntaxError('\ufeffA=1\n').hint ?? '', /byte order mark/);
  });
});
