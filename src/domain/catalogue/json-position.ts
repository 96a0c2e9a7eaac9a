/**
 * Where JSON.parse stopped, as line and column (1-based), from V8's "at position N" (or the end
 * of the text for "Unexpected end of JSON input"). Undefined when the message names no place.
 */
export function jsonErrorPlace(text: string, message: string): { line: number; column: number } | undefined {
  const m = /at position (\d+)/.exec(message);
  const offset = m ? Number(m[1]) : /end of JSON input/.test(message) ? text.length : undefined;
  if (offset === undefined || offset > text.length) return undefined;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
