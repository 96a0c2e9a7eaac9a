import { constants } from 'node:os';
import { redactText } from '../domain/audit/redact.js';
import { Cancelled, EngineError, REPORT_URL, UserError } from '../errors.js';
import { printable } from '../ui/sanitize.js';

export interface ReportOptions {
  debug: boolean;
  /** `--machine`: one JSON object on stderr instead of the text below, for scripts. */
  machine?: boolean;
}

/** What a failure becomes under --machine: stable keys, one object, one line. */
export interface MachineError {
  error: {
    kind: 'user' | 'engine' | 'bug' | 'cancelled';
    code: string;
    message: string;
    where?: string;
    fix?: string;
    exit: number;
    cause?: string;
  };
}

/** The single place where failures become text and an exit code (README "Using it"). */
export function reportError(err: unknown, opts: ReportOptions | boolean, write: (s: string) => void): number {
  const { debug, machine } = typeof opts === 'boolean' ? { debug: opts, machine: false } : opts;
  if (machine) {
    const report = machineError(err, debug);
    // Redacted after serialising too: a token inside any field is gone from the one line.
    write(`${redactText(JSON.stringify(report))}\n`);
    return report.error.exit;
  }
  // The last line of defence for tokens in URLs (https://user:token@host): whatever message
  // carried one, the terminal (and CI logs) never see it.
  const out = (s: string) => write(printable(redactText(s), '\n'));
  if (err instanceof Cancelled) {
    out(`${err.message}\n`);
    return cancelledExit(err);
  }
  if (err instanceof UserError || err instanceof EngineError) {
    const lines = [`Error: ${err.message}`];
    if (err.where) lines.push(`  where: ${err.where}`);
    if (err.hint) lines.push(`  fix:   ${err.hint}`);
    if (debug && err.cause instanceof Error) lines.push(`  cause: ${err.cause.stack ?? err.cause.message}`);
    out(`${lines.join('\n')}\n`);
    return expectedExit(err);
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const lines = [
    `abra hit a bug: ${e.message}`,
    `  This is not your fault. Please report it at ${REPORT_URL}`,
    '  with the command you ran and the output of the same command with --debug.',
  ];
  if (debug) lines.push(e.stack ?? '');
  else lines.push('  (run with --debug to see the stack trace)');
  out(`${lines.join('\n')}\n`);
  return 2;
}

// Shells report death by signal N as 128 + N; a "no" answer is a normal outcome.
function cancelledExit(err: Cancelled): number {
  return err.signal === undefined ? 0 : 128 + constants.signals[err.signal];
}

// Scripts can tell "retry later / fix the server" (3) from "fix your input" (1).
function expectedExit(err: UserError | EngineError): number {
  return err instanceof EngineError ? 3 : 1;
}

export function machineError(err: unknown, debug: boolean): MachineError {
  if (err instanceof Cancelled)
    return {
      error: {
        kind: 'cancelled',
        code: err.signal === undefined ? 'cancelled' : `signal_${err.signal}`,
        message: err.message,
        exit: cancelledExit(err),
      },
    };
  if (err instanceof UserError || err instanceof EngineError) {
    const cause = debug && err.cause instanceof Error ? (err.cause.stack ?? err.cause.message) : undefined;
    return {
      error: {
        kind: err instanceof EngineError ? 'engine' : 'user',
        code: err.code,
        message: err.message,
        ...(err.where ? { where: err.where } : {}),
        ...(err.hint ? { fix: err.hint } : {}),
        exit: expectedExit(err),
        ...(cause === undefined ? {} : { cause }),
      },
    };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    error: {
      kind: 'bug',
      code: 'bug',
      message: e.message,
      fix: `Report it at ${REPORT_URL} with the command you ran and its output with --debug.`,
      exit: 2,
      ...(debug && e.stack ? { cause: e.stack } : {}),
    },
  };
}
