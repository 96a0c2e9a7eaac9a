// Two kinds of failure reach the user. A UserError is something the user can fix: it says
// what is wrong, where, and what to do next, and the CLI exits 1. Anything else is a bug in
// abra: the top-level handler prints how to report it (and the stack under --debug).

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

export const REPORT_URL = 'https://git.coopcloud.tech/toolshed/abra/issues';

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
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

/**
 * The operator stopped an operation: by answering no (not an error: exit 0) or with Ctrl-C
 * (exit 130, as shells expect). Printed as a plain line, never as "Error:".
 */
export class Cancelled extends Error {
  readonly bySignal: boolean;

  constructor(message: string, opts: { bySignal?: boolean } = {}) {
    super(message);
    this.name = 'Cancelled';
    this.bySignal = opts.bySignal === true;
  }
}
