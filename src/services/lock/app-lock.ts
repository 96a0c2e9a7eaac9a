import { randomBytes } from 'node:crypto';
import { redactArgv } from '../../domain/audit/redact.js';
import { formatCommand } from '../../domain/audit/render.js';
import { stackNameOf } from '../../domain/stack/contract.js';
import { operatorId } from '../audit/operator.js';
import { claimLock } from './claim.js';
import { holdLock } from './hold.js';
import { type LockClaim, lockObjectName } from './record.js';
import { type AppLock, type AppLockDeps, type AppLockOptions, DEFAULT_LOCK_TTL_MS } from './types.js';

export { type AppLock, type AppLockDeps, type AppLockOptions, DEFAULT_LOCK_TTL_MS } from './types.js';

/**
 * Take the deploy lock of an app on its server, so no other operator (on any machine) deploys
 * or changes it at the same time. Held by someone else: a UserError naming them. Expired (its
 * holder stopped refreshing it): taken over with a warning. The lock refreshes itself while
 * held and is released on Ctrl-C/SIGTERM before the process exits.
 */
export async function acquireAppLock(opts: AppLockOptions, deps: AppLockDeps): Promise<AppLock> {
  const docker = deps.docker.client(opts.server);
  const stack = stackNameOf(opts.app);
  const claim: LockClaim = {
    operator: operatorId(deps.env, deps.operator),
    pid: process.pid,
    machine: await deps.machineId(),
    command: formatCommand(redactArgv(opts.command)),
    token: opts.operation ?? randomBytes(8).toString('hex'),
    ttlMs: opts.ttlMs ?? DEFAULT_LOCK_TTL_MS,
  };
  const id = await claimLock(docker, opts, stack, claim, deps);
  deps.events({
    type: 'debug',
    message: `lock ${lockObjectName(stack)} taken on ${opts.server} (config ${id})`,
  });
  return holdLock(docker, opts, stack, claim, id, deps);
}

/** Run `fn` holding the app's lock; released whether `fn` succeeds, fails or is interrupted. */
export async function withAppLock<T>(
  opts: AppLockOptions,
  deps: AppLockDeps,
  fn: (lock: AppLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireAppLock(opts, deps);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
