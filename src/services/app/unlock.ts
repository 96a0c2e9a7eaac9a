import { Cancelled } from '../../errors.js';
import type { Deps } from '../deps.js';
import { appUnlock, readAppLock } from '../lock/unlock.js';
import { runOperation } from '../operation/run.js';
import { findApp } from './find-app.js';

export interface UnlockResult {
  app: string;
  server: string;
  removed: { operator: string; command: string; since: string } | undefined;
}

/**
 * Remove an app's deploy lock when its holder is gone for good (asks unless -n). The one
 * operation that runs without taking the lock: it is the lock's removal. Audited like any other.
 */
export async function appUnlockService(
  opts: { app: string; noInput: boolean; argv: string[] },
  deps: Pick<
    Deps,
    'paths' | 'docker' | 'events' | 'prompt' | 'env' | 'signals' | 'machineId' | 'argv' | 'clock'
  >,
): Promise<UnlockResult> {
  const found = await findApp(opts.app, deps.paths);
  const ref = { server: found.server, app: found.app };
  const held = await readAppLock(ref, deps);
  if (!held) return { app: found.app, server: found.server, removed: undefined };
  return runOperation(
    { kind: 'unlock', app: found.app, server: found.server, argv: opts.argv, lock: false },
    deps,
    async (op) => {
      if (!opts.noInput) {
        const ok = await deps.prompt.confirm(
          `${found.app} is locked by ${held.operator} since ${held.since} (${held.command})${held.expired ? ', expired' : ''}. Remove the lock?`,
        );
        if (!ok) throw new Cancelled('Cancelled; the lock was kept.');
      }
      op.checkpoint();
      const removed = await appUnlock(ref, deps);
      op.note.message = removed ? `removed lock of ${removed.operator}` : 'no lock';
      return {
        app: found.app,
        server: found.server,
        removed: removed && { operator: removed.operator, command: removed.command, since: removed.since },
      };
    },
  );
}
