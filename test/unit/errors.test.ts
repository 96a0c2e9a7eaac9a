import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportError } from '../../src/cli/errors.js';
import { Cancelled, RemoteError, UserError } from '../../src/errors.js';
import { validateServerName } from '../../src/infra/store/servers.js';
import { renderTable } from '../../src/ui/table.js';

function capture(err: unknown, debug = false): { code: number; text: string } {
  let text = '';
  const code = reportError(err, debug, (s) => {
    text += s;
  });
  return { code, text };
}

describe('error reporting', () => {
  it('a user error says what, where and how to fix, exit 1, no stack', () => {
    const { code, text } = capture(new UserError('Bad thing', { where: 'file.env:3', hint: 'Do this' }));
    assert.equal(code, 1);
    assert.equal(text, 'Error: Bad thing\n  where: file.env:3\n  fix:   Do this\n');
  });

  it('credentials in URLs never reach the terminal: message, where, hint, cause and bug reports', () => {
    const url = 'https://bot:tok3n@git.example.org/r.git';
    const err = new UserError(`Could not clone ${url}`, {
      where: url,
      hint: `Try ${url}`,
      cause: new Error(`Command failed: git clone ${url}`),
    });
    for (const debug of [false, true]) {
      const { text } = capture(err, debug);
      assert.doesNotMatch(text, /tok3n/);
      assert.match(text, /https:\/\/bot:<redacted>@git\.example\.org/);
    }
    assert.doesNotMatch(capture(new TypeError(`bad ${url}`), true).text, /tok3n/);
  });

  it('a remote error names the server', () => {
    const { text } = capture(new RemoteError('srv1', 'Down', { hint: 'Wait' }));
    assert.match(text, /where: server srv1/);
  });

  it('a bug says how to report it, stack only under --debug, exit 2', () => {
    const plain = capture(new TypeError('x is undefined'));
    assert.equal(plain.code, 2);
    assert.match(plain.text, /abra hit a bug: x is undefined/);
    assert.match(plain.text, /Please report it at https:\/\//);
    assert.doesNotMatch(plain.text, /\n\s+at /);
    const debug = capture(new TypeError('x is undefined'), true);
    assert.match(debug.text, /\n\s+at /);
  });
});

describe('cancelling', () => {
  it('a "no" answer is not an error: one plain line, exit 0', () => {
    const { code, text } = capture(new Cancelled('Remove cancelled; nothing was deleted.'));
    assert.equal(code, 0);
    assert.equal(text, 'Remove cancelled; nothing was deleted.\n');
    assert.doesNotMatch(text, /Error|bug/);
  });

  it('an interrupt exits 128 + the signal number, also without "Error:"', () => {
    assert.deepEqual(capture(new Cancelled(undefined, { signal: 'SIGINT' })), {
      code: 130,
      text: 'Cancelled; nothing was changed.\n',
    });
    assert.equal(capture(new Cancelled(undefined, { signal: 'SIGTERM' })).code, 143);
  });
});

describe('server names', () => {
  for (const ok of ['example.com', 'lab', 'srv-1.coop.tld', 'a_b']) {
    it(`accepts ${ok}`, () => validateServerName(ok));
  }
  for (const bad of ['', 'root@example.com', 'example.com:2222', '../etc', 'a b', '-flag']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => validateServerName(bad), UserError));
  }
});

describe('tables', () => {
  it('aligns columns and upper-cases headers', () => {
    assert.equal(
      renderTable(
        ['name', 'host'],
        [
          ['a', 'x'],
          ['long-name', 'y'],
        ],
      ),
      'NAME       HOST\na          x\nlong-name  y',
    );
  });
});
