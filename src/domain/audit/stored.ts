// How audit entries live on a server: one small swarm config per entry, so appending is a
// single atomic create that never races another operator's append, and any operator with
// access to the engine can read the history.
//
// The labels are abra's own and deliberately NOT com.docker.stack.namespace: `docker stack rm`
// (and Go abra's undeploy, which vendors it) deletes every config carrying the namespace
// label, which would erase an app's history exactly when someone wants to know who undeployed it.

import { stackNameOf } from '../stack/contract.js';
import { type AuditEntry, compareEntries, parseAuditEntry } from './entry.js';

export const AUDIT_LABEL = 'coop-cloud.audit';
/** The stack the entry belongs to: the ownership proof checked before any delete. */
export const AUDIT_STACK_LABEL = 'coop-cloud.audit.stack';
export const AUDIT_TIME_LABEL = 'coop-cloud.audit.time';
export const AUDIT_NAME_PREFIX = 'abra-audit_';
/** Entries kept per app on a server; older ones are pruned when a new one is written. */
export const AUDIT_KEEP = 200;
/**
 * Where server-wide entries (app '') are kept: a "stack" no app can have, since stack names
 * never contain a dot (`stackNameOf` turns dots into underscores).
 */
export const SERVER_AUDIT_STACK = '.server';

/** The audit "stack" of an entry's app: its stack name, or SERVER_AUDIT_STACK for the server. */
export function auditStackOf(app: string): string {
  return app === '' ? SERVER_AUDIT_STACK : stackNameOf(app);
}

// Swarm object names: at most 64 of [a-zA-Z0-9-_.], starting and ending alphanumeric.
const MAX_NAME = 64;

/** The fields of a swarm config this module reads; structurally a SwarmObject. */
export interface StoredObject {
  ID: string;
  Spec: { Name: string; Labels?: Record<string, string>; Data?: string };
}

export interface StoredSpec {
  Name: string;
  Labels: Record<string, string>;
  /** base64 of the entry's JSON */
  Data: string;
}

export function auditFilters(stack: string): Record<string, string[]> {
  return { label: [`${AUDIT_STACK_LABEL}=${stack}`] };
}

/**
 * `abra-audit_<stack>_<id>`; a long stack name is shortened (the label, not the name, says
 * which stack owns the entry), the id part is unique on its own.
 */
export function auditObjectName(stack: string, id: string): string {
  const safeId = id.replace(/[^a-zA-Z0-9]/g, '_');
  const room = MAX_NAME - AUDIT_NAME_PREFIX.length - 1 - safeId.length;
  const stackPart = stack.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, Math.max(0, room));
  return `${AUDIT_NAME_PREFIX}${stackPart}_${safeId}`.slice(0, MAX_NAME);
}

export function auditObjectSpec(stack: string, entry: AuditEntry): StoredSpec {
  return {
    Name: auditObjectName(stack, entry.id),
    Labels: { [AUDIT_LABEL]: '1', [AUDIT_STACK_LABEL]: stack, [AUDIT_TIME_LABEL]: entry.time },
    Data: Buffer.from(JSON.stringify(entry), 'utf8').toString('base64'),
  };
}

/** Does this object provably hold an audit entry of `stack` (and so may be read or pruned)? */
export function isAuditObjectOf(stack: string, obj: StoredObject): boolean {
  const labels = obj.Spec.Labels ?? {};
  return (
    labels[AUDIT_LABEL] === '1' &&
    labels[AUDIT_STACK_LABEL] === stack &&
    obj.Spec.Name.startsWith(AUDIT_NAME_PREFIX)
  );
}

export function entryOfObject(stack: string, obj: StoredObject): AuditEntry | undefined {
  if (!isAuditObjectOf(stack, obj) || !obj.Spec.Data) return undefined;
  try {
    return parseAuditEntry(JSON.parse(Buffer.from(obj.Spec.Data, 'base64').toString('utf8')));
  } catch {
    return undefined;
  }
}

/** The objects to delete so that only the newest `keep` entries of `stack` remain. */
export function prunableObjects(
  stack: string,
  objects: readonly StoredObject[],
  keep: number,
): StoredObject[] {
  const owned = objects
    .filter((o) => isAuditObjectOf(stack, o))
    .map((o) => ({ o, key: sortKey(stack, o) }))
    .sort((a, b) => compareEntries(a.key, b.key));
  return owned.slice(0, Math.max(0, owned.length - keep)).map((x) => x.o);
}

// Unreadable entries still sort (by their time label, else first) so they are pruned, not kept forever.
function sortKey(stack: string, o: StoredObject): AuditEntry {
  const entry = entryOfObject(stack, o);
  if (entry) return entry;
  const time = o.Spec.Labels?.[AUDIT_TIME_LABEL];
  return {
    id: o.Spec.Name,
    time: time && !Number.isNaN(Date.parse(time)) ? time : new Date(0).toISOString(),
    operator: '',
    command: [],
    app: '',
    server: '',
    result: 'ok',
    durationMs: 0,
  };
}
