// The on-server representation of an app's deploy lock, as pure functions.
//
// A lock is the swarm config `abra-lock_<stack>`: the engine refuses a second object with the
// same name, so creating it is an atomic test-and-set shared by every operator of the server.
// Every later change (refresh, takeover of an expired lock, release) is a label update sent
// with the object's version, which the engine applies only if nobody changed the object in
// between: a compare-and-swap. A random token per acquisition tells holders apart.
// Expiry is measured with the swarm manager's clock (the object's UpdatedAt plus the TTL), never
// the operators' laptops, whose clocks may disagree by minutes.
//
// Like the audit entries, the lock is labelled with abra's own stack label and NOT
// com.docker.stack.namespace, which `docker stack rm` sweeps: an undeploy must not delete the
// lock that protects it.

import { formatDuration } from '../../domain/audit/render.js';
import { UserError } from '../../errors.js';

export const LOCK_LABEL = 'coop-cloud.lock';
/** The stack the lock belongs to: the ownership proof checked before any delete or update. */
export const LOCK_STACK_LABEL = 'coop-cloud.lock.stack';
export const LOCK_HOLDER_LABEL = 'coop-cloud.lock.holder';
export const LOCK_PID_LABEL = 'coop-cloud.lock.pid';
export const LOCK_COMMAND_LABEL = 'coop-cloud.lock.command';
export const LOCK_TTL_LABEL = 'coop-cloud.lock.ttl-ms';
/** Random per acquisition: a holder only ever refreshes or deletes the lock carrying its token. */
export const LOCK_TOKEN_LABEL = 'coop-cloud.lock.token';
/** Server time of a takeover; without it the object's CreatedAt is when the lock was taken. */
export const LOCK_SINCE_LABEL = 'coop-cloud.lock.since';
/** Set by the holder just before deleting, so a contender waits instead of taking it over. */
export const LOCK_RELEASING_LABEL = 'coop-cloud.lock.releasing';
/** Bumped by every refresh, so the update changes the spec (and so UpdatedAt). */
export const LOCK_REFRESHED_LABEL = 'coop-cloud.lock.refreshed';
/** Opaque id of the holder's machine (not its name: two laptops can share `user@host`). */
export const LOCK_MACHINE_LABEL = 'coop-cloud.lock.machine';
export const LOCK_NAME_PREFIX = 'abra-lock_';

const MAX_COMMAND_LABEL = 200;

/** A swarm config as the Engine API returns it; structurally a SwarmObject. */
export interface LockObject {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: { Name: string; Labels?: Record<string, string>; Data?: string };
}

export interface LockHolder {
  /** user@host */
  operator: string;
  pid: number;
  /** The holder machine's opaque id; '' for locks written before it was recorded. */
  machine: string;
  /** What the holder is doing, secret values already redacted. */
  command: string;
}

export interface LockInfo extends LockHolder {
  id: string;
  token: string;
  releasing: boolean;
  version: number;
  stack: string;
  /** Server time the lock was taken. */
  since: string;
  /** Server time of the last refresh (or the creation). */
  refreshedAt: string;
  ttlMs: number;
  /** Server time after which anyone may take the lock over. */
  expiresAt: string;
}

export function lockObjectName(stack: string): string {
  return `${LOCK_NAME_PREFIX}${stack}`;
}

export interface LockClaim extends LockHolder {
  /** The operation's random id: the one proof of holding the lock. */
  token: string;
  ttlMs: number;
}

export interface LockSpec {
  Name: string;
  Labels: Record<string, string>;
  Data: string;
}

export function lockLabels(
  stack: string,
  claim: LockClaim,
  extra: Record<string, string> = {},
): Record<string, string> {
  const command =
    claim.command.length > MAX_COMMAND_LABEL
      ? `${claim.command.slice(0, MAX_COMMAND_LABEL - 1)}…`
      : claim.command;
  return {
    [LOCK_LABEL]: '1',
    [LOCK_STACK_LABEL]: stack,
    [LOCK_HOLDER_LABEL]: claim.operator,
    [LOCK_PID_LABEL]: String(claim.pid),
    [LOCK_COMMAND_LABEL]: command,
    [LOCK_TTL_LABEL]: String(Math.round(claim.ttlMs)),
    [LOCK_TOKEN_LABEL]: claim.token,
    [LOCK_MACHINE_LABEL]: claim.machine,
    [LOCK_REFRESHED_LABEL]: '0',
    ...extra,
  };
}

/**
 * The config spec to create. Config data is immutable and a takeover keeps the object, so the
 * holder lives in the labels only; the data just says what the object is.
 */
export function lockSpec(stack: string, claim: LockClaim): LockSpec {
  const data = `abra deploy lock of stack ${stack}; the holder is in the labels (${LOCK_LABEL}.*)\n`;
  return {
    Name: lockObjectName(stack),
    Labels: lockLabels(stack, claim),
    Data: Buffer.from(data, 'utf8').toString('base64'),
  };
}

/** The same object with new labels, for a compare-and-swap update (only labels may change). */
export function withLabels(obj: LockObject, labels: Record<string, string>): LockSpec {
  return { Name: obj.Spec.Name, Labels: labels, Data: obj.Spec.Data ?? '' };
}

/** The lock this object represents, or undefined when it does not provably belong to `stack`. */
export function readLock(stack: string, obj: LockObject): LockInfo | undefined {
  const labels = obj.Spec.Labels ?? {};
  if (obj.Spec.Name !== lockObjectName(stack)) return undefined;
  if (labels[LOCK_LABEL] !== '1' || labels[LOCK_STACK_LABEL] !== stack) return undefined;
  const ttlMs = Number(labels[LOCK_TTL_LABEL]);
  const refreshed = Date.parse(obj.UpdatedAt);
  // A lock without a usable TTL or time can never be proven stale: treat it as already expired
  // rather than blocking the app forever.
  const valid = Number.isFinite(ttlMs) && ttlMs > 0 && !Number.isNaN(refreshed);
  return {
    id: obj.ID,
    token: labels[LOCK_TOKEN_LABEL] ?? '',
    releasing: labels[LOCK_RELEASING_LABEL] === '1',
    version: obj.Version.Index,
    stack,
    operator: labels[LOCK_HOLDER_LABEL] || 'an unknown operator',
    pid: Number(labels[LOCK_PID_LABEL]) || 0,
    machine: labels[LOCK_MACHINE_LABEL] ?? '',
    command: labels[LOCK_COMMAND_LABEL] ?? '',
    since: labels[LOCK_SINCE_LABEL] || obj.CreatedAt,
    refreshedAt: obj.UpdatedAt,
    ttlMs: valid ? ttlMs : 0,
    expiresAt: new Date(valid ? refreshed + ttlMs : 0).toISOString(),
  };
}

export function refreshCount(obj: LockObject): number {
  return Number(obj.Spec.Labels?.[LOCK_REFRESHED_LABEL]) || 0;
}

export function isExpired(info: LockInfo, serverNowMs: number): boolean {
  return Date.parse(info.expiresAt) <= serverNowMs;
}

export function describeHolder(info: LockHolder): string {
  return info.pid > 0 ? `${info.operator} (pid ${info.pid})` : info.operator;
}

/** The refusal another operator sees: who, since when, doing what, and how to proceed. */
export function lockHeldError(app: string, server: string, info: LockInfo, serverNowMs: number): UserError {
  const heldFor = formatDuration(Math.max(0, serverNowMs - Date.parse(info.since)));
  const expiresIn = formatDuration(Math.max(0, Date.parse(info.expiresAt) - serverNowMs));
  const doing = info.command ? ` running "${info.command}"` : '';
  return new UserError(
    `App ${app} is locked by ${describeHolder(info)}${doing}, since ${info.since.replace(/\.\d+Z$/, 'Z')} (${heldFor} ago)`,
    {
      where: `server ${server}, swarm config ${lockObjectName(info.stack)}`,
      hint:
        'Wait for that operation to finish, then retry. The holder keeps the lock alive while it runs; ' +
        `if it is gone (crashed, laptop closed), the lock expires by itself in ${expiresIn}, ` +
        'or take it over now with --force-unlock.',
      code: 'app_locked',
    },
  );
}

/** The warning when a dead holder's lock is taken over. */
export function takeoverWarning(app: string, info: LockInfo, serverNowMs: number, forced: boolean): string {
  const doing = info.command ? ` for "${info.command}"` : '';
  const why = forced
    ? 'forced with --force-unlock'
    : `it expired ${formatDuration(Math.max(0, serverNowMs - Date.parse(info.expiresAt)))} ago without a refresh`;
  return (
    `Took over the lock on ${app} held by ${describeHolder(info)}${doing} since ${info.since.replace(/\.\d+Z$/, 'Z')} ` +
    `(${why}); if that operation is in fact still running, check the app before continuing.`
  );
}
