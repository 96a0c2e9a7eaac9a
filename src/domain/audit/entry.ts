import { redactArgv, redactText } from './redact.js';

export type AuditResult = 'ok' | 'failed' | 'rolled-back' | 'cancelled';

/** The `app` of an entry about the whole server rather than one app. */
export const SERVER_WIDE = '';

export const AUDIT_RESULTS: readonly AuditResult[] = ['ok', 'failed', 'rolled-back', 'cancelled'];

/** The recipe versions an operation moved between, when the caller knows them. */
export interface AuditVersion {
  from?: string;
  to?: string;
}

/** One line of an app's history: who did what, when, with what outcome. Never a secret value. */
export interface AuditEntry {
  /** Unique across operators: compact start time plus random hex; also names the server object. */
  id: string;
  /** When the operation started, ISO 8601 UTC. */
  time: string;
  /** user@host of the operator's machine. */
  operator: string;
  /** argv after `abra`, secret values replaced. */
  command: string[];
  /** The app's domain; `SERVER_WIDE` ('') for a change to the server itself (`server prune`). */
  app: string;
  server: string;
  version?: AuditVersion;
  result: AuditResult;
  message?: string;
  durationMs: number;
  /** The operation's random id (also its lock token), to tie an entry to a lock holder. */
  operation?: string;
}

/** What a command knows when it records an operation; the rest is filled in. */
export interface AuditInput {
  app: string;
  server: string;
  /** The argv after `abra` exactly as typed: it is redacted here, so callers need not. */
  argv: readonly string[];
  result: AuditResult;
  version?: AuditVersion;
  message?: string;
  /** When the operation started; defaults to the recording time. */
  startedAt?: Date;
  /** Defaults to the time since startedAt. */
  durationMs?: number;
  operation?: string;
}

export interface AuditContext {
  now: Date;
  operator: string;
  /** Random hex making the id unique when two operators record in the same millisecond. */
  nonce: string;
}

// A server object holds the entry; error messages can be long stack-ish text.
const MAX_MESSAGE = 500;

export function shapeAuditEntry(input: AuditInput, ctx: AuditContext): AuditEntry {
  const started = input.startedAt ?? ctx.now;
  const duration = input.durationMs ?? ctx.now.getTime() - started.getTime();
  const entry: AuditEntry = {
    id: `${compactTime(started)}-${ctx.nonce}`,
    time: started.toISOString(),
    operator: ctx.operator,
    command: redactArgv(input.argv),
    app: input.app,
    server: input.server,
    result: input.result,
    durationMs: Math.max(0, Math.round(duration)),
  };
  const version = shapeVersion(input.version);
  if (version) entry.version = version;
  if (input.operation) entry.operation = input.operation;
  const message = input.message === undefined ? '' : oneLine(redactText(input.message));
  if (message)
    entry.message = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
  return entry;
}

/** `2026-11-25T23:20:40.093Z` -> `20261125232040093`: sortable and valid in Docker object names. */
export function compactTime(d: Date): string {
  return d.toISOString().replace(/[-:TZ.]/g, '');
}

/**
 * Read an entry written by any abra (another operator's, an older or newer release): anything
 * that is not a usable entry is skipped rather than failing the whole history.
 */
export function parseAuditEntry(value: unknown): AuditEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const id = str('id');
  const time = str('time');
  const operator = str('operator');
  const app = str('app');
  const server = str('server');
  const result = str('result');
  const command = v.command;
  if (
    !id ||
    !time ||
    Number.isNaN(Date.parse(time)) ||
    !operator ||
    app === undefined ||
    server === undefined
  )
    return undefined;
  if (!AUDIT_RESULTS.includes(result as AuditResult)) return undefined;
  if (!Array.isArray(command) || !command.every((c) => typeof c === 'string')) return undefined;
  const entry: AuditEntry = {
    id,
    time,
    operator,
    command: command as string[],
    app,
    server,
    result: result as AuditResult,
    durationMs: typeof v.durationMs === 'number' && v.durationMs >= 0 ? v.durationMs : 0,
  };
  const version = shapeVersion(parseVersion(v.version));
  if (version) entry.version = version;
  const message = str('message');
  if (message) entry.message = message;
  const operation = str('operation');
  if (operation) entry.operation = operation;
  return entry;
}

/** Oldest first (the order history prints, newest last); ties broken by id for stability. */
export function compareEntries(a: AuditEntry, b: AuditEntry): number {
  const t = Date.parse(a.time) - Date.parse(b.time);
  if (t !== 0) return t;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Merge entries from several sources (the server, the local log), dropping duplicates by id,
 * oldest first, keeping the newest `limit`.
 */
export function mergeEntries(sources: readonly (readonly AuditEntry[])[], limit?: number): AuditEntry[] {
  const byId = new Map<string, AuditEntry>();
  for (const list of sources) for (const e of list) if (!byId.has(e.id)) byId.set(e.id, e);
  const all = [...byId.values()].sort(compareEntries);
  return limit === undefined || limit >= all.length ? all : all.slice(all.length - Math.max(0, limit));
}

function parseVersion(value: unknown): AuditVersion | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const out: AuditVersion = {};
  if (typeof v.from === 'string') out.from = v.from;
  if (typeof v.to === 'string') out.to = v.to;
  return out;
}

function shapeVersion(v: AuditVersion | undefined): AuditVersion | undefined {
  if (!v) return undefined;
  const out: AuditVersion = {};
  if (v.from) out.from = v.from;
  if (v.to) out.to = v.to;
  return out.from || out.to ? out : undefined;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
