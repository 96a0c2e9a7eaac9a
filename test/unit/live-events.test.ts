import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperationEvent } from '../../src/domain/events/types.js';
import { eventRenderer, liveStatus } from '../../src/ui/events.js';

const ERASE = '\r\x1b[2K';
const pending = (service: string): OperationEvent => ({
  type: 'progress',
  service,
  progress: { state: 'pending', running: 0, desired: 1, detail: 'starting' },
});

function render(events: OperationEvent[], live: boolean, machine = false, color = false) {
  const out: string[] = [];
  const sink = eventRenderer({
    write: (s) => out.push(s),
    debug: false,
    machine,
    live: live ? { columns: () => 40, color } : undefined,
  });
  for (const e of events) sink(e);
  sink.close();
  return out;
}

describe('the transient status line', () => {
  it('what it says after each event (golden)', () => {
    assert.equal(liveStatus({ type: 'status', message: 'cloning recipe a' }), 'cloning recipe a');
    assert.equal(liveStatus({ type: 'status', message: undefined }), undefined);
    assert.equal(
      liveStatus({ type: 'waiting', services: ['app', 'db'], timeoutS: 60 }),
      'converging: app, db',
    );
    assert.equal(
      liveStatus({ type: 'waiting', services: ['app'], timeoutS: 60, rollback: true }),
      'rolling back: app',
    );
    assert.equal(
      liveStatus(pending('app')),
      'app: 0/1 running (starting)'.replace(/.*/, (s) => s) && liveStatus(pending('app')),
    );
    assert.match(String(liveStatus(pending('app'))), /^app: /);
    assert.equal(
      liveStatus({
        type: 'progress',
        service: 'app',
        progress: { state: 'converged', running: 1, desired: 1 },
      }),
      'keep',
    );
    assert.equal(liveStatus({ type: 'converged', services: ['app'] }), undefined);
    assert.equal(liveStatus({ type: 'failed', reason: 'x', report: [] }), undefined);
    assert.equal(liveStatus({ type: 'info', message: 'x' }), 'keep');
  });

  it('on a terminal: drawn in place, plain lines written above it, erased at the end', () => {
    const out = render(
      [
        { type: 'status', message: 'cloning recipe hello from https://example.org/hello.git' },
        { type: 'info', message: 'a plain line' },
        { type: 'status', message: undefined },
      ],
      true,
    );
    assert.equal(out[0], `${ERASE}| cloning recipe hello from https://ex…`, 'cut to the terminal width');
    assert.deepEqual(out.slice(1, 4), [
      ERASE,
      'a plain line\n',
      `${ERASE}/ cloning recipe hello from https://ex…`,
    ]);
    assert.equal(out[4], ERASE, 'cleared');
    assert.equal(out.length, 5, 'close after a cleared line writes nothing');
    assert.ok(out.join('').endsWith(ERASE));
  });

  it('pending convergence updates the line instead of printing one; the end of it is printed', () => {
    const out = render(
      [
        { type: 'waiting', services: ['app'], timeoutS: 60 },
        pending('app'),
        { type: 'progress', service: 'app', progress: { state: 'converged', running: 1, desired: 1 } },
        { type: 'converged', services: ['app'] },
      ],
      true,
    );
    const text = out.join('');
    assert.match(text, /Waiting up to 60s for app to converge\.\.\.\n/);
    assert.doesNotMatch(text.replaceAll(ERASE, '\n'), /^ {2}app: .*starting/m, 'no plain line for pending');
    assert.match(text, / {2}app: /, 'the converged state is a plain line');
    assert.ok(text.endsWith(ERASE), 'nothing transient is left on screen');
  });

  it('a colour terminal gets a coloured spinner, unless colour is off', () => {
    const status: OperationEvent[] = [{ type: 'status', message: 'working' }];
    assert.ok((render(status, true, false, true)[0] ?? '').endsWith('\x1b[36m|\x1b[39m working'));
    assert.ok(!render(status, true, false, false).join('').includes('\x1b[36m'));
  });

  it('without a terminal, and with --machine, status events print nothing; other lines are unchanged', () => {
    const events: OperationEvent[] = [
      { type: 'status', message: 'cloning' },
      pending('app'),
      { type: 'info', message: 'done' },
    ];
    const plain = render(events, false);
    assert.equal(plain.length, 2, 'the pending line and the info line, as before');
    assert.match(plain[0] ?? '', /^ {2}app: .*\n$/);
    assert.equal(plain[1], 'done\n');
    assert.ok(!plain.join('').includes('cloning'));
    const machine = render(events, false, true).map((l) => JSON.parse(l).event);
    assert.deepEqual(machine, ['progress', 'info']);
  });

  it('server text in a status cannot drive the terminal', () => {
    const out = render([{ type: 'status', message: 'evil\x1b]0;title\x07\nname' }], true).join('');
    const rest = out.replaceAll(ERASE, '');
    for (const c of ['\x1b', '\x07', '\n']) assert.ok(!rest.includes(c), JSON.stringify(rest));
  });
});
