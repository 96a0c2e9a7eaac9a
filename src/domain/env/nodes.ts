import type { LineEnding } from './syntax.js';

/** How a value is written: bare, in single quotes (literal) or in double quotes (escapes, `$`). */
export type QuoteStyle = 'none' | 'single' | 'double';

/**
 * One `KEY=value` statement. Concatenating lead, raw, trail and eol gives back its exact bytes,
 * which is what lets an edit change the value and nothing else.
 */
export interface AssignmentNode {
  readonly kind: 'assignment';
  readonly key: string;
  readonly exported: boolean;
  /** Indentation, `export `, the key, `=` (or `:`) and the spaces after it. */
  readonly lead: string;
  /** The value as written, quotes included; spans lines when a quoted value does. */
  readonly raw: string;
  readonly quote: QuoteStyle;
  /** Spaces and the inline comment after the value, up to the line ending. */
  readonly trail: string;
  readonly eol: LineEnding;
  readonly modifiers: Readonly<Record<string, string>>;
}

/** A blank or comment line, kept verbatim. */
export interface TextNode {
  readonly kind: 'blank' | 'comment';
  readonly body: string;
  readonly eol: LineEnding;
}

export type EnvNode = AssignmentNode | TextNode;

export function nodeText(node: EnvNode): string {
  return node.kind === 'assignment' ? node.lead + node.raw + node.trail + node.eol : node.body + node.eol;
}
