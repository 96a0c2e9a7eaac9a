import { appendFile, chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AuditEntry, parseAuditEntry } from '../../domain/audit/entry.js';
import { errnoCode } from '../../errors.js';
import type { AbraPaths } from '../../infra/store/paths.js';

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

/** The entries of one app on one server, in file order; unreadable lines are skipped. */
export async function readLocalAudit(
  paths: AbraPaths,
  filter: { app: string; server: string },
): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await readFile(auditLogPath(paths), 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const out: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: AuditEntry | undefined;
    try {
      entry = parseAuditEntry(JSON.parse(line));
    } catch {
      continue;
    }
    if (entry && entry.app === filter.app && entry.server === filter.server) out.push(entry);
  }
  return out;
}
