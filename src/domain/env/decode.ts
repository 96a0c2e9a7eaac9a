import { expandEscapes, expandVariables, type VarLookup } from './expand.js';
import type { AssignmentNode } from './nodes.js';

/** The value of one assignment, `$NAME` resolved through lookup. */
export function decodeValue(node: AssignmentNode, lookup: VarLookup, limit?: number): string {
  switch (node.quote) {
    case 'none':
      return expandVariables(node.raw, lookup, limit);
    case 'single':
      return quotedBody(node.raw, "'");
    case 'double':
      return expandVariables(expandEscapes(quotedBody(node.raw, '"')), lookup, limit);
  }
}

/**
 * The text between the quotes, after the whole-file rewrites godotenv applies first (a YAML
 * `---` before LF dropped, CRLF read as LF). godotenv strips quote characters from both ends,
 * so an escaped quote right before the closing one is lost: `"a\""` reads as `a\`.
 */
function quotedBody(raw: string, quote: string): string {
  const text = raw.replaceAll('---\n', '\n').replaceAll('\r\n', '\n').slice(0, -1);
  let start = 0;
  let end = text.length;
  while (end > 0 && text[end - 1] === quote) end--;
  while (start < end && text[start] === quote) start++;
  return text.slice(start, end);
}
