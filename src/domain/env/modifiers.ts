import { UNICODE_SPACE } from './syntax.js';

/**
 * The inline comment of an assignment read as modifiers, as abra does for secrets:
 * `# length=128 charset=special,default` gives {length: '128', charset: 'special,default'}.
 * Bare words (`# passphrase`) map to "". Go abra keeps only `k=v` pairs; reading bare words
 * too is a superset, and callers look modifiers up by name, so prose comments do no harm.
 */
export function parseModifiers(comment: string): Record<string, string> {
  const found = new Map<string, string>();
  const body = comment.replace(/^#+/, '');
  for (const token of body.split(new RegExp(`${UNICODE_SPACE}+`, 'u'))) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq === -1) found.set(token, '');
    else if (eq > 0) found.set(token.slice(0, eq), token.slice(eq + 1));
  }
  // fromEntries defines own properties, so a modifier named __proto__ stays data.
  return Object.fromEntries(found);
}
