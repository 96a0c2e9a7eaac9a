import { randomBytes } from 'node:crypto';
import { type AuditEntry, type AuditInput, shapeAuditEntry } from '../../domain/audit/entry.js';
import { AUDIT_KEEP, auditStackOf } from '../../domain/audit/stored.js';
import type { EventSink } from '../../domain/events/types.js';
import { errorMessage } from '../../errors.js';
import type { DockerConnector } from '../../infra/docker/connector.js';
import type { AbraPaths } from '../../infra/store/paths.js';
import { appendLocalAudit, auditLogPath } from './local-log.js';
import { operatorId } from './operator.js';
import { pruneServerAudit, writeServerAudit } from './server-log.js';

export interface AuditDeps {
  paths: AbraPaths;
  docker: DockerConnector;
  events: EventSink;
  env: NodeJS.ProcessEnv;
  /** Who is recorded instead of `user@host` (the dashboard's signed-in user). */
  operator?: string | undefined;
}

export interface AuditRecordInput extends AuditInput {
  /** false: write the local log only (the command never talked to the server, or --offline). */
  remote?: boolean;
  /** Entries kept per app on the server. */
  keep?: number;
}

export interface RecordedAudit {
  entry: AuditEntry;
  /** Stored on the server, visible to every operator. */
  server: boolean;
  /** Appended to $ABRA_DIR/audit.log. */
  local: boolean;
}

/**
 * Append an operation to the app's history: on the server (shared by every operator) and in
 * the local log. Never throws: an operation that succeeded must not fail because its record
 * could not be written, so failures become warnings.
 */
export async function recordAudit(deps: AuditDeps, input: AuditRecordInput): Promise<RecordedAudit> {
  const entry = shapeAuditEntry(input, {
    now: new Date(),
    operator: operatorId(deps.env, deps.operator),
    nonce: randomBytes(4).toString('hex'),
  });
  const stack = auditStackOf(entry.app);
  let server = false;
  if (input.remote !== false) {
    try {
      const docker = deps.docker.client(entry.server);
      await writeServerAudit(docker, stack, entry);
      server = true;
      const pruned = await pruneServerAudit(docker, stack, input.keep ?? AUDIT_KEEP).catch((err: unknown) => {
        deps.events({
          type: 'debug',
          message: `audit: pruning old entries of ${stack} on ${entry.server} failed: ${errorMessage(err)}`,
        });
        return 0;
      });
      if (pruned > 0)
        deps.events({
          type: 'debug',
          message: `audit: pruned ${pruned} old entries of ${stack} on ${entry.server}`,
        });
    } catch (err) {
      deps.events({
        type: 'warning',
        message:
          `Could not write the audit entry to server ${entry.server} (${errorMessage(err)}); ` +
          `it is kept in ${auditLogPath(deps.paths)} only.`,
      });
    }
  }
  let local = false;
  try {
    await appendLocalAudit(deps.paths, entry);
    local = true;
  } catch (err) {
    deps.events({
      type: 'warning',
      message: `Could not append to ${auditLogPath(deps.paths)}: ${errorMessage(err)}`,
    });
  }
  return { entry, server, local };
}
