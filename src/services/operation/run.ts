import { randomBytes } from 'node:crypto';
import type { AuditResult, AuditVersion } from '../../domain/audit/entry.js';
import type { EventSink, OperationResult } from '../../domain/events/types.js';
import { Cancelled, errorMessage, UserError } from '../../errors.js';
import { type AuditDeps, recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import { acquireAppLock } from '../lock/app-lock.js';
import type { AppLock } from '../lock/types.js';
import { interruptible } from './signals.js';

/** What every change to an app declares up front. */
export interface OperationScope {
  /** deploy, undeploy, restart, secret generate, ... (for events and messages). */
  kind: string;
  app: string;
  server: string;
  /** argv after `abra`, as typed (redacted before it is stored or shown); default: the run's. */
  argv?: readonly string[] | undefined;
  version?: AuditVersion;
  /** Take the app's lock (default). Only `app unlock` works without it. */
  lock?: boolean;
  /** `--force-unlock`: take the lock over even from a live holder. */
  forceUnlock?: boolean;
  /**
   * Catch Ctrl-C to stop the operation cleanly (default). Off for commands that hand the
   * terminal to a process in a container (`app run`): there Ctrl-C must reach abra's default
   * handling and end it, as with `docker exec`.
   */
  catchSignals?: boolean;
  /** Write the audit entry to the server too (default); false when the server is unreachable by design. */
  remoteAudit?: boolean;
}

/** The running operation, as the code inside the wrapper sees it. */
export interface Operation {
  readonly id: string;
  readonly kind: string;
  /** Aborted when the operation must stop writing: its lock was lost, or the operator pressed Ctrl-C. */
  readonly signal: AbortSignal;
  /** Throws why the operation must stop, if it must; called before every write. */
  checkpoint(): void;
  /**
   * Ask the server whether the lock is still ours (one read); throws `lock_lost` if not. Called
   * before a result is claimed: the keep-alive alone may notice a takeover only much later.
   */
  confirmLock(): Promise<void>;
  /** What the audit entry will say; the operation fills in versions, result and message. */
  readonly note: OperationNote;
  /**
   * What has been changed so far, in words; printed if the operator insists on exiting
   * mid-operation, so they know exactly what state the app is in.
   */
  readonly changes: string[];
  readonly emit: EventSink;
}

export interface OperationNote {
  version: AuditVersion;
  /** Set 'rolled-back' before throwing when the operation undid itself. */
  result?: AuditResult;
  message?: string;
}

export type OperationDeps = Pick<
  Deps,
  'docker' | 'events' | 'env' | 'paths' | 'signals' | 'machineId' | 'clock' | 'argv' | 'operator'
>;

/**
 * The one wrapper around every change to an app: takes the app's lock, runs `fn` (which reads
 * the current state under the lock, then changes it), and on every way out (return, throw,
 * lost lock, Ctrl-C) writes one audit entry with who, what, from which version to which, the
 * result and the duration, then releases the lock.
 *
 * Ctrl-C once: the operation is asked to stop (`signal` aborts with a Cancelled) and decides
 * itself how to leave the app consistent (deploy rolls back). Twice: the state reached so far
 * is printed and audited, and the process exits at once.
 */
export async function runOperation<T>(
  scope: OperationScope,
  deps: OperationDeps,
  fn: (op: Operation) => Promise<T>,
): Promise<T> {
  const started = deps.clock.now();
  const id = randomBytes(8).toString('hex');
  const stop = new AbortController();
  const note: OperationNote = { version: { ...scope.version } };
  const changes: string[] = [];
  const base = { op: id, kind: scope.kind, app: scope.app, server: scope.server };
  deps.events({ type: 'operation.started', ...base });

  const audit = (result: AuditResult, message: string | undefined) =>
    recordAudit(auditDepsOf(deps), {
      app: scope.app,
      server: scope.server,
      argv: scope.argv ?? deps.argv,
      startedAt: new Date(started),
      result,
      version: note.version,
      operation: id,
      ...(message === undefined ? {} : { message }),
      ...(scope.remoteAudit === false ? { remote: false } : {}),
    });
  const finish = (result: OperationResult, message: string | undefined) =>
    deps.events({
      type: 'operation.finished',
      ...base,
      result,
      durationMs: deps.clock.now() - started,
      ...(message === undefined ? {} : { message }),
    });

  // Whether a write may have happened since the lock was last confirmed (checkpoint() comes
  // before every write): if not, the final confirmation would only repeat the last one.
  let unconfirmed = true;
  const op: Operation = {
    id,
    kind: scope.kind,
    signal: stop.signal,
    checkpoint: () => {
      unconfirmed = true;
      if (stop.signal.aborted) throw stop.signal.reason;
    },
    confirmLock: async () => {
      op.checkpoint();
      await lock?.confirm();
      op.checkpoint();
      unconfirmed = false;
    },
    note,
    changes,
    emit: deps.events,
  };

  let lock: AppLock | undefined;
  // The result is decided: write its audit entry and release the lock at the same time.
  const auditAndRelease = async (result: AuditResult, message: string | undefined) => {
    await Promise.all([audit(result, message), lock?.release()]);
  };
  const uninstall =
    scope.catchSignals === false
      ? () => undefined
      : interruptible(deps.signals, {
          first: (signal) => {
            deps.events({
              type: 'warning',
              message: `${signal}: stopping ${scope.kind} of ${scope.app} after the current step (again to exit at once)`,
            });
            stop.abort(new Cancelled(`${scope.kind} of ${scope.app} interrupted`, { signal }));
          },
          second: async () => {
            const state = changes.length
              ? `changed so far: ${changes.join('; ')}`
              : 'nothing had been changed on the server yet';
            deps.events({
              type: 'warning',
              message:
                `Exiting in the middle of ${scope.kind} of ${scope.app}: ${state}. ` +
                `Check it with \`abra app ps ${scope.app}\` and run the command again to finish.`,
            });
            await audit('cancelled', `interrupted twice; ${state}`);
            await lock?.release();
          },
        });

  try {
    if (scope.lock !== false) {
      lock = await acquireAppLock(
        {
          server: scope.server,
          app: scope.app,
          command: scope.argv ?? deps.argv,
          force: scope.forceUnlock === true,
          operation: id,
          catchSignals: false,
        },
        deps,
      );
      const lost = lock.lost;
      lost.addEventListener('abort', () => stop.abort(lost.reason), { once: true });
    }
    const value = await fn(op);
    // Whatever the operation did after losing its lock was not under its protection. An
    // operation that confirmed the lock after its last write (deploy does, before recording the
    // version) needs no second round trip; a loss noticed meanwhile still counts.
    if (unconfirmed) await op.confirmLock();
    else if (stop.signal.aborted) throw stop.signal.reason;
    const result = note.result ?? 'ok';
    await auditAndRelease(result, note.message);
    finish(result, note.message);
    return value;
  } catch (err) {
    const result: AuditResult =
      note.result === 'rolled-back' ? 'rolled-back' : err instanceof Cancelled ? 'cancelled' : 'failed';
    const message = note.message ?? errorMessage(err);
    await auditAndRelease(result, message);
    finish(result, message);
    throw err;
  } finally {
    uninstall();
    await lock?.release();
  }
}

function auditDepsOf(deps: OperationDeps): AuditDeps {
  return {
    paths: deps.paths,
    docker: deps.docker,
    events: deps.events,
    env: deps.env,
    operator: deps.operator,
  };
}

/** The error an operation throws when it finds its lock gone (for callers that check by hand). */
export function isLockLost(err: unknown): boolean {
  return err instanceof UserError && err.code === 'lock_lost';
}
