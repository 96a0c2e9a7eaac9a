import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseEnv } from '../../src/domain/env/document.js';
import { isUserError } from '../../src/errors.js';

// A generated statement: its exact text (line ending included) and, for an assignment, the key
// and the literal value abra must read from it.
interface Statement {
  text: string;
  key?: string;
  value?: string;
  /** What follows the value: comment and line ending. */
  tail?: string;
}

const spaces = (max: number) => fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: max });
const eol = fc.constantFrom('\n', '\r\n');
const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,7}$/);
const commentText = fc.string({
  unit: fc.constantFrom('a', 'Z', ' ', '=', '"', "'", '$', '\\', 'é', '-'),
  maxLength: 12,
});

// Bare values: no " #", no $, no quote first, no space at either end, not ending in "-" (a
// "---" before LF is a YAML marker).
const bareValue = fc
  .string({
    unit: fc.constantFrom(
      'a',
      'B',
      '7',
      '_',
      '.',
      '/',
      ':',
      ',',
      '@',
      '=',
      '#',
      ' ',
      '\\',
      'é',
      '"',
      "'",
      '-',
      '*',
    ),
    maxLength: 14,
  })
  .filter((v) => v.trim() === v && !/\s#/.test(v) && !/^["']/.test(v) && !v.endsWith('-') && !/^\s/.test(v));

const singleValue = fc
  .string({ unit: fc.constantFrom('a', ' ', '$', '{', '}', '#', '"', '\\', 'é', '\t', 'X'), maxLength: 14 })
  .filter((v) => !v.endsWith('\\'));

// Double-quoted values are built from tokens whose meaning is known: [as written, as read].
const doubleToken = fc.constantFrom<[string, string]>(
  ['a', 'a'],
  [' ', ' '],
  ['#', '#'],
  ["'", "'"],
  ['é', 'é'],
  ['\t', '\t'],
  ['\\n', '\n'],
  ['\\r', '\r'],
  ['\\"', '"'],
  ['\\\\', '\\'],
  ['\\$', '$'],
  ['\\${A}', '${A}'],
  ['\\t', 't'],
  ['\n', '\n'],
  ['\r\n', '\n'],
);
const doubleValue = fc
  .array(doubleToken, { maxLength: 10 })
  // An escaped quote or backslash right before the closing quote does not survive godotenv.
  .filter((ts) => ts.length === 0 || (ts[ts.length - 1]![0] !== '\\"' && ts[ts.length - 1]![0] !== '\\\\'))
  .map((ts) => ({ raw: `"${ts.map((t) => t[0]).join('')}"`, value: ts.map((t) => t[1]).join('') }));

const assignment: fc.Arbitrary<Statement> = fc
  .record({
    indent: spaces(2),
    exported: fc.boolean(),
    key,
    before: spaces(2),
    sep: fc.constantFrom('=', ':'),
    after: spaces(2),
    body: fc.oneof(
      bareValue.map((v) => ({ raw: v, value: v, bare: true })),
      singleValue.map((v) => ({ raw: `'${v}'`, value: v, bare: false })),
      doubleValue.map((d) => ({ ...d, bare: false })),
    ),
    comment: fc.option(fc.tuple(spaces(3), commentText)),
    eol,
  })
  .map((r) => {
    // A bare value's comment needs a space before "#"; one right after "=" would be the value.
    const comment =
      r.comment === null || (r.body.bare && r.body.raw === '')
        ? ''
        : `${r.body.bare ? ' ' : ''}${r.comment[0]}#${r.comment[1].replaceAll('#', '')}`;
    const lead = `${r.indent}${r.exported ? 'export ' : ''}${r.key}${r.before}${r.sep}${r.after}`;
    const tail = `${comment}${r.eol}`;
    return { text: `${lead}${r.body.raw}${tail}`, key: r.key, value: r.body.value, tail };
  });

const blank: fc.Arbitrary<Statement> = fc.tuple(spaces(3), eol).map(([s, e]) => ({ text: s + e }));
const comment: fc.Arbitrary<Statement> = fc
  .tuple(spaces(2), commentText, eol)
  .map(([s, c, e]) => ({ text: `${s}#${c}${e}` }));

const documentArb = fc
  .tuple(fc.array(fc.oneof(assignment, assignment, blank, comment), { maxLength: 12 }), fc.boolean())
  .map(([statements, dropLastEol]) => {
    const last = statements[statements.length - 1];
    if (dropLastEol && last)
      statements[statements.length - 1] = {
        ...last,
        text: last.text.replace(/\r?\n$/, ''),
        tail: last.tail?.replace(/\r?\n$/, ''),
      };
    return statements;
  });

function expectedValues(statements: Statement[]): Record<string, string> {
  const out = new Map<string, string>();
  for (const s of statements) if (s.key !== undefined) out.set(s.key, s.value ?? '');
  return Object.fromEntries(out);
}

const trickyValue = fc.string({
  unit: fc.constantFrom(
    'a',
    ' ',
    '\t',
    '#',
    '$',
    '{',
    'A',
    '}',
    '"',
    "'",
    '\\',
    '\n',
    '\r',
    'n',
    '-',
    'é',
    '=',
  ),
  maxLength: 16,
});

describe('env file: properties', () => {
  it('random valid documents round-trip byte for byte and read as generated', () => {
    fc.assert(
      fc.property(documentArb, (statements) => {
        const text = statements.map((s) => s.text).join('');
        const doc = parseEnv(text, 'gen.env');
        assert.equal(doc.toString(), text);
        assert.deepEqual(
          doc.entries().map((e) => e.key),
          statements.filter((s) => s.key !== undefined).map((s) => s.key),
        );
        assert.deepEqual(doc.values(), expectedValues(statements));
      }),
      { numRuns: 400 },
    );
  });

  it('set(k, v) reads back v and keeps every byte outside the rewritten statement', () => {
    let unrepresentable = 0;
    fc.assert(
      fc.property(documentArb, trickyValue, fc.option(key), (statements, value, fresh) => {
        const text = statements.map((s) => s.text).join('');
        const keys = statements.flatMap((s) => (s.key === undefined ? [] : [s.key]));
        const k = fresh ?? keys[value.length % Math.max(keys.length, 1)] ?? 'NEW_KEY';
        const doc = parseEnv(text, 'gen.env');
        let out: string;
        try {
          out = doc.set(k, value).toString();
        } catch (err) {
          assert.ok(isUserError(err) && err.code === 'env_value_unrepresentable', String(err));
          assert.ok(value.endsWith('"') || value.endsWith('\\'), `refused ${JSON.stringify(value)}`);
          unrepresentable++;
          return;
        }
        const reread = parseEnv(out, 'gen.env');
        assert.equal(reread.values()[k], value);
        const last = statements.findLastIndex((s) => s.key === k);
        if (last === -1) {
          const removed = reread.unset(k).toString();
          assert.ok(
            removed === text || removed === `${text}\n` || removed === `${text}\r\n`,
            'only a line was added',
          );
        } else {
          const start = statements
            .slice(0, last)
            .map((s) => s.text)
            .join('').length;
          const end = start + statements[last]!.text.length;
          assert.ok(out.startsWith(text.slice(0, start)), 'bytes before the statement are kept');
          assert.ok(out.endsWith(text.slice(end)), 'bytes after the statement are kept');
          const lead = /^[^=:]*[=:][ \t]*/.exec(statements[last]!.text)![0];
          assert.ok(out.slice(start).startsWith(lead), 'the key part is kept');
          const statementEnd = out.length - (text.length - end);
          assert.ok(out.slice(0, statementEnd).endsWith(statements[last]!.tail!), 'the comment is kept');
          assert.deepEqual(reread.modifiers()[k], doc.modifiers()[k]);
        }
        const others = (d: typeof doc) =>
          d
            .entries()
            .filter((e) => e.key !== k)
            .map(({ key, raw, quote, modifiers }) => ({ key, raw, quote, modifiers }));
        assert.deepEqual(others(reread), others(doc));
      }),
      { numRuns: 600 },
    );
    assert.ok(unrepresentable < 300, 'most values are representable');
  });
});

describe('env file: fuzz', () => {
  it('a malformed line either parses (and round-trips) or is a UserError naming file:line', () => {
    const piece = fc.constantFrom(
      'KEY',
      'a',
      '=',
      ':',
      '"',
      "'",
      '#',
      ' ',
      '\t',
      '$A',
      '${',
      '}',
      '\\',
      '\r',
      '\n',
      '\r\n',
      'export ',
      '-',
      '.',
      '---',
      '\ufeff',
      'é',
      '\u00a0',
      '\u2028',
      '😀',
    );
    const line = fc
      .tuple(fc.constantFrom('', 'KEY=', 'export A='), fc.array(piece, { minLength: 1, maxLength: 12 }))
      .map(([start, ps]) => start + ps.join(''));
    const outcomes = { parsed: 0, rejected: 0 };
    fc.assert(
      fc.property(line, (text) => {
        let doc: ReturnType<typeof parseEnv>;
        try {
          doc = parseEnv(text, 'fuzz.env');
        } catch (err) {
          assert.ok(isUserError(err), `${JSON.stringify(text)} threw ${String(err)}`);
          assert.match(err.where ?? '', /^fuzz\.env:\d+$/);
          assert.equal(err.code, 'env_syntax');
          assert.ok(err.hint);
          outcomes.rejected++;
          return;
        }
        assert.equal(doc.toString(), text);
        doc.values();
        doc.modifiers();
        outcomes.parsed++;
      }),
      { numRuns: 1000 },
    );
    assert.ok(outcomes.parsed + outcomes.rejected >= 1000);
    assert.ok(outcomes.parsed >= 100 && outcomes.rejected >= 100, JSON.stringify(outcomes));
  });
});
