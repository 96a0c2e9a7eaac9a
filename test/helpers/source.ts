// Reads src/ for static tests: string literals and imports, never comments. The installed
// TypeScript (7, native) has no JS parser API, so this is a small lexer that knows exactly
// what these tests need: comments, quotes, templates with nested `${}`, and regex literals.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface SourceFile {
  /** Relative to the repository root, with forward slashes: `src/domain/x.ts`. */
  path: string;
  text: string;
}

export function sourceFiles(dir = join(ROOT, 'src')): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

export interface StringPiece {
  /** 1-based line where the literal starts. */
  line: number;
  /** The literal's text (escapes decoded); a template's substitutions appear as `${…}`. */
  text: string;
  /** Template parts directly followed by a substitution: `a.${x}.b` gives ['a.']. */
  beforeSubstitution: string[];
}

export interface Lexed {
  strings: StringPiece[];
  /** The file with comments blanked out (newlines kept, so offsets and lines still match). */
  code: string;
}

const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
]);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };

export function lex(text: string): Lexed {
  const strings: StringPiece[] = [];
  const code = text.split('');
  let i = 0;
  let line = 1;
  // The last significant token, to tell a regex literal from a division.
  let prev = '';

  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (code[k] !== '\n') code[k] = ' ';
  };
  const advance = () => {
    if (text[i] === '\n') line++;
    i++;
  };
  const readEscape = (): string => {
    advance(); // the backslash
    const c = text[i] ?? '';
    advance();
    if (c === '\n') return '';
    return ESCAPES[c] ?? c;
  };
  const readQuoted = (quote: string) => {
    const start = line;
    advance();
    let s = '';
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') s += readEscape();
      else {
        s += text[i];
        advance();
      }
    }
    advance();
    strings.push({ line: start, text: s, beforeSubstitution: [] });
  };
  const readTemplate = () => {
    const start = line;
    advance();
    const parts: string[] = [];
    let s = '';
    while (i < text.length && text[i] !== '`') {
      if (text[i] === '\\') s += readEscape();
      else if (text[i] === '$' && text[i + 1] === '{') {
        parts.push(s);
        s = '';
        advance();
        advance();
        prev = '{';
        lexCode(true);
        advance(); // the closing brace
      } else {
        s += text[i];
        advance();
      }
    }
    advance();
    parts.push(s);
    strings.push({ line: start, text: parts.join('${…}'), beforeSubstitution: parts.slice(0, -1) });
  };
  const readRegex = () => {
    advance();
    let inClass = false;
    while (i < text.length && text[i] !== '\n') {
      const c = text[i];
      if (c === '\\') {
        advance();
        advance();
        continue;
      }
      advance();
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
    }
    while (/[a-z]/i.test(text[i] ?? '')) advance();
  };
  function lexCode(untilBrace: boolean): void {
    let depth = 0;
    while (i < text.length) {
      const c = text[i] ?? '';
      const next = text[i + 1];
      if (c === '/' && next === '/') {
        const from = i;
        while (i < text.length && text[i] !== '\n') advance();
        blank(from, i);
      } else if (c === '/' && next === '*') {
        const from = i;
        while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) advance();
        advance();
        advance();
        blank(from, i);
      } else if (c === '"' || c === "'") {
        readQuoted(c);
        prev = 'str';
      } else if (c === '`') {
        readTemplate();
        prev = 'str';
      } else if (c === '/') {
        const regexHere = prev === '' || REGEX_AFTER_WORD.has(prev) || /^[(,=:[!&|?{};+\-*%<>~^]$/.test(prev);
        if (regexHere) readRegex();
        else advance();
        prev = regexHere ? 'regex' : '/';
      } else if (/[A-Za-z0-9_$]/.test(c)) {
        let w = '';
        while (/[A-Za-z0-9_$]/.test(text[i] ?? '')) {
          w += text[i];
          advance();
        }
        prev = w;
      } else if (/\s/.test(c)) {
        advance();
      } else {
        if (c === '{') depth++;
        if (c === '}') {
          if (depth === 0 && untilBrace) return;
          depth--;
        }
        prev = c;
        advance();
      }
    }
  }
  lexCode(false);
  return { strings, code: code.join('') };
}

export function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let k = 0; k < offset; k++) if (text[k] === '\n') n++;
  return n;
}

export interface ImportRef {
  line: number;
  /** The module specifier as written. */
  specifier: string;
  /** `import type …`, or every named binding marked `type`. */
  typeOnly: boolean;
}

const STATIC_IMPORT = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/g;
const BARE_IMPORT = /(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Static imports, re-exports and `import('…')` calls with a literal specifier. */
export function importsOf(text: string): ImportRef[] {
  const { code } = lex(text);
  const out: ImportRef[] = [];
  for (const m of code.matchAll(STATIC_IMPORT)) {
    const clause = m[3] ?? '';
    const named = /^\{([\s\S]*)\}$/.exec(clause.trim())?.[1];
    const bindings = (named ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '');
    const allTyped =
      named !== undefined && bindings.length > 0 && bindings.every((b) => b.startsWith('type '));
    const at = m.index + m[0].search(/import|export/);
    out.push({ line: lineAt(code, at), specifier: m[4] ?? '', typeOnly: m[2] !== undefined || allTyped });
  }
  for (const m of code.matchAll(BARE_IMPORT))
    out.push({
      line: lineAt(code, m.index + m[0].indexOf('import')),
      specifier: m[1] ?? '',
      typeOnly: false,
    });
  for (const m of code.matchAll(DYNAMIC_IMPORT))
    out.push({ line: lineAt(code, m.index), specifier: m[1] ?? '', typeOnly: false });
  return out.sort((a, b) => a.line - b.line);
}
