import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isExpired,
  type LockObject,
  lockHeldError,
  lockObjectName,
  lockSpec,
  readLock,
  takeoverWarning,
  withLabels,
} from '../../src/services/lock/record.js';
import { releaseOnSignal, type SignalHost } from '../../src/services/lock/signals.js';

const CLAIM = {
  operator: 'alice@laptop',
  pid: 4242,
  command: 'app deploy cloud.example.com',
  token: 'tok1',
  ttlMs: 120_000,
  machine: 'm1',
};

function object(
  stack: string,
  overrides: Partial<LockObject> = {},
  labels: Record<string, string> = {},
): LockObject {
  const spec = lockSpec(stack, CLAIM);
  return {
    ID: 'cfg1',
    Version: { Index: 7 },
    CreatedAt: '2026-03-01T12:00:00.123456789Z',
    UpdatedAt: '2026-03-01T12:01:00.000000000Z',
    ...overrides,
    Spec: { ...spec, Labels: { ...spec.Labels, ...labels } },
  };
}

describe('lock objects', () => {
  it('the spec: fixed name per stack, holder in labels, no stack namespace label', () => {
    const spec = lockSpec('cloud_example_com', CLAIM);
    assert.equal(spec.Name, 'abra-lock_cloud_example_com');
    assert.deepEqual(spec.Labels, {
      'coop-cloud.lock': '1',
      'coop-cloud.lock.stack': 'cloud_example_com',
      'coop-cloud.lock.holder': 'alice@laptop',
      'coop-cloud.lock.pid': '4242',
      'coop-cloud.lock.command': 'app deploy cloud.example.com',
      'coop-cloud.lock.ttl-ms': '120000',
      'coop-cloud.lock.token': 'tok1',
      'coop-cloud.lock.machine': 'm1',
      'coop-cloud.lock.refreshed': '0',
    });
    assert.ok(Buffer.from(spec.Data, 'base64').toString().includes('cloud_example_com'));
    assert.ok(lockObjectName('x'.repeat(45)).length <= 64);
  });

  it('reads the holder; expiry is the server time of the last update plus the TTL', () => {
    const info = readLock('s', object('s'));
    assert.deepEqual(info, {
      id: 'cfg1',
      token: 'tok1',
      releasing: false,
      version: 7,
      stack: 's',
      operator: 'alice@laptop',
      pid: 4242,
      machine: 'm1',
      command: 'app deploy cloud.example.com',
      since: '2026-03-01T12:00:00.123456789Z',
      refreshedAt: '2026-03-01T12:01:00.000000000Z',
      ttlMs: 120_000,
      expiresAt: '2026-03-01T12:03:00.000Z',
    });
    assert.equal(isExpired(info, Date.parse('2026-03-01T12:02:59.999Z')), false);
    assert.equal(isExpired(info, Date.parse('2026-03-01T12:03:00.000Z')), true);
  });

  it('a takeover time label wins over CreatedAt; the releasing mark is read', () => {
    const info = readLock(
      's',
      object(
        's',
        {},
        { 'coop-cloud.lock.since': '2026-03-01T12:00:30.000Z', 'coop-cloud.lock.releasing': '1' },
      ),
    );
    assert.equal(info?.since, '2026-03-01T12:00:30.000Z');
    assert.equal(info?.releasing, true);
  });

  it('only an object proven to be this stack lock is one (ownership before any delete)', () => {
    assert.equal(readLock('other', object('s')), undefined, 'another stack');
    assert.equal(readLock('s', object('s', {}, { 'coop-cloud.lock': '' })), undefined, 'not a lock');
    assert.equal(
      readLock('s', object('s', {}, { 'coop-cloud.lock.stack': 't' })),
      undefined,
      'label mismatch',
    );
    const renamed = object('s');
    renamed.Spec.Name = 'abra-lock_s2';
    assert.equal(readLock('s', renamed), undefined, 'name mismatch');
  });

  it('a lock without a usable TTL is expired rather than blocking forever', () => {
    const info = readLock('s', object('s', {}, { 'coop-cloud.lock.ttl-ms': 'soon' }));
    assert.ok(info);
    assert.equal(isExpired(info, Date.parse('2020-01-01T00:00:00Z')), true);
  });

  it('withLabels keeps name and data (the engine only accepts label updates)', () => {
    const obj = object('s');
    const spec = withLabels(obj, { a: '1' });
    assert.deepEqual(spec, { Name: obj.Spec.Name, Labels: { a: '1' }, Data: obj.Spec.Data });
  });
});

describe('messages', () => {
  const info = readLock('cloud_example_com', object('cloud_example_com'));
  assert.ok(info);
  it('held: who, doing what, since when, and how to proceed', () => {
    const err = lockHeldError('cloud.example.com', 'srv1', info, Date.parse('2026-03-01T12:02:00.000Z'));
    assert.equal(
      err.message,
      'App cloud.example.com is locked by alice@laptop (pid 4242) running "app deploy cloud.example.com", since 2026-03-01T12:00:00Z (2m00s ago)',
    );
    assert.equal(err.code, 'app_locked');
    assert.equal(err.where, 'server srv1, swarm config abra-lock_cloud_example_com');
    assert.match(err.hint ?? '', /Wait for that operation to finish/);
    assert.match(err.hint ?? '', /expires by itself in 1m00s/);
    assert.match(err.hint ?? '', /--force-unlock/);
  });

  it('takeover: names the old holder and why', () => {
    const now = Date.parse('2026-03-01T12:03:10.000Z');
    assert.match(
      takeoverWarning('cloud.example.com', info, now, false),
      /^Took over the lock on cloud\.example\.com held by alice@laptop \(pid 4242\) for "app deploy cloud\.example\.com" since 2026-03-01T12:00:00Z \(it expired 10\.0s ago without a refresh\)/,
    );
    assert.match(takeoverWarning('cloud.example.com', info, now, true), /forced with --force-unlock/);
  });
});

/** A fake `process` for signals: records listeners and re-raised signals. */
function fakeHost(): SignalHost & { raised: string[]; emit(s: NodeJS.Signals): void } {
  const listeners = new Map<string, ((s: NodeJS.Signals) => void)[]>();
  const raised: string[] = [];
  return {
    pid: 99,
    raised,
    on: (s, l) => listeners.set(s, [...(listeners.get(s) ?? []), l]),
    off: (s, l) =>
      listeners.set(
        s,
        (listeners.get(s) ?? []).filter((x) => x !== l),
      ),
    listenerCount: (s) => (listeners.get(s) ?? []).length,
    kill: (pid, s) => raised.push(`${pid}:${s}`),
    emit: (s) => {
      for (const l of [...(listeners.get(s) ?? [])]) l(s);
    },
  };
}

describe('releaseOnSignal', () => {
  const tick = () => new Promise((r) => setImmediate(r));

  it('cleans up, then re-raises the same signal once nothing else listens', async () => {
    const host = fakeHost();
    const done: string[] = [];
    releaseOnSignal(host, async (s) => {
      done.push(s);
    });
    host.emit('SIGTERM');
    await tick();
    assert.deepEqual(done, ['SIGTERM']);
    assert.deepEqual(host.raised, ['99:SIGTERM']);
    assert.equal(host.listenerCount('SIGINT'), 0, 'uninstalled');
  });

  it('with two locks held, the signal is re-raised only after both are released', async () => {
    const host = fakeHost();
    let finishA = () => {};
    let finishB = () => {};
    releaseOnSignal(host, () => new Promise<void>((r) => (finishA = r)));
    releaseOnSignal(host, () => new Promise<void>((r) => (finishB = r)));
    host.emit('SIGINT');
    finishA();
    await tick();
    assert.deepEqual(host.raised, [], 'B still releasing');
    finishB();
    await tick();
    assert.deepEqual(host.raised, ['99:SIGINT']);
  });

  it('a second Ctrl-C exits at once; a failing cleanup still re-raises', async () => {
    const host = fakeHost();
    releaseOnSignal(host, () => new Promise<void>(() => {}));
    host.emit('SIGINT');
    assert.deepEqual(host.raised, []);
    host.emit('SIGINT');
    assert.deepEqual(host.raised, ['99:SIGINT']);

    const host2 = fakeHost();
    releaseOnSignal(host2, async () => {
      throw new Error('network down');
    });
    host2.emit('SIGHUP');
    await tick();
    assert.deepEqual(host2.raised, ['99:SIGHUP']);
  });

  it('the uninstaller (normal release) leaves nothing behind and re-raises nothing', () => {
    const host = fakeHost();
    const uninstall = releaseOnSignal(host, async () => {});
    assert.equal(host.listenerCount('SIGINT'), 1);
    uninstall();
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) assert.equal(host.listenerCount(s), 0);
    assert.deepEqual(host.raised, []);
  });
});
