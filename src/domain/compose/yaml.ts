import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type Scalar } from 'yaml';
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

function goParseInt(s: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const [, sign, body = ''] = m;
  let n: number;
  if (/^0[xX]/.test(body)) n = Number.parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) n = Number.parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) n = Number.parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith('0')) n = Number.parseInt(body.slice(1), 8);
  else n = Number.parseInt(body, 10);
  return sign === '-' ? -n : n;
}

export function pathToString(path: YamlPath): string {
  return path.map((p) => String(p)).join('.');
}

export function parseComposeYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    merge: true,
    uniqueKeys: true,
    lineCounter,
    prettyErrors: true,
  });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    throw new UserError(`${file} is not valid YAML: ${first.message.split('\n')[0]}`, {
      where: pos ? `${file}:${pos.line}:${pos.col}` : file,
      hint: 'Fix the YAML syntax at that line (indentation, quotes, a missing colon); `yamllint` can help.',
      code: 'compose_yaml_invalid',
    });
  }
  checkTabIndentation(text, file, doc.contents, lineCounter);
  const positions = new Map<string, number>();
  const toJs = (node: unknown, path: YamlPath, depth: number): YamlValue => {
    if (depth > 200) throw yamlError(file, 'aliases nest too deeply (recursive anchor?)', undefined);
    const n = isAlias(node) ? node.resolve(doc) : node;
    if (n && typeof n === 'object' && 'range' in n && Array.isArray((n as Node).range)) {
      const key = pathToString(path);
      if (!positions.has(key)) positions.set(key, ((n as Node).range as [number, number, number])[0]);
    }
    if (n === null || n === undefined) return null;
    if (isScalar(n)) return scalarOf(n, file, lineCounter);
    if (isSeq(n)) return n.items.map((item, i) => toJs(item, [...path, i], depth + 1));
    if (isMap(n)) {
      const out: YamlMap = {};
      const explicit = new Set<string>();
      const merged: YamlMap[] = [];
      for (const pair of n.items) {
        const keyNode = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
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

function scalarOf(n: Scalar, file: string, lc: LineCounter): YamlValue {
  if (n.type === 'PLAIN' && !n.tag) return resolvePlainScalar(String(n.source ?? n.value ?? ''));
  const value: unknown = n.value;
  if (value === null || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number')
    return value;
  if (typeof value === 'bigint') return Number(value);
  throw yamlError(file, `unsupported YAML value (${typeof value})`, lc.linePos(n.range?.[0] ?? 0).line);
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
