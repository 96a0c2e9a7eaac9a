import { redactText } from '../domain/audit/redact.js';
import { REPORT_URL, UserError } from '../errors.js';

/** The single place where failures become text and an exit code. */
export function reportError(err: unknown, debug: boolean, write: (s: string) => void): number {
  // The last line of defence for tokens in URLs (https://user:token@host): whatever message
  // carried one, the terminal (and CI logs) never see it.
  const out = (s: string) => write(redactText(s));
  if (err instanceof UserError) {
    const lines = [`Error: ${err.message}`];
    if (err.where) lines.push(`  where: ${err.where}`);
    if (err.hint) lines.push(`  fix:   ${err.hint}`);
    if (debug && err.cause instanceof Error) lines.push(`  cause: ${err.cause.stack ?? err.cause.message}`);
    out(`${lines.join('\n')}\n`);
    return 1;
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
