// Value decoding with godotenv's rules, quirks included, because whatever Go abra computes
// from an env file is what ends up deployed, and both tools must read the same files alike.

/** Resolves `$NAME`: earlier keys of the file, then the caller's environment, else "". */
export type VarLookup = (name: string) => string;

/**
 * Double-quoted escapes: `\n` and `\r` become CR/LF, `\X` becomes X for any other X except `$`
 * (left for expandVariables, which makes `\$` a literal dollar). `\t` is *not* a tab: it gives
 * `t`. A backslash before a raw line feed is dropped and the line feed kept (no continuation).
 */
export function expandEscapes(text: string): string {
  return text
    .replace(/\\[^\n]/gu, (m) => (m === '\\n' ? '\n' : m === '\\r' ? '\r' : m))
    .replace(/\\([^$])/gu, '$1');
}

/**
 * `$NAME`, `${NAME}` and `\$` as godotenv expands them. Only upper-case names (A-Z, 0-9, _) are
 * variables: `$lower` stays as written. There is no `${NAME:-default}`: `${A:-x}` gives the
 * value of A followed by `:-x}`. The braces are each optional (`${A` and `$A}` both expand).
 */
export function expandVariables(text: string, lookup: VarLookup, limit = Number.POSITIVE_INFINITY): string {
  let size = text.length;
  return text.replace(
    /(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?/g,
    (
      match: string,
      backslash: string | undefined,
      _dollar: string,
      _paren: unknown,
      name: string | undefined,
    ) => {
      if (backslash !== undefined) return match.slice(1);
      if (name !== undefined && name !== '') {
        const value = lookup(name);
        size += value.length;
        // Checked as it grows: `B=$A$A`, `C=$B$B`, ... doubles with every line.
        if (size > limit) throw new ExpansionTooLarge(limit);
        return value;
      }
      return match;
    },
  );
}

/** `$NAME` expansion would make the values larger than the caller's limit. */
export class ExpansionTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`expanding $variables makes the values larger than ${Math.round(limit / 1024 / 1024)} MiB`);
    this.name = 'ExpansionTooLarge';
  }
}
