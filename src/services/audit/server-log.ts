import type { AuditEntry } from '../../domain/audit/entry.js';
import {
  AUDIT_KEEP,
  auditFilters,
  auditObjectSpec,
  entryOfObject,
  isAuditObjectOf,
  prunableObjects,
} from '../../domain/audit/stored.js';
import { DockerApiError, type DockerClient } from '../../infra/docker/client.js';

// The shared copy: one swarm config per entry (see domain/audit/stored.ts), so every operator
// of the server reads the same history.

export async function writeServerAudit(
  docker: DockerClient,
  stack: string,
  entry: AuditEntry,
): Promise<void> {
  await docker.createConfig(auditObjectSpec(stack, entry));
}

/**
 * Every readable entry of the stack on this server, in no particular order; `unreadable`
 * counts the stack's audit objects whose content is not an entry.
 */
export async function readServerAudit(
  docker: DockerClient,
  stack: string,
): Promise<{ entries: AuditEntry[]; unreadable: number }> {
  const objects = await docker.configs(auditFilters(stack));
  const entries: AuditEntry[] = [];
  let unreadable = 0;
  for (const o of objects) {
    const entry = entryOfObject(stack, o);
    if (entry) entries.push(entry);
    else if (isAuditObjectOf(stack, o)) unreadable++;
  }
  return { entries, unreadable };
}

/** Delete all but the newest `keep` entries of the stack; returns how many were deleted. */
export async function pruneServerAudit(
  docker: DockerClient,
  stack: string,
  keep = AUDIT_KEEP,
): Promise<number> {
  const objects = await docker.configs(auditFilters(stack));
  let removed = 0;
  // prunableObjects only ever returns objects proven to be this stack's entries.
  for (const o of prunableObjects(stack, objects, keep)) {
    try {
      await docker.removeConfig(o.ID);
      removed++;
    } catch (err) {
      // Another operator pruning at the same time got there first.
      if (!(err instanceof DockerApiError && err.status === 404)) throw err;
    }
  }
  return removed;
}
