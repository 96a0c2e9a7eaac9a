import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportError } from '../../src/cli/errors.js';
import { RemoteError } from '../../src/errors.js';
import { printable } from '../../src/ui/sanitize.js';
import { renderTable } from '../../src/ui/table.js';

// An OSC 0 title change, a screen clear and a C1 CSI: what a hostile server could send.
const hasControl = (s: string) => [...s].some((c) => c !== '\n' && /\p{Cc}/u.test(c));
const HOSTILE = 'alice\x1b]0;pwned\x07\x1b[2J\x9b31m\x00\x7f';

describe('printable', () => {
  it('shows every C0, C1 and DEL as an escape', () => {
    assert.equal(printable(HOSTILE), 'alice\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x00\\x7f');
  });

  it('keeps what the caller keeps, and escapes line breaks otherwise', () => {
    assert.equal(printable('a\tb\nc'), 'a\\tb\\nc');
    assert.equal(printable('a\tb\x1b[0m', '\t'), 'a\tb\\x1b[0m');
  });

  it('leaves ordinary text, Unicode included, alone', () => {
    const text = 'café — 東京 ✓ $HOME "quoted" \\ back';
    assert.equal(printable(text), text);
  });
});

describe('server text in tables and errors', () => {
  it('a table cell cannot carry an escape sequence or break its row', () => {
    const out = renderTable(['holder', 'error'], [[HOSTILE, 'line1\nline2']]);
    assert.ok(!hasControl(out));
    assert.equal(out.split('\n').length, 2);
  });

  it('an error message quoting a server reply cannot drive the terminal', () => {
    let text = '';
    reportError(new RemoteError('srv', `locked by ${HOSTILE}`), false, (s) => {
      text += s;
    });
    assert.ok(!hasControl(text));
    assert.match(text, /locked by alice\\x1b\]0;pwned/);
  });
});

describe('progress events on the terminal', () => {
  it('escape control characters from servers, keeping line breaks', async () => {
    const { eventRenderer } = await import('../../src/ui/events.js');
    let out = '';
    const sink = eventRenderer({ write: (s) => (out += s), debug: false, machine: false });
    sink({ type: 'warning', message: 'locked by evil\u001b[2J@host\nsecond line' });
    assert.equal(out, 'warning: locked by evil\\x1b[2J@host\nsecond line\n');
  });
});
