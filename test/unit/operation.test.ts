import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OperationEvent } from '../../src/domain/events/types.js';
import { Cancelled, UserError } from '../../src/errors.js';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { systemClock } from '../../src/services/deps.js';
import type { SignalHost } from '../../src/services/lock/signals.js';
import { type OperationDeps, runOperation } from '../../src/services/operation/run.js';
import { type FakeEngine, startFakeEngine } from '../helpers/fake-engine.js';

let engine: FakeEngine;
const dirs: string[] = [];
const connectors: DockerConnector[] = [];

before(async () => {
  engine = await startFakeEngine();
});
after(async () => {
  for (const c of connectors) await c.close();
  await engine.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

class FakeSignals extends EventEmitter {
  readonly pid = 1;
  killed: NodeJS.Signals[] = [];
  kill(_pid: number, signal: NodeJS.Signals): boolean {
    this.killed.push(signal);
    return true;
  }
}

function deps(machine = 'machine-a'): OperationDeps & {
  seen: OperationEvent[];
  signals: FakeSignals;
  auditLines: () => Record<string, unknown>[];
} {
  const root = mkdtempSync(join(tmpdir(), 'abra-op-'));
  dirs.push(root);
  const env = { ...engine.env, ABRA_DIR: root, USER: 'alice' };
  const docker = new DockerConnector({ env, debug: () => undefined });
  connectors.push(docker);
  const seen: OperationEvent[] = [];
  const signals = new FakeSignals();
  return {
    paths: abraPaths(env),
    docker,
    events: (e) => seen.push(e),
    env,
    signals: signals as unknown as SignalHost & FakeSignals,
    machineId: async () => machine,
    clock: systemClock,
    argv: ['app', 'deploy', 'x.example.com'],
    seen,
    auditLines: () =>
      readFileSync(join(root, 'audit.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const scope = (app: string) => ({ kind: 'deploy', app, server: 'default', version: { to: '2.0.0' } });
const lockOf = (app: string) =>
  [...engine.configs.values()].find((c) => c.Spec.Name === `abra-lock_${app.replaceAll('.', '_')}`);
const auditObjects = (app: string) =>
  [...engine.configs.values()].filter(
    (c) => c.Spec.Labels?.['coop-cloud.audit.stack'] === app.replaceAll('.', '_'),
  );

describe('runOperation', () => {
  it('holds the lock while it runs (labelled with the operation id and machine), audits ok, releases', async () => {
    const d = deps();
    const app = 'ok.example.com';
    let during: Record<string, string> | undefined;
    const value = await runOperation(scope(app), d, async (op) => {
      during = lockOf(app)?.Spec.Labels;
      op.note.version.from = '1.0.0';
      op.note.message = 'done';
      return 42;
    });
    assert.equal(value, 42);
    assert.equal(during?.['coop-cloud.lock.machine'], 'machine-a');
    const started = d.seen.find((e) => e.type === 'operation.started');
    assert.ok(started && started.type === 'operation.started');
    assert.equal(during?.['coop-cloud.lock.token'], started.op);
    assert.equal(lockOf(app), undefined, 'released');
    const [entry] = d.auditLines();
    assert.equal(entry?.result, 'ok');
    assert.deepEqual(entry?.version, { from: '1.0.0', to: '2.0.0' });
    assert.equal(entry?.operation, started.op);
    assert.deepEqual(entry?.command, ['app', 'deploy', 'x.example.com']);
    assert.equal(auditObjects(app).length, 1, 'the server keeps the entry too');
    const finished = d.seen.find((e) => e.type === 'operation.finished');
    assert.ok(finished && finished.type === 'operation.finished' && finished.result === 'ok');
  });

  it('a failure is audited as failed with its message and rethrown unchanged; rolled-back when the operation says so', async () => {
    const d = deps();
    const boom = new UserError('the image does not exist', { code: 'x' });
    await assert.rejects(
      runOperation(scope('fail.example.com'), d, async () => Promise.reject(boom)),
      (e) => e === boom,
    );
    await assert.rejects(
      runOperation(scope('fail.example.com'), d, async (op) => {
        op.note.result = 'rolled-back';
        throw boom;
      }),
    );
    const lines = d.auditLines();
    assert.deepEqual(
      lines.map((l) => [l.result, l.message]),
      [
        ['failed', 'the image does not exist'],
        ['rolled-back', 'the image does not exist'],
      ],
    );
    assert.equal(lockOf('fail.example.com'), undefined);
  });

  it('a lock held by a live operator on another machine with the same user@host is refused, not taken over', async () => {
    const app = 'twin.example.com';
    const first = deps('machine-a');
    const second = deps('machine-b');
    let release!: () => void;
    const holding = runOperation(scope(app), first, () => new Promise<void>((r) => (release = r)));
    await waitFor(() => lockOf(app) !== undefined);
    // Same USER, same hostname, a pid that does not exist on this machine: only the machine id differs.
    const lock = lockOf(app);
    assert.ok(lock?.Spec.Labels);
    lock.Spec.Labels['coop-cloud.lock.pid'] = '999999';
    await assert.rejects(
      runOperation(scope(app), second, async () => 1),
      /locked by alice@/,
    );
    release();
    await holding;
  });

  it('a dead holder on this very machine is recovered at once', async () => {
    const app = 'dead.example.com';
    const first = deps('machine-a');
    let release!: () => void;
    const holding = runOperation(scope(app), first, () => new Promise<void>((r) => (release = r)));
    await waitFor(() => lockOf(app) !== undefined);
    const lock = lockOf(app);
    assert.ok(lock?.Spec.Labels);
    lock.Spec.Labels['coop-cloud.lock.pid'] = '999999';
    const again = deps('machine-a');
    assert.equal(await runOperation(scope(app), again, async () => 'mine'), 'mine');
    assert.ok(again.seen.some((e) => e.type === 'warning' && /Took over the lock/.test(e.message)));
    release();
    await holding.catch(() => undefined);
  });

  it('an operation that loses its lock stops at its next checkpoint and is audited as failed, not ok', async () => {
    const app = 'lost.example.com';
    const d = deps();
    const err = await runOperation(scope(app), d, async () => {
      const lock = lockOf(app);
      assert.ok(lock);
      engine.configs.delete(lock.ID); // `app unlock` by someone else
      // The keep-alive (every TTL/4) has not noticed yet: the result must still not be claimed.
      return 'wrote anyway';
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const lines = d.auditLines();
    assert.notEqual(lines.at(-1)?.result, 'ok', `audited ${JSON.stringify(lines.at(-1))}`);
    assert.ok(err instanceof UserError && err.code === 'lock_lost', String(err));
  });

  it('Ctrl-C asks the operation to stop: it cleans up, is audited cancelled, and the error is a Cancelled from a signal', async () => {
    const d = deps();
    const app = 'sigint.example.com';
    const res = await runOperation(scope(app), d, async (op) => {
      d.signals.emit('SIGINT', 'SIGINT');
      assert.ok(op.signal.aborted);
      assert.throws(() => op.checkpoint(), Cancelled);
      op.checkpoint();
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(res instanceof Cancelled && res.signal === 'SIGINT');
    assert.equal(d.auditLines().at(-1)?.result, 'cancelled');
    assert.equal(lockOf(app), undefined);
    assert.equal(d.signals.listenerCount('SIGINT'), 0, 'handlers removed');
  });

  it('a second Ctrl-C says what was changed, audits it, releases the lock, and re-raises the signal', async () => {
    const d = deps();
    const app = 'sigint2.example.com';
    let finish!: () => void;
    const gate = new Promise<void>((r) => {
      finish = r;
    });
    const running = runOperation(scope(app), d, async (op) => {
      op.changes.push('updated service app');
      d.signals.emit('SIGINT', 'SIGINT');
      d.signals.emit('SIGINT', 'SIGINT');
      await gate;
    });
    await waitFor(() => d.signals.killed.length > 0);
    assert.deepEqual(d.signals.killed, ['SIGINT']);
    const warning = d.seen.find((e) => e.type === 'warning' && /Exiting in the middle/.test(e.message));
    assert.ok(warning && warning.type === 'warning' && /updated service app/.test(warning.message));
    assert.equal(d.auditLines().at(-1)?.result, 'cancelled');
    assert.equal(lockOf(app), undefined, 'released before exiting');
    finish();
    await running.catch(() => undefined);
  });

  it('a lock confirmed after the last write is not confirmed again at the end; a write after it is', async () => {
    const updates = async (app: string, fn: Parameters<typeof runOperation>[2]) => {
      const from = engine.requests.length;
      await runOperation(scope(app), deps(), fn);
      const requests = engine.requests.slice(from);
      // A confirmation is one read of the lock; it writes nothing (only the release marks it).
      assert.equal(requests.filter((r) => /^POST \/[^ ]*configs\/[^/]+\/update/.test(r)).length, 1);
      // Reads of the lock object: each confirmation, and the release's own check.
      return requests.filter((r) => /^GET \/[^ ]*configs\/[^/?]+$/.test(r)).length;
    };
    const confirmedLast = await updates('confirmed.example.com', async (op) => {
      op.checkpoint();
      await op.confirmLock();
    });
    const wroteAfter = await updates('wrote-after.example.com', async (op) => {
      await op.confirmLock();
      op.checkpoint();
    });
    const never = await updates('never.example.com', async () => undefined);
    // one confirmation + the release's read; two + the release's; the final one + the release's
    assert.deepEqual([confirmedLast, wroteAfter, never], [2, 3, 2]);
  });

  it('a stop requested after the last confirmation still counts (no result is claimed)', async () => {
    const d = deps();
    const err = await runOperation(scope('late-stop.example.com'), d, async (op) => {
      await op.confirmLock();
      // A lost lock noticed by the keep-alive aborts the same signal as Ctrl-C does.
      d.signals.emit('SIGINT', 'SIGINT');
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof Cancelled, String(err));
    assert.equal(d.auditLines().at(-1)?.result, 'cancelled');
  });

  it('without the lock (app unlock) it still audits', async () => {
    const d = deps();
    await runOperation(
      { ...scope('nolock.example.com'), kind: 'unlock', lock: false },
      d,
      async () => undefined,
    );
    assert.equal(engine.requests.filter((r) => r.includes('abra-lock_nolock')).length, 0);
    assert.equal(d.auditLines().at(-1)?.result, 'ok');
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
