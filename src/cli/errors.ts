import { REPORT_URL, UserError } from '../errors.js';
import { printable } from '../ui/sanitize.js';

/** The single place where failures become text and an exit code. */
export function reportError(err: unknown, debug: boolean, write: (s: string) => void): number {
  if (err instanceof UserError) {
    const lines = [`Error: ${err.message}`];
    if (err.where) lines.push(`  where: ${err.where}`);
    if (err.hint) lines.push(`  fix:   ${err.hint}`);
    if (debug && err.cause instanceof Error) lines.push(`  cause: ${err.cause.stack ?? err.cause.message}`);
    // Messages quote engine replies, file contents and names: keep their line breaks (some
    // messages list several problems) but never let them drive the terminal.
    write(`${printable(lines.join('\n'), '\n')}\n`);
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
  write(`${printable(lines.join('\n'), '\n')}\n`);
  return 2;
}
