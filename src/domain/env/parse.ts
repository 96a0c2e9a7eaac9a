// A lossless reader of abra env files. It follows godotenv v1.5 (which Go abra forks) for
// what each statement means, and splits the text into nodes that give back the exact bytes.
//
// Deliberate differences from godotenv, all for text it would read in a surprising way:
// - a statement must start on its own line: text after a closing quote other than spaces and
//   a `# comment` is an error (godotenv reads `A="x" B=y` as two assignments);
// - a key with a space inside (`MY KEY=1`) or an empty key (`=1`, a lone `KEY` at the end of
//   the file) is an error (godotenv stores them under "MY KEY" or "");
// - after a lone CR in an unquoted value, only spaces or a comment may follow (godotenv
//   would start a new statement there);
// - modifiers are read from the comment after a quoted value too, not only after a bare one.
// Kept from godotenv, quirks included: `KEY: value` works like `KEY=value`; `---` right before
// an LF is dropped (a YAML document marker); CRLF reads as LF, also inside quoted values; an
// inline comment is the *last* `#` that follows a space (`A=x # y # z` is "x # y").
import { UserError } from '../../errors.js';
import { parseModifiers } from './modifiers.js';
import type { AssignmentNode, EnvNode, QuoteStyle } from './nodes.js';
import { isInlineSpace, isUnicodeSpace, KEY_CHARS, type LineEnding, UNICODE_SPACE } from './syntax.js';

// What may follow a value on its line: spaces, then optionally a comment.
const TRAILING_COMMENT = new RegExp(`^${UNICODE_SPACE}*(?:#.*)?$`, 'su');

interface PhysicalLine {
  /** The line without its ending. */
  readonly content: string;
  readonly eol: LineEnding;
  /** The content as godotenv sees it: a prefix of content (see splitLines). */
  readonly effective: string;
}

const SYNTAX_HINT =
  'Each line must be KEY=value, a blank line, or a comment starting with #. ' +
  'Quote values with spaces or # in them ("..." or \'...\'), or comment the line out.';

/** Split text into nodes; throws a UserError naming file:line for a line abra cannot read. */
export function parseNodes(text: string, file: string): EnvNode[] {
  const lines = splitLines(text);
  const nodes: EnvNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const start = skip(line.effective, 0, isUnicodeSpace);
    if (start === line.effective.length) {
      nodes.push({ kind: 'blank', body: line.content, eol: line.eol });
      i++;
    } else if (line.effective[start] === '#') {
      nodes.push({ kind: 'comment', body: line.content, eol: line.eol });
      i++;
    } else {
      const { node, next } = parseAssignment(lines, i, start, file);
      checkControls(node, i, file);
      nodes.push(node);
      i = next;
      continue;
    }
    if (line.content.includes('\0')) throw controlError(file, i - 1, '\0', 'a comment');
  }
  return nodes;
}

// Tab, line feed and carriage return have meanings in the format; no other C0 control or
// DEL belongs in a value, and one printed to a terminal could drive it.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/;

function checkControls(node: AssignmentNode, index: number, file: string): void {
  const bad = CONTROL.exec(node.raw) ?? CONTROL.exec(node.trail);
  if (!bad) return;
  const inRaw = CONTROL.test(node.raw);
  const text = inRaw ? node.raw : node.trail;
  const before = text.slice(0, bad.index);
  const line = index + (inRaw ? before.split('\n').length - 1 : node.raw.split('\n').length - 1);
  throw controlError(
    file,
    line,
    bad[0],
    inRaw ? `the value of ${node.key}` : `the comment after ${node.key}`,
  );
}

function controlError(file: string, index: number, ch: string, what: string): UserError {
  const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return new UserError(`A control character (${code}) in ${what}`, {
    where: `${file}:${index + 1}`,
    hint: 'Remove the character; env values are text, and control characters other than tab are not allowed.',
    code: 'env_control_character',
  });
}

/**
 * godotenv first replaces every `---\n` with `\n`, then `\r\n` with `\n`. Both only ever
 * shorten the end of a line, so the effective content is a prefix of the raw content and
 * columns mean the same in both.
 */
function splitLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      const content = text.slice(start);
      lines.push({ content, eol: '', effective: content });
      break;
    }
    const crlf = nl > start && text[nl - 1] === '\r';
    const content = text.slice(start, crlf ? nl - 1 : nl);
    const eol = crlf ? '\r\n' : '\n';
    const effective = eol === '\n' && content.endsWith('---') ? content.slice(0, -3) : content;
    lines.push({ content, eol, effective });
    start = nl + 1;
  }
  return lines;
}

function skip(text: string, from: number, pred: (ch: string) => boolean): number {
  let i = from;
  while (i < text.length && pred(text[i]!)) i++;
  return i;
}

function parseAssignment(
  lines: PhysicalLine[],
  index: number,
  start: number,
  file: string,
): { node: AssignmentNode; next: number } {
  const line = lines[index]!;
  const eff = line.effective;
  const fail = (message: string, hint = SYNTAX_HINT, at = index): UserError =>
    new UserError(`${message}: ${quoteForMessage(lines[at]!.content)}`, {
      where: `${file}:${at + 1}`,
      hint,
      code: 'env_syntax',
    });

  let pos = start;
  let exported = false;
  if (eff.startsWith('export', pos) && isInlineSpace(eff[pos + 6])) {
    exported = true;
    pos = skip(eff, pos + 6, isInlineSpace);
  }

  const keyMatch = new RegExp(`${KEY_CHARS}*`, 'uy');
  keyMatch.lastIndex = pos;
  const key = keyMatch.exec(eff)?.[0] ?? '';
  const afterKey = skip(eff, pos + key.length, isInlineSpace);
  const sep = eff[afterKey];
  if (sep !== '=' && sep !== ':') {
    if (afterKey === eff.length)
      throw fail(
        key === '' ? 'Nothing follows "export"' : `No "=" after "${key}"`,
        `Write ${key || 'KEY'}=value, or comment the line out with #.`,
      );
    if (afterKey > pos + key.length && key !== '')
      throw fail(
        `Unexpected text after the key "${key}" (expected "=")`,
        'Keys cannot contain spaces: write KEY=value.',
      );
    const bad = String.fromCodePoint(eff.codePointAt(afterKey)!);
    throw fail(
      `Unexpected character ${JSON.stringify(bad)} in a key`,
      bad === '\ufeff'
        ? 'Remove the byte order mark at the start of the file (save it as UTF-8 without BOM).'
        : 'Keys are made of letters, digits, "_" and "."; write KEY=value or comment the line out with #.',
    );
  }
  if (key === '')
    throw fail(`Missing key before "${sep}"`, 'Write KEY=value, or comment the line out with #.');

  const valueStart = skip(eff, afterKey + 1, isInlineSpace);
  const head = { key, exported, lead: line.content.slice(0, valueStart) };
  const first = eff[valueStart];
  if (first === '"' || first === "'") return readQuoted(lines, index, valueStart, first, head, fail);
  return { node: { ...head, ...readBare(line, valueStart, key, fail) }, next: index + 1 };
}

type Fail = (message: string, hint?: string, at?: number) => UserError;
type Head = Pick<AssignmentNode, 'key' | 'exported' | 'lead'>;

/** A quoted value, which may run over several lines; only a comment may follow it. */
function readQuoted(
  lines: PhysicalLine[],
  index: number,
  valueStart: number,
  quoteChar: '"' | "'",
  head: Head,
  fail: Fail,
): { node: AssignmentNode; next: number } {
  const quote: QuoteStyle = quoteChar === '"' ? 'double' : 'single';
  const end = findClosingQuote(lines, index, valueStart + 1, quoteChar);
  if (end === undefined)
    throw fail(
      `Unterminated ${quote}-quoted value for ${head.key}`,
      `Close the value with ${quoteChar}. A quote inside the value must be escaped as \\${quoteChar}.`,
    );
  const line = lines[index]!;
  const last = lines[end.line]!;
  const rest = last.effective.slice(end.col + 1);
  if (!TRAILING_COMMENT.test(rest))
    throw fail(
      `Unexpected text after the closing quote of ${head.key}`,
      'Put one assignment per line; start a comment after a value with " #".',
      end.line,
    );
  let raw: string;
  if (end.line === index) raw = line.content.slice(valueStart, end.col + 1);
  else {
    raw = line.content.slice(valueStart) + line.eol;
    for (let j = index + 1; j < end.line; j++) raw += lines[j]!.content + lines[j]!.eol;
    raw += last.content.slice(0, end.col + 1);
  }
  const comment = rest.indexOf('#');
  const node: AssignmentNode = {
    kind: 'assignment',
    ...head,
    raw,
    quote,
    trail: last.content.slice(end.col + 1),
    eol: last.eol,
    modifiers: comment === -1 ? {} : parseModifiers(rest.slice(comment)),
  };
  return { node, next: end.line + 1 };
}

/** A bare value: the rest of the line up to the last " #" comment, spaces trimmed. */
function readBare(
  line: PhysicalLine,
  valueStart: number,
  key: string,
  fail: Fail,
): Omit<AssignmentNode, keyof Head> {
  let region = line.effective.slice(valueStart);
  const cr = region.indexOf('\r');
  if (cr !== -1) {
    if (!TRAILING_COMMENT.test(region.slice(cr)))
      throw fail(
        `A carriage return splits the line of ${key}`,
        'Remove the stray carriage return (\\r), or save the file with consistent line endings.',
      );
    region = region.slice(0, cr);
  }
  let endOfValue = region.length;
  for (let k = region.length - 1; k > 0; k--) {
    if (region[k] === '#' && isInlineSpace(region[k - 1])) {
      endOfValue = k;
      break;
    }
  }
  let valueEnd = endOfValue;
  while (valueEnd > 0 && isInlineSpace(region[valueEnd - 1])) valueEnd--;
  return {
    kind: 'assignment',
    raw: line.content.slice(valueStart, valueStart + valueEnd),
    quote: 'none',
    trail: line.content.slice(valueStart + valueEnd),
    eol: line.eol,
    modifiers: endOfValue < region.length ? parseModifiers(region.slice(endOfValue)) : {},
  };
}

/** The first unescaped quote after `col`, possibly on a later line (quoted values may span lines). */
function findClosingQuote(
  lines: PhysicalLine[],
  index: number,
  col: number,
  quote: string,
): { line: number; col: number } | undefined {
  for (let j = index; j < lines.length; j++) {
    const eff = lines[j]!.effective;
    let from = j === index ? col : 0;
    for (;;) {
      const k = eff.indexOf(quote, from);
      if (k === -1) break;
      // At the start of a continuation line the previous character is the line feed.
      if (k === 0 || eff[k - 1] !== '\\') return { line: j, col: k };
      from = k + 1;
    }
  }
  return undefined;
}

function quoteForMessage(text: string): string {
  const shown = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  return JSON.stringify(shown);
}
