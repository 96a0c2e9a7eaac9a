import {
  type Alias,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Scalar,
} from 'yaml';
import { UserError } from '../../errors.js';

export type YamlPath = (string | number)[];
export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };
export type YamlMap = { [key: string]: YamlValue };

/** A parsed compose file: plain data plus a way back from a key path to its line. */
export interface ParsedYaml {
  file: string;
  data: YamlMap;
  /** 1-based line and column of the value (or key) at `path`, if it came from the file. */
  locate(path: YamlPath): { line: number; col: number } | undefined;
}

// docker/cli 28 reads compose files with Go's yaml.v3, whose plain-scalar resolution is its own
// mix: YAML 1.2 booleans and nulls (so yes/no/on/off stay strings), but integers as Go's
// strconv.ParseInt(base 0) reads them after dropping underscores (0755 octal, 0x1F, 0o17, 0b10,
// 1_000), and dates as timestamps. Plain scalars are therefore resolved here from their source
// text instead of by the yaml library's schema.
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

export function resolvePlainScalar(text: string): YamlValue {
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  const first = text[0] ?? '';
  if (!/[-+.0-9]/.test(first)) return text;
  const plain = text.replace(/_/g, '');
  const int = goParseInt(plain);
  if (int !== undefined) return int;
  if (GO_FLOAT.test(plain)) return Number(plain);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return Number.NaN;
  const date = /^(\d{4})-(\d\d?)-(\d\d?)$/.exec(text);
  if (date) return `${date[1]}-${date[2]?.padStart(2, '0')}-${date[3]?.padStart(2, '0')} 00:00:00 +0000 UTC`;
  return text;
}

/** An integer docker keeps exactly (int64/uint64) that a JS number would round. */
export class InexactIntegerError extends Error {
  constructor(readonly text: string) {
    super(`the integer ${text} is too large to be represented exactly (limit ${Number.MAX_SAFE_INTEGER})`);
    this.name = 'InexactIntegerError';
  }
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Go's ParseInt/ParseUint(base 0, 64 bits). Within 64 bits docker keeps the value exactly,
 * so one beyond 2^53 cannot be kept and is refused rather than rounded. Beyond 64 bits docker
 * reads a decimal as a float (rounded) and anything else as a string: the decimal is refused,
 * the rest stays the string docker has.
 */
function goParseInt(s: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const [, sign, body = ''] = m;
  let digits: string;
  if (/^0[xXoObB]/.test(body)) digits = `0${body[1]?.toLowerCase()}${body.slice(2)}`;
  else if (body.length > 1 && body.startsWith('0')) digits = `0o${body.slice(1)}`;
  else digits = body;
  const big = sign === '-' ? -BigInt(digits) : BigInt(digits);
  if (big < INT64_MIN || big > UINT64_MAX) {
    if (/^[0-9]+$/.test(body)) throw new InexactIntegerError(s);
    return undefined;
  }
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new InexactIntegerError(s);
  return Number(big);
}

export function pathToString(path: YamlPath): string {
  return path.map((p) => String(p)).join('.');
}

/** Compose files larger than this are refused before parsing (real ones are a few KiB). */
export const MAX_COMPOSE_BYTES = 16 * 1024 * 1024;
/** Nesting deeper than this is refused (compose files need about ten levels). */
export const MAX_YAML_DEPTH = 200;
/** Values built from one file, aliases expanded, beyond which the file is refused. */
export const MAX_YAML_NODES = 2_000_000;

// What Go's yaml reader accepts (readerc.go); anything else is "control characters are not
// allowed" there, wherever it stands, comments included.
const NOT_PRINTABLE = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
// A quoted scalar's escapes can still produce these; no compose value needs them, and NUL
// cannot pass through to the engine or a terminal intact.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_IN_VALUE = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/**
 * yaml.v3's bound on alias expansion (decode.go allowedAliasRatio): past 100 aliased values
 * and 1000 values in all, at most 99% of the values may come from aliases, scaling down to
 * 10% between 400 000 and 4 000 000 values. A "billion laughs" file fails within a few
 * thousand values instead of expanding to gigabytes.
 */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

function checkText(text: string, file: string): void {
  if (text.length > MAX_COMPOSE_BYTES) {
    throw new UserError(`${file} is larger than ${MAX_COMPOSE_BYTES / 1024 / 1024} MiB`, {
      where: file,
      hint: 'A compose file is a few KiB; check that COMPOSE_FILE names the right file.',
      code: 'compose_too_large',
    });
  }
  const bad = NOT_PRINTABLE.exec(text);
  if (bad) {
    const before = text.slice(0, bad.index);
    const line = before.split('\n').length;
    const col = bad.index - before.lastIndexOf('\n');
    throw new UserError(`${file}: control characters are not allowed (${codePoint(bad[0])})`, {
      where: `${file}:${line}:${col}`,
      hint: 'Remove the character; write it as an escape inside double quotes only if it is really meant.',
      code: 'compose_yaml_invalid',
    });
  }
}

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export function parseComposeYaml(text: string, file: string): ParsedYaml {
  try {
    return parseChecked(text, file);
  } catch (err) {
    // The library recurses once per nesting level: a deep enough file overflows the stack.
    if (!(err instanceof RangeError) || !err.message.includes('call stack')) throw err;
    throw yamlError(file, 'it nests too deeply', undefined);
  }
}

function parseChecked(text: string, file: string): ParsedYaml {
  checkText(text, file);
  const lineCounter = new LineCounter();
  // Duplicate keys are checked below: the library's own check compares every pair of keys.
  const doc = parseDocument(text, {
    version: '1.1',
    merge: true,
    uniqueKeys: false,
    lineCounter,
    prettyErrors: true,
  });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const tooDeep = first.message.includes('Maximum call stack size exceeded');
    const message = tooDeep ? 'it nests too deeply' : first.message.split('\n')[0];
    throw new UserError(`${file} is not valid YAML: ${message}`, {
      where: pos ? `${file}:${pos.line}:${pos.col}` : file,
      hint: 'Fix the YAML syntax at that line (indentation, quotes, a missing colon); `yamllint` can help.',
      code: 'compose_yaml_invalid',
    });
  }
  checkTabIndentation(text, file, doc.contents, lineCounter);
  const positions = new Map<string, number>();
  let decodeCount = 0;
  let aliasCount = 0;
  let aliasDepth = 0;
  const anchors = new Map<Alias, Node>();
  const toJs = (node: unknown, path: YamlPath, depth: number): YamlValue => {
    if (depth > MAX_YAML_DEPTH)
      throw yamlError(
        file,
        `values nest deeper than ${MAX_YAML_DEPTH} levels`,
        lineOf(lineCounter, asNode(node)),
      );
    decodeCount++;
    if (aliasDepth > 0) aliasCount++;
    if (aliasCount > 100 && decodeCount > 1000 && aliasCount / decodeCount > allowedAliasRatio(decodeCount))
      throw yamlError(file, 'document contains excessive aliasing', lineOf(lineCounter, asNode(node)));
    if (decodeCount > MAX_YAML_NODES)
      throw yamlError(file, `more than ${MAX_YAML_NODES} values (aliases expanded)`, undefined);
    if (isAlias(node)) {
      // The library finds an alias's anchor by walking the document: once per alias node.
      let target = anchors.get(node);
      if (!target) {
        target = node.resolve(doc);
        if (!target)
          throw yamlError(file, `unknown anchor '${node.source}' referenced`, lineOf(lineCounter, node));
        anchors.set(node, target);
      }
      aliasDepth++;
      try {
        return toJs(target, path, depth);
      } finally {
        aliasDepth--;
      }
    }
    const n = node;
    if (n && typeof n === 'object' && 'range' in n && Array.isArray((n as Node).range)) {
      const key = pathToString(path);
      if (!positions.has(key)) positions.set(key, ((n as Node).range as [number, number, number])[0]);
    }
    if (n === null || n === undefined) return null;
    if (isScalar(n)) return scalarOf(n, file, lineCounter, path);
    if (isSeq(n)) return n.items.map((item, i) => toJs(item, [...path, i], depth + 1));
    if (isMap(n)) {
      const out: YamlMap = {};
      const explicit = new Set<string>();
      const merged: YamlMap[] = [];
      const seen = new Map<string, number>();
      for (const pair of n.items) {
        const keyNode = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
        // yaml.v3 compares keys by kind and decoded value: "a" and a are the same key.
        if (isScalar(keyNode)) {
          const id = String(keyNode.source ?? keyNode.value);
          const line = lineOf(lineCounter, keyNode);
          const earlier = seen.get(id);
          if (earlier !== undefined) {
            throw new UserError(
              `${file} is not valid YAML: mapping key ${JSON.stringify(id)} already defined at line ${earlier}`,
              {
                where: `${file}:${line ?? '?'}${path.length ? ` (${pathToString(path)})` : ''}`,
                hint: 'Remove or rename one of the two keys; YAML mappings cannot repeat a key.',
                code: 'compose_yaml_invalid',
              },
            );
          }
          seen.set(id, line ?? 0);
        }
        if (isScalar(keyNode) && keyNode.source === '<<' && keyNode.type === 'PLAIN') {
          const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const s of sources) {
            const v = toJs(s, path, depth + 1);
            if (v === null || typeof v !== 'object' || Array.isArray(v)) {
              throw yamlError(file, 'a << merge key must refer to a mapping', lineOf(lineCounter, keyNode));
            }
            merged.push(v);
          }
          continue;
        }
        const keyValue = isScalar(keyNode) ? scalarOf(keyNode, file, lineCounter) : undefined;
        if (typeof keyValue !== 'string') {
          const shown = isScalar(keyNode) ? JSON.stringify(keyValue) : 'a collection';
          throw new UserError(
            `non-string key ${shown} ${path.length ? `in ${pathToString(path)}` : 'at top level'}`,
            {
              where: locationOf(file, lineCounter, keyNode),
              hint: 'Quote the key so that it is a string, e.g. "80": instead of 80: (YAML reads numbers, true/false and null as such).',
              code: 'compose_yaml_invalid',
            },
          );
        }
        const key = keyValue;
        const keyPos = isScalar(keyNode) ? keyNode.range?.[0] : undefined;
        if (keyPos !== undefined) positions.set(pathToString([...path, key]), keyPos);
        explicit.add(key);
        out[key] = toJs(pair.value, [...path, key], depth + 1);
      }
      // Explicit keys win over merged ones; earlier merge sources win over later ones.
      for (const m of merged) {
        for (const [k, v] of Object.entries(m)) if (!explicit.has(k) && !(k in out)) out[k] = v;
      }
      return out;
    }
    throw yamlError(file, 'unsupported YAML node', undefined);
  };
  const data = toJs(doc.contents, [], 0);
  if (data === null && text.trim() === '') {
    throw new UserError(`${file} is empty`, {
      where: file,
      hint: 'A compose file needs at least a `services:` section.',
      code: 'compose_empty',
    });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`${file}: the top level must be a mapping (services:, volumes:, ...)`, {
      where: `${file}:1`,
      code: 'compose_yaml_invalid',
    });
  }
  return {
    file,
    data,
    locate: (path) => {
      for (let n = path.length; n >= 0; n--) {
        const offset = positions.get(pathToString(path.slice(0, n)));
        if (offset !== undefined) return lineCounter.linePos(offset);
      }
      return undefined;
    },
  };
}

function scalarOf(n: Scalar, file: string, lc: LineCounter, path: YamlPath = []): YamlValue {
  const line = lineOf(lc, n);
  const where = `${line ? `${file}:${line}` : file}${path.length ? ` (${pathToString(path)})` : ''}`;
  const fail = (message: string, code = 'compose_yaml_invalid', hint?: string) =>
    new UserError(`${file}: ${message}`, { where, code, ...(hint ? { hint } : {}) });
  try {
    if (n.type === 'PLAIN' && !n.tag) return resolvePlainScalar(String(n.source ?? n.value ?? ''));
    if (n.tag === 'tag:yaml.org,2002:int' && typeof n.source === 'string') {
      const exact = resolvePlainScalar(n.source);
      if (typeof exact === 'number') return exact;
    }
  } catch (err) {
    if (err instanceof InexactIntegerError) throw fail(err.message, 'compose_number_inexact', QUOTE_IT);
    throw err;
  }
  const value: unknown = n.value;
  if (typeof value === 'string') {
    const bad = CONTROL_IN_VALUE.exec(value);
    if (bad) throw fail(`a string contains the control character ${codePoint(bad[0])}`);
    return value;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Number.isSafeInteger(value) && /^[-+]?[0-9_]+$/.test(String(n.source)))
      throw fail(new InexactIntegerError(String(n.source)).message, 'compose_number_inexact', QUOTE_IT);
    return value;
  }
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER))
      throw fail(new InexactIntegerError(String(value)).message, 'compose_number_inexact', QUOTE_IT);
    return Number(value);
  }
  throw yamlError(file, `unsupported YAML value (${typeof value})`, line);
}

const QUOTE_IT = 'Quote the value to keep it as a string ("..."), or use a smaller number.';

function asNode(node: unknown): { range?: [number, number, number] | null } {
  return node !== null && typeof node === 'object'
    ? (node as { range?: [number, number, number] | null })
    : {};
}

/**
 * The yaml library forgives tabs in indentation; Go's yaml (a libyaml port), and so docker,
 * rejects a tab in a line's leading whitespace in block context ("found character that cannot
 * start any token"). Flow collections and quoted scalars may contain such lines; block scalar
 * content may have tabs only after its indentation.
 */
function checkTabIndentation(text: string, file: string, root: unknown, lc: LineCounter): void {
  if (!text.includes('\t')) return;
  const tolerant: [number, number][] = [];
  const blocks: [number, number][] = [];
  const visit = (node: unknown) => {
    if (isAlias(node) || node === null || typeof node !== 'object') return;
    const range = (node as Node).range;
    if (isScalar(node)) {
      if (!range) return;
      if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') tolerant.push([range[0], range[1]]);
      if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') blocks.push([range[0], range[1]]);
      return;
    }
    if ((isMap(node) || isSeq(node)) && node.flow && range) tolerant.push([range[0], range[1]]);
    if (isMap(node)) {
      for (const p of node.items) {
        visit(p.key);
        visit(p.value);
      }
    } else if (isSeq(node)) for (const item of node.items) visit(item);
  };
  visit(root);
  let offset = 0;
  let blockIndent: number | undefined;
  let blockEnd = -1;
  for (const line of text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    const lead = /^[ \t]*/.exec(line)?.[0] ?? '';
    const block = blocks.find(([a, b]) => start > a && start < b);
    if (block && block[1] !== blockEnd) {
      blockEnd = block[1];
      blockIndent = undefined;
    }
    if (block && blockIndent === undefined && line.trim() !== '') blockIndent = /^ */.exec(line)?.[0].length;
    if (!lead.includes('\t')) continue;
    if (tolerant.some(([a, b]) => start > a && start < b)) continue;
    if (block && lead.indexOf('\t') >= (blockIndent ?? 1)) continue;
    const pos = lc.linePos(start);
    throw new UserError(`${file}: found a tab character in indentation`, {
      where: `${file}:${pos.line}`,
      hint: 'YAML indentation must use spaces; replace the tab(s) at the start of that line with spaces.',
      code: 'compose_yaml_invalid',
    });
  }
}

function lineOf(lc: LineCounter, node: { range?: [number, number, number] | null }): number | undefined {
  return node.range ? lc.linePos(node.range[0]).line : undefined;
}

function locationOf(file: string, lc: LineCounter, node: unknown): string {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return file;
  const p = lc.linePos(range[0]);
  return `${file}:${p.line}:${p.col}`;
}

function yamlError(file: string, message: string, line: number | undefined): UserError {
  return new UserError(`${file}: ${message}`, {
    where: line ? `${file}:${line}` : file,
    code: 'compose_yaml_invalid',
  });
}
