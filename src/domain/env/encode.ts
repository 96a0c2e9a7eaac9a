import type { QuoteStyle } from './nodes.js';

/**
 * Ways to write value, best first: the style the line already uses, then bare, then quoted.
 * A candidate is only a proposal: the caller parses it back and keeps the first one that
 * reads as value, so the rules here need not be exact, only the round trip.
 */
export function encodeCandidates(value: string, current: QuoteStyle): { quote: QuoteStyle; text: string }[] {
  const multiline = value.includes('\n') || value.includes('\r');
  const order: QuoteStyle[] = [
    current,
    'none',
    ...(multiline ? [] : (['single'] as const)),
    'double',
    'single',
  ];
  // A bare `a #b` reads back only because godotenv cuts at the *last* " #"; one edit of the
  // comment would change the value, so such values get quotes.
  const seen = new Set<QuoteStyle>(/[\t\v\f\r \u0085\u00a0]#/.test(value) ? ['none'] : []);
  const out: { quote: QuoteStyle; text: string }[] = [];
  for (const quote of order) {
    if (seen.has(quote)) continue;
    seen.add(quote);
    out.push({ quote, text: encode(value, quote) });
  }
  return out;
}

function encode(value: string, quote: QuoteStyle): string {
  switch (quote) {
    // Bare and double-quoted values expand `$`; `\$` is godotenv's literal dollar in both.
    case 'none':
      return value.replaceAll('$', '\\$');
    case 'single':
      return `'${value}'`;
    case 'double':
      return `"${value.replace(/[\\"$\n\r]/g, (ch) => DOUBLE_ESCAPES[ch] ?? ch)}"`;
  }
}

const DOUBLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  $: '\\$',
  '\n': '\\n',
  '\r': '\\r',
};
