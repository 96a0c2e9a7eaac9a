import { appendFile, chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type AuditEntry, parseAuditEntry } from '../../domain/audit/entry.js';
import type { AbraPaths } from '../../infra/store/paths.js';
import { readIfExists } from '../../infra/store/read.js';

// The operator's own copy of what they did, one JSON object per line: readable offline and
// kept even when the server could not be written. Owner-only, like the env files.

export function auditLogPath(paths: AbraPaths): string {
  return join(paths.root, 'audit.log');
}

export async function appendLocalAudit(paths: AbraPaths, entry: AuditEntry): Promise<void> {
  const path = auditLogPath(paths);
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  // One write with O_APPEND: lines of concurrent abra runs do not interleave.
  await appendFile(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}

/**
 * The entries of one app on one server, in file order. Lines that cannot be read are skipped
 * and counted in `unreadable` (those provably of another app are not counted).
 */
export async function readLocalAudit(
  paths: AbraPaths,
  filter: { app: string; server: string },
): Promise<{ entries: AuditEntry[]; unreadable: number }> {
  const text = await readIfExists(auditLogPath(paths), 'The local audit log');
  const out: AuditEntry[] = [];
  let unreadable = 0;
  if (text === undefined) return { entries: out, unreadable };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      unreadable++;
      continue;
    }
    const entry = parseAuditEntry(json);
    if (entry === undefined) {
      if (!ofOtherApp(json, filter)) unreadable++;
      continue;
    }
    if (entry.app === filter.app && entry.server === filter.server) out.push(entry);
  }
  return { entries: out, unreadable };
}

function ofOtherApp(json: unknown, filter: { app: string; server: string }): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const { app, server } = json as Record<string, unknown>;
  return (
    (typeof app === 'string' && app !== filter.app) ||
    (typeof server === 'string' && server !== filter.server)
  );
}
