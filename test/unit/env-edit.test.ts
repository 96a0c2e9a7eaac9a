import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnv } from '../../src/domain/env/document.js';
import { isUserError } from '../../src/errors.js';

const edit = (text: string, key: string, value: string) => parseEnv(text, 'f').set(key, value).toString();

describe('env file: set', () => {
  it('changes only the value bytes of a bare value, keeping the modifier comment', () => {
    const text = 'TYPE=app\r\nSECRET_X_VERSION=v1      # length=128\r\nB=2';
    assert.equal(
      edit(text, 'SECRET_X_VERSION', 'v2'),
      'TYPE=app\r\nSECRET_X_VERSION=v2      # length=128\r\nB=2',
    );
  });

  it('keeps double and single quotes when the value allows', () => {
    assert.equal(edit('A="x" # c\n', 'A', 'y z'), 'A="y z" # c\n');
    assert.equal(edit("  export A = 'x'\t# c\n", 'A', 'y'), "  export A = 'y'\t# c\n");
  });

  it('quotes a bare value only when it needs it, single quotes first', () => {
    assert.equal(edit('A=x\n', 'A', 'a b'), 'A=a b\n');
    assert.equal(edit('A=x\n', 'A', ' padded '), "A=' padded '\n");
    assert.equal(edit('A=x\n', 'A', 'a #b'), "A='a #b'\n");
    assert.equal(edit('A=x\n', 'A', '"lead'), "A='\"lead'\n");
    assert.equal(edit('A=x\n', 'A', "it's #1"), 'A="it\'s #1"\n');
    assert.equal(edit('A=x\n', 'A', 'l1\nl2'), 'A="l1\\nl2"\n');
  });

  it('leaves quotes when the old style cannot hold the value', () => {
    assert.equal(edit("A='x'\n", 'A', "it's"), "A=it's\n");
    assert.equal(edit("A='x' # c\n", 'A', "it's #1"), 'A="it\'s #1" # c\n');
  });

  it('writes $ literally (escaped in bare and double-quoted values)', () => {
    const bare = edit('B=1\nA=x\n', 'A', 'a$B${B}');
    assert.equal(bare, 'B=1\nA=a\\$B\\${B}\n');
    assert.equal(parseEnv(bare, 'f').values().A, 'a$B${B}');
    const double = edit('B=1\nA="x"\n', 'A', 'p $B');
    assert.equal(double, 'B=1\nA="p \\$B"\n');
    assert.equal(parseEnv(double, 'f').values().A, 'p $B');
  });

  it('rewrites the last assignment, which is the one that wins', () => {
    const text = 'COMPOSE_FILE="compose.yml"\nCOMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"\n';
    const out = edit(text, 'COMPOSE_FILE', 'compose.yml:compose.x.yml');
    assert.equal(out, 'COMPOSE_FILE="compose.yml"\nCOMPOSE_FILE="compose.yml:compose.x.yml"\n');
    assert.equal(parseEnv(out, 'f').values().COMPOSE_FILE, 'compose.yml:compose.x.yml');
  });

  it('turns a multi-line value into one line, and later line numbers follow', () => {
    const doc = parseEnv('A="x\ny"\nB=1\n', 'f').set('A', 'z');
    assert.equal(doc.toString(), 'A="z"\nB=1\n');
    assert.deepEqual(
      doc.entries().map((e) => [e.key, e.line]),
      [
        ['A', 1],
        ['B', 2],
      ],
    );
  });

  it('setting the same value changes nothing', () => {
    const text = 'A=x # c\nB=\'y\'\nC="z"\n';
    assert.equal(parseEnv(text, 'f').set('A', 'x').set('B', 'y').set('C', 'z').toString(), text);
  });

  it('appends a new key after the last non-blank line, in the file line ending', () => {
    assert.equal(edit('A=1\n# c\n\n\n', 'B', '2'), 'A=1\n# c\nB=2\n\n\n');
    assert.equal(edit('A=1\r\n\r\n', 'B', '2'), 'A=1\r\nB=2\r\n\r\n');
    assert.equal(edit('A=1', 'B', '2'), 'A=1\nB=2');
    assert.equal(edit('A=1\n  ', 'B', '2'), 'A=1\nB=2\n  ');
    assert.equal(edit('', 'B', '2'), 'B=2\n');
    assert.equal(edit('\n', 'B', 'x y'), 'B=x y\n\n');
  });

  it('does not change the input document', () => {
    const doc = parseEnv('A=1\n', 'f');
    doc.set('A', '2');
    doc.set('B', '3');
    assert.equal(doc.toString(), 'A=1\n');
  });

  it('rejects an invalid key', () => {
    for (const key of ['', 'A B', 'A=B', 'A-B', '#A']) {
      assert.throws(
        () => parseEnv('', 'srv/app.env').set(key, 'x'),
        (err) => isUserError(err) && err.code === 'env_key_invalid' && err.where === 'srv/app.env',
      );
    }
  });

  it('rejects a value abra could not read back', () => {
    for (const value of [` x'"`, ` it's "quoted"`, " '\\"]) {
      assert.throws(
        () => parseEnv('A=1\n', 'srv/app.env').set('A', value),
        (err) => isUserError(err) && err.code === 'env_value_unrepresentable' && /A/.test(err.message),
        JSON.stringify(value),
      );
    }
  });

  it('writes a value ending in a quote or backslash when it needs no quotes', () => {
    assert.equal(edit('A=1\n', 'A', 'say "x"'), 'A=say "x"\n');
    assert.equal(edit('A=1\n', 'A', 'C:\\'), 'A=C:\\\n');
  });
});

describe('env file: unset', () => {
  it('removes every assignment of the key and nothing else', () => {
    const doc = parseEnv('A=1\r\n# keep\r\nB=2\r\nA="3\r\n4"\r\nC=5', 'f');
    assert.equal(doc.unset('A').toString(), '# keep\r\nB=2\r\nC=5');
    assert.deepEqual(doc.unset('A').values(), { B: '2', C: '5' });
  });

  it('an absent key leaves the text alone', () => {
    assert.equal(parseEnv('A=1\n#B=2\n', 'f').unset('B').toString(), 'A=1\n#B=2\n');
  });
});
