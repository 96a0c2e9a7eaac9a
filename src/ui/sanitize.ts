// Text from servers (lock holders, audit entries, task errors, log lines, object names) can
// carry terminal escape sequences that would recolour, retitle or rewrite the operator's
// terminal. Everything printed from such sources goes through here first.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * `s` with every C0 and C1 control character and DEL written as a visible escape (ESC becomes
 * `\x1b`, a line feed `\n`), except the characters in `keep`.
 */
export function printable(s: string, keep = ''): string {
  return s.replace(CONTROL, (ch) => (keep.includes(ch) ? ch : escapeOf(ch)));
}

function escapeOf(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
}
