import { formatDuration } from '../../domain/audit/render.js';
import { errorMessage, UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { inspectConfig, removeConfigById, updateConfigAt } from './configs.js';
import {
  describeHolder,
  LOCK_REFRESHED_LABEL,
  LOCK_RELEASING_LABEL,
  type LockClaim,
  type LockInfo,
  type LockObject,
  lockObjectName,
  readLock,
  refreshCount,
  withLabels,
} from './record.js';
import { releaseOnSignal } from './signals.js';
import type { AppLock, AppLockDeps, AppLockOptions } from './types.js';

const SIGNAL_RELEASE_TIMEOUT_MS = 10_000;

/** The held lock `id`: refreshes, release, the keep-alive timer and the signal guard. */
export function holdLock(
  docker: DockerClient,
  opts: AppLockOptions,
  stack: string,
  claim: LockClaim,
  id: string,
  deps: AppLockDeps,
): AppLock {
  const lost = new AbortController();
  let released = false;
  let refreshing = false;

  const markLost = (now: LockInfo | undefined): UserError => {
    const by = now ? `taken over by ${describeHolder(now)}` : 'removed';
    const err = new UserError(`The lock on ${opts.app} was ${by} while this operation held it`, {
      where: `server ${opts.server}, swarm config ${lockObjectName(stack)}`,
      hint: `Check the app (\`abra app ps ${opts.app}\`) before deploying it again; someone else may be changing it.`,
      code: 'lock_lost',
    });
    if (!lost.signal.aborted) {
      deps.events({ type: 'warning', message: err.message });
      lost.abort(err);
      stopKeepAlive();
    }
    return err;
  };

  /** The lock object if it still carries our token. */
  const ours = async (): Promise<LockObject> => {
    const obj = await inspectConfig(docker, id);
    const info = obj && readLock(stack, obj);
    if (!obj || !info || info.token !== claim.token) throw markLost(info);
    return obj;
  };

  const refresh = async (): Promise<void> => {
    if (released) return;
    for (let attempt = 0; attempt < 3; attempt++) {
      const obj = await ours();
      const labels = { ...obj.Spec.Labels, [LOCK_REFRESHED_LABEL]: String(refreshCount(obj) + 1) };
      if ((await updateConfigAt(docker, id, obj.Version.Index, withLabels(obj, labels))) === 'updated')
        return;
    }
    throw new UserError(`Could not refresh the lock on ${opts.app}: it keeps changing`, {
      code: 'lock_busy',
    });
  };

  const releaseNow = async (): Promise<void> => {
    if (released) return;
    released = true;
    stopKeepAlive();
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const obj = await ours();
        // Mark it first, with the version guard: a contender that sees the mark waits for the
        // delete instead of taking the lock over (and then losing it to our delete).
        const labels = { ...obj.Spec.Labels, [LOCK_RELEASING_LABEL]: '1' };
        const outcome = await updateConfigAt(docker, id, obj.Version.Index, withLabels(obj, labels));
        if (outcome === 'gone') throw markLost(undefined);
        if (outcome === 'updated') {
          await removeConfigById(docker, id);
          deps.events({ type: 'debug', message: `lock ${lockObjectName(stack)} released on ${opts.server}` });
          return;
        }
      }
      throw new Error('the lock kept changing while being released');
    } catch (err) {
      if (lost.signal.aborted) return;
      deps.events({
        type: 'warning',
        message:
          `Could not release the lock on ${opts.app} (${errorMessage(err)}); it expires by itself within ` +
          `${formatDuration(claim.ttlMs)}, or the next operator can take it over with --force-unlock.`,
      });
    }
  };

  const unguard =
    opts.catchSignals === false
      ? () => undefined
      : releaseOnSignal(deps.signals ?? process, async (signal) => {
          deps.events({
            type: 'warning',
            message: `${signal}: releasing the lock on ${opts.app} before exiting (again to exit at once)`,
          });
          await Promise.race([releaseNow(), deadline(SIGNAL_RELEASE_TIMEOUT_MS)]);
        });

  const keepAliveMs = opts.keepAliveMs ?? Math.max(1000, Math.floor(claim.ttlMs / 4));
  const timer =
    keepAliveMs === false
      ? undefined
      : setInterval(() => {
          if (refreshing || released) return;
          refreshing = true;
          refresh()
            .catch((err: unknown) => {
              if (!lost.signal.aborted)
                deps.events({
                  type: 'warning',
                  message: `Could not refresh the lock on ${opts.app}: ${errorMessage(err)}`,
                });
            })
            .finally(() => {
              refreshing = false;
            });
        }, keepAliveMs);
  // The keep-alive must not keep a finished command's process alive.
  timer?.unref();
  function stopKeepAlive(): void {
    if (timer) clearInterval(timer);
  }

  return {
    app: opts.app,
    server: opts.server,
    stack,
    lost: lost.signal,
    refresh,
    confirm: async () => {
      if (released) return;
      await ours();
    },
    release: async () => {
      unguard();
      await releaseNow();
    },
  };
}

/** A deadline that does not by itself keep the process alive. */
function deadline(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
