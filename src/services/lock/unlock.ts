import { stackNameOf } from '../../domain/stack/contract.js';
import type { DockerConnector } from '../../infra/docker/connector.js';
import { inspectConfig, removeConfigById, serverNow } from './configs.js';
import { isExpired, type LockInfo, lockObjectName, readLock } from './record.js';

export interface AppLockRef {
  server: string;
  app: string;
}

export interface AppLockStatus extends LockInfo {
  expired: boolean;
}

/** Who holds an app's lock right now, if anyone (for status displays and `app unlock`). */
export async function readAppLock(
  opts: AppLockRef,
  deps: { docker: DockerConnector },
): Promise<AppLockStatus | undefined> {
  const docker = deps.docker.client(opts.server);
  const stack = stackNameOf(opts.app);
  const obj = await inspectConfig(docker, lockObjectName(stack));
  const info = obj && readLock(stack, obj);
  if (!info) return undefined;
  return { ...info, expired: isExpired(info, await serverNow(docker)) };
}

/**
 * Remove an app's lock whoever holds it, for when its holder is gone for good. Only an object
 * proven to be this app's lock is deleted; the holder, if still running, notices on its next
 * refresh. Returns the lock removed, if there was one.
 */
export async function appUnlock(
  opts: AppLockRef,
  deps: { docker: DockerConnector },
): Promise<LockInfo | undefined> {
  const docker = deps.docker.client(opts.server);
  const stack = stackNameOf(opts.app);
  const obj = await inspectConfig(docker, lockObjectName(stack));
  const info = obj && readLock(stack, obj);
  if (!info) return undefined;
  return (await removeConfigById(docker, info.id)) ? info : undefined;
}
