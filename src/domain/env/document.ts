import { isUserError, UserError } from '../../errors.js';
import { decodeValue } from './decode.js';
import { encodeCandidates } from './encode.js';
import { ExpansionTooLarge, type VarLookup } from './expand.js';
import { type AssignmentNode, type EnvNode, nodeText, type QuoteStyle } from './nodes.js';
import { parseNodes } from './parse.js';
import { isValidKey, type LineEnding } from './syntax.js';

/** One `KEY=value` statement as written. */
export interface EnvEntry {
  readonly key: string;
  /** The value exactly as written, quotes included. */
  readonly raw: string;
  /** 1-based line where the statement starts. */
  readonly line: number;
  readonly quote: QuoteStyle;
  readonly exported: boolean;
  /** Parsed from the inline comment (`# length=32 charset=special`); {} when there is none. */
  readonly modifiers: Readonly<Record<string, string>>;
}

/** All values of one env file, `$NAME`s expanded, beyond which it is refused. */
export const MAX_EXPANDED_CHARS = 16 * 1024 * 1024;

/** Parse an app env file or a recipe .env.sample; `file` is only used in error messages. */
export function parseEnv(text: string, file: string): EnvDocument {
  return new EnvDocument(file, parseNodes(text, file));
}

/**
 * An env file that remembers every byte: toString() gives back the input unchanged, and
 * set/unset return a new document that differs only in the lines they touch.
 */
export class EnvDocument {
  constructor(
    readonly file: string,
    private readonly nodes: readonly EnvNode[],
  ) {}

  entries(): EnvEntry[] {
    const out: EnvEntry[] = [];
    let line = 1;
    for (const node of this.nodes) {
      if (node.kind === 'assignment') {
        const { key, raw, quote, exported, modifiers } = node;
        out.push({ key, raw, line, quote, exported, modifiers });
      }
      line += countLineFeeds(nodeText(node));
    }
    return out;
  }

  /**
   * Every key's value, later assignments winning. `$NAME` sees the keys assigned above it,
   * then `outside` (Go abra falls back to its own process environment there), then "".
   */
  values(outside: Readonly<Record<string, string>> = {}): Record<string, string> {
    const seen = new Map<string, string>();
    const lookup: VarLookup = (name) =>
      seen.get(name) ?? (Object.hasOwn(outside, name) ? outside[name]! : '');
    let budget = MAX_EXPANDED_CHARS;
    let line = 1;
    for (const node of this.nodes) {
      if (node.kind === 'assignment') {
        let value: string;
        try {
          value = decodeValue(node, lookup, budget);
        } catch (err) {
          if (!(err instanceof ExpansionTooLarge)) throw err;
          throw new UserError(
            `The value of ${node.key}: expanding $variables makes the file's values larger than ${MAX_EXPANDED_CHARS / 1024 / 1024} MiB`,
            {
              where: `${this.file}:${line}`,
              hint: 'Each $VAR copies a whole value; a chain of lines that repeat $VARs grows without bound. Write the value out instead.',
              code: 'env_expansion_too_large',
            },
          );
        }
        budget -= value.length;
        seen.set(node.key, value);
      }
      line += countLineFeeds(nodeText(node));
    }
    return Object.fromEntries(seen);
  }

  /** Modifiers of each key's winning assignment; keys without any are left out. */
  modifiers(): Record<string, Record<string, string>> {
    const found = new Map<string, Record<string, string>>();
    for (const node of this.nodes) {
      if (node.kind !== 'assignment') continue;
      if (Object.keys(node.modifiers).length > 0) found.set(node.key, { ...node.modifiers });
      else found.delete(node.key);
    }
    return Object.fromEntries(found);
  }

  /**
   * Give key the literal value (no `$` expansion). The last assignment of the key is rewritten
   * in place, keeping its quote style, comment and line ending when the value allows; a new key
   * goes after the last non-blank line. Throws a UserError for a value that abra's parser
   * cannot read back unchanged (one that needs quotes and ends in `"` or `\`).
   */
  set(key: string, value: string): EnvDocument {
    checkKey(key, this.file);
    const index = this.lastIndexOf(key);
    if (index !== -1) {
      const old = this.nodes[index] as AssignmentNode;
      const node = this.encode(key, value, old.lead, old.quote, old.trail, old.eol);
      return this.with(index, 1, [node]);
    }
    const eol = this.lineEnding();
    let at = this.nodes.length;
    while (at > 0 && this.nodes[at - 1]!.kind === 'blank') at--;
    const before = this.nodes[at - 1];
    if (before !== undefined && before.eol === '') {
      // The file ends on this line without a line ending: give it one, and none to the new line.
      return this.with(at - 1, 1, [{ ...before, eol }, this.encode(key, value, `${key}=`, 'none', '', '')]);
    }
    return this.with(at, 0, [this.encode(key, value, `${key}=`, 'none', '', eol)]);
  }

  /** Remove every assignment of key (with its line ending); other lines stay as they are. */
  unset(key: string): EnvDocument {
    return new EnvDocument(
      this.file,
      this.nodes.filter((n) => n.kind !== 'assignment' || n.key !== key),
    );
  }

  toString(): string {
    return this.nodes.map(nodeText).join('');
  }

  private lastIndexOf(key: string): number {
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i]!;
      if (node.kind === 'assignment' && node.key === key) return i;
    }
    return -1;
  }

  private with(start: number, remove: number, insert: EnvNode[]): EnvDocument {
    const nodes = [...this.nodes];
    nodes.splice(start, remove, ...insert);
    return new EnvDocument(this.file, nodes);
  }

  /** The file's own line ending for new lines: CRLF if its first line ends so, else LF. */
  private lineEnding(): LineEnding {
    return this.nodes.find((n) => n.eol !== '')?.eol ?? '\n';
  }

  private encode(
    key: string,
    value: string,
    lead: string,
    current: QuoteStyle,
    trail: string,
    eol: LineEnding,
  ): AssignmentNode {
    for (const candidate of encodeCandidates(value, current)) {
      const node = reparse(lead + candidate.text + trail + eol);
      if (node?.key === key && readsAs(node, value)) return node;
    }
    throw new UserError(`The value for ${key} cannot be written so that abra reads it back unchanged`, {
      where: this.file,
      hint:
        "abra's env parser cannot store a value that needs quotes (spaces at either end, a line break, " +
        '" #" or a quote at the start) and also ends in a double quote or a backslash; change the value.',
      code: 'env_value_unrepresentable',
    });
  }
}

function reparse(text: string): AssignmentNode | undefined {
  let nodes: EnvNode[];
  try {
    nodes = parseNodes(text, '<candidate>');
  } catch (err) {
    if (isUserError(err)) return undefined;
    throw err;
  }
  const [node] = nodes;
  return nodes.length === 1 && node?.kind === 'assignment' ? node : undefined;
}

/** True when node decodes to value without help from any variable. */
function readsAs(node: AssignmentNode, value: string): boolean {
  let usedVariable = false;
  const decoded = decodeValue(node, () => {
    usedVariable = true;
    return '';
  });
  return !usedVariable && decoded === value;
}

function checkKey(key: string, file: string): void {
  if (!isValidKey(key))
    throw new UserError(`"${key}" is not a valid env key`, {
      where: file,
      hint: 'Keys are made of letters, digits, "_" and ".", e.g. SECRET_DB_PASSWORD_VERSION.',
      code: 'env_key_invalid',
    });
}

function countLineFeeds(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
