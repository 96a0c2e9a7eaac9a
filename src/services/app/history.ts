import { type AuditEntry, mergeEntries } from '../../domain/audit/entry.js';
import type { EventSink } from '../../domain/events/types.js';
import { stackNameOf } from '../../domain/stack/contract.js';
import { errorMessage } from '../../errors.js';
import type { DockerConnector } from '../../infra/docker/connector.js';
import type { AbraPaths } from '../../infra/store/paths.js';
import { auditLogPath, readLocalAudit } from '../audit/local-log.js';
import { readServerAudit } from '../audit/server-log.js';
import { findApp } from './find-app.js';

export interface AppHistoryOptions {
  app: string;
  /** Only the newest N entries. */
  limit?: number;
  /** Read the local log only; do not contact the server. */
  offline?: boolean;
}

export interface AppHistoryDeps {
  paths: AbraPaths;
  docker: DockerConnector;
  events: EventSink;
}

export interface AppHistoryResult {
  app: string;
  server: string;
  /** Where the entries came from: the server's shared log, or only this machine's. */
  source: 'server' | 'local';
  /** Oldest first, newest last. */
  entries: AuditEntry[];
  /** Entries that could not be read: corrupt lines of the local log, damaged server objects. */
  unreadable: { local: number; server: number };
}

/**
 * An app's history as every operator of its server sees it (the entries stored on the
 * server), plus this operator's local entries the server lacks (written while it was
 * unreachable). Offline or with the server unreachable: the local log alone, with a warning.
 */
export async function appHistory(opts: AppHistoryOptions, deps: AppHistoryDeps): Promise<AppHistoryResult> {
  const found = await findApp(opts.app, deps.paths);
  const local = await readLocalAudit(deps.paths, { app: found.app, server: found.server });
  let remote: { entries: AuditEntry[]; unreadable: number } | undefined;
  if (!opts.offline) {
    try {
      remote = await readServerAudit(deps.docker.client(found.server), stackNameOf(found.app));
    } catch (err) {
      deps.events({
        type: 'warning',
        message:
          `Could not read the history stored on server ${found.server} (${errorMessage(err)}); ` +
          `showing this machine's entries from ${auditLogPath(deps.paths)} only.`,
      });
    }
  }
  return {
    app: found.app,
    server: found.server,
    source: remote ? 'server' : 'local',
    entries: mergeEntries(remote ? [remote.entries, local.entries] : [local.entries], opts.limit),
    unreadable: { local: local.unreadable, server: remote?.unreadable ?? 0 },
  };
}
