// Character classes of abra's env parser (a fork of godotenv v1.5). The parser, the value
// encoder and the validators share them so that they agree on what is a space or a key.

/**
 * A space inside a line, as godotenv's isSpace: tab, VT, FF, CR, space, NEL and NBSP, but not
 * the line feed. It trims unquoted values and separates an inline comment.
 */
export function isInlineSpace(ch: string | undefined): boolean {
  return (
    ch === ' ' ||
    ch === '\t' ||
    ch === '\v' ||
    ch === '\f' ||
    ch === '\r' ||
    ch === '\u0085' ||
    ch === '\u00a0'
  );
}

/** Go's unicode.IsSpace (JS `\s` differs: it lacks NEL and has the BOM). */
export const UNICODE_SPACE =
  '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

const UNICODE_SPACE_CHAR = new RegExp(`^${UNICODE_SPACE}$`, 'u');

export function isUnicodeSpace(ch: string): boolean {
  return UNICODE_SPACE_CHAR.test(ch);
}

/** What godotenv accepts in a key: Unicode letters and digits, `_` and `.`. */
export const KEY_CHARS = '[\\p{L}\\p{N}_.]';

const KEY = new RegExp(`^${KEY_CHARS}+$`, 'u');

export function isValidKey(key: string): boolean {
  return KEY.test(key);
}

/** Line endings are kept byte-for-byte; a lone CR is not one (godotenv ends values at it). */
export type LineEnding = '' | '\n' | '\r\n';
