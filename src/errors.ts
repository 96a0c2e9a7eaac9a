// What can end a command early, and how the CLI reports each (src/cli/errors.ts):
// - UserError: something the user can fix; says what is wrong, where, and what to do. Exit 1.
// - EngineError: the Docker engine failed (5xx) or could not be reached; not the user's
//   mistake and not a bug in abra. Says which server and what to check. Exit 3.
// - Cancelled: the user said no (exit 0) or interrupted (128 + signal, 130 for Ctrl-C).
//   Not an error: printed as a plain line, without "Error:".
// Anything else is a bug in abra: the handler prints how to report it. Exit 2.

export interface UserErrorDetails {
  /** Where the problem is: a file (and line/key), a server, a Docker object. */
  where?: string;
  /** The next step for the user, phrased as an instruction. */
  hint?: string;
  /** A short machine-readable code, stable across releases, for --machine output and tests. */
  code?: string;
  cause?: unknown;
}

export class UserError extends Error {
  readonly where: string | undefined;
  readonly hint: string | undefined;
  readonly code: string;

  constructor(message: string, details: UserErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'UserError';
    this.where = details.where;
    this.hint = details.hint;
    this.code = details.code ?? 'user_error';
  }
}

/** A remote operation failed (SSH, Engine API); carries the server so messages can name it. */
export class RemoteError extends UserError {
  readonly server: string;

  constructor(server: string, message: string, details: UserErrorDetails = {}) {
    super(message, { ...details, where: details.where ?? `server ${server}` });
    this.name = 'RemoteError';
    this.server = server;
  }
}

export interface EngineErrorDetails {
  /** The API call that failed (`POST /services/create`), when one did. */
  operation?: string;
  /** The engine's HTTP status, when it answered. */
  status?: number;
  where?: string;
  hint?: string;
  code?: string;
  cause?: unknown;
}

/**
 * The Docker engine on a server failed (answered 5xx) or could not be reached (socket, SSH).
 * Not the user's mistake and not a bug in abra: the fix is on the server or the network, and
 * the same command may work when retried. Always says which server and what to check.
 */
export class EngineError extends Error {
  readonly server: string;
  readonly operation: string | undefined;
  readonly status: number | undefined;
  readonly where: string;
  readonly hint: string;
  readonly code: string;

  constructor(server: string, message: string, details: EngineErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'EngineError';
    this.server = server;
    this.operation = details.operation;
    this.status = details.status;
    this.where = details.where ?? `server ${server}`;
    this.hint =
      details.hint ??
      "Check that the server is up and reachable (`abra server ls` shows every server's status), then retry.";
    this.code = details.code ?? 'engine_unreachable';
  }
}

/** The engine answered a request with a server error (HTTP 5xx). */
export function engineFailed(
  server: string,
  operation: string,
  status: number,
  apiMessage: string,
): EngineError {
  return new EngineError(
    server,
    `The Docker engine on ${server} answered ${status} to ${operation}: ${apiMessage}`,
    {
      operation,
      status,
      hint: 'Check the engine on the server (`docker info`, `journalctl -u docker`), then retry.',
      code: `docker_api_${status}`,
    },
  );
}

/** The engine could not be reached, or the connection to it broke; `what` says how. */
export function engineUnreachable(
  server: string,
  what: string,
  details: EngineErrorDetails = {},
): EngineError {
  return new EngineError(server, `Could not reach the Docker engine on ${server}: ${what}`, details);
}

/** The user declined a confirmation or interrupted the command; nothing was changed. */
export class Cancelled extends Error {
  /** Set when a signal (SIGINT, SIGTERM) cancelled the command rather than an answer. */
  readonly signal: NodeJS.Signals | undefined;

  constructor(message = 'Cancelled; nothing was changed.', opts: { signal?: NodeJS.Signals } = {}) {
    super(message);
    this.name = 'Cancelled';
    this.signal = opts.signal;
  }
}

export const REPORT_URL = 'https://git.coopcloud.tech/toolshed/abra/issues';

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/** A failure the user is told about in plain words (theirs, or the engine's), not a bug. */
export function isExpectedError(err: unknown): err is UserError | EngineError {
  return err instanceof UserError || err instanceof EngineError;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Node system errors carry a string `code` (ECONNREFUSED, ENOENT, ...). */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
