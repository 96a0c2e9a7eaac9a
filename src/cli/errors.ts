import { constants } from 'node:os';
import { redactText } from '../domain/audit/redact.js';
import { Cancelled, EngineError, REPORT_URL, UserError } from '../errors.js';
import { printable } from '../ui/sanitize.js';

/** The single place where failures become text and an exit code (README "Using it"). */
export function reportError(err: unknown, debug: boolean, write: (s: string) => void): number {
  // The last line of defence for tokens in URLs (https://user:token@host): whatever message
  // carried one, the terminal (and CI logs) never see it.
  const out = (s: string) => write(printable(redactText(s), '\n'));
  if (err instanceof Cancelled) {
    out(`${err.message}\n`);
    // Shells report death by signal N as 128 + N; a "no" answer is a normal outcome.
    return err.signal === undefined ? 0 : 128 + constants.signals[err.signal];
  }
  if (err instanceof UserError || err instanceof EngineError) {
    const lines = [`Error: ${err.message}`];
    if (err.where) lines.push(`  where: ${err.where}`);
    if (err.hint) lines.push(`  fix:   ${err.hint}`);
    if (debug && err.cause instanceof Error) lines.push(`  cause: ${err.cause.stack ?? err.cause.message}`);
    out(`${lines.join('\n')}\n`);
    // Scripts can tell "retry later / fix the server" (3) from "fix your input" (1).
    return err instanceof EngineError ? 3 : 1;
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
