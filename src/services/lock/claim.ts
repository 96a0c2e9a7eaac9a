import { UserError } from '../../errors.js';
import { DockerApiError, type DockerClient } from '../../infra/docker/client.js';
import { inspectConfig, serverNow, updateConfigAt } from './configs.js';
import {
  isExpired,
  LOCK_SINCE_LABEL,
  type LockClaim,
  type LockObject,
  lockHeldError,
  lockLabels,
  lockObjectName,
  lockSpec,
  readLock,
  takeoverWarning,
  withLabels,
} from './record.js';
import type { AppLockDeps, AppLockOptions } from './types.js';

// Waiting for a lock being released (its holder deletes it next) or racing other contenders.
const MAX_ATTEMPTS = 20;
const RELEASING_WAIT_MS = 250;

/**
 * Create the lock object, or take over an expired (or, forced, any) one in place; returns the
 * object id. Held by someone else: a UserError naming them.
 */
export async function claimLock(
  docker: DockerClient,
  opts: AppLockOptions,
  stack: string,
  claim: LockClaim,
  deps: AppLockDeps,
): Promise<string> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const created = await createLock(docker, stack, claim);
    if (created) return created;
    const obj = await inspectConfig(docker, lockObjectName(stack));
    if (!obj) continue; // released between our create and our look
    const info = readLock(stack, obj);
    if (!info) throw foreignObjectError(opts.server, obj);
    const now = await serverNow(docker);
    const expired = isExpired(info, now);
    if (info.releasing && !expired) {
      await sleep(RELEASING_WAIT_MS);
      continue;
    }
    // A holder on this very machine whose process is gone (killed, crashed, lost its SSH
    // connection) cannot refresh or release: no need to make the re-run wait for expiry.
    // Recognised by the machine's opaque id, never by `user@host`: two laptops can share that
    // name, and taking over a live lock of the other would let both deploy at once.
    const deadHere =
      info.machine !== '' &&
      info.machine === claim.machine &&
      info.pid > 0 &&
      info.pid !== process.pid &&
      !processAlive(info.pid);
    if (!expired && !opts.force && !deadHere) throw lockHeldError(opts.app, opts.server, info, now);
    // Take over in place, guarded by the version we read: of several contenders (or a holder
    // waking up and refreshing) exactly one update wins; the others read again.
    const labels = lockLabels(stack, claim, { [LOCK_SINCE_LABEL]: new Date(now).toISOString() });
    if ((await updateConfigAt(docker, info.id, info.version, withLabels(obj, labels))) === 'updated') {
      deps.events({ type: 'warning', message: takeoverWarning(opts.app, info, now, !expired && !deadHere) });
      return info.id;
    }
  }
  throw new UserError(`Could not take the lock on ${opts.app}: other operators keep taking it`, {
    where: `server ${opts.server}, swarm config ${lockObjectName(stack)}`,
    hint: 'Someone else is working on this app right now; wait for them to finish, then retry.',
    code: 'app_lock_busy',
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function createLock(
  docker: DockerClient,
  stack: string,
  claim: LockClaim,
): Promise<string | undefined> {
  try {
    return (await docker.createConfig(lockSpec(stack, claim))).ID;
  } catch (err) {
    if (isConflict(err)) return undefined;
    throw err;
  }
}

function foreignObjectError(server: string, obj: LockObject): UserError {
  return new UserError(`The swarm config ${obj.Spec.Name} exists but is not an abra lock`, {
    where: `server ${server}`,
    hint: `abra uses that name for its deploy lock: remove the config (\`docker config rm ${obj.Spec.Name}\`) if nothing needs it.`,
    code: 'app_lock_foreign',
  });
}

function isConflict(err: unknown): boolean {
  return err instanceof DockerApiError && err.status === 409;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
