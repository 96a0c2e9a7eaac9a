import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type NounSpec, registry } from '../../src/cli/registry.js';
import { commandProblem, names } from '../helpers/commands.js';
import { lex, type SourceFile, sourceFiles } from '../helpers/source.js';

// Every `abra <noun> <verb>` that src/ shows a user (hints, help, generated files) must name a
// command that exists: a hint to run a missing command is a dead end. Backticked mentions are
// checked strictly; prose ("abra reads …") only when its first word is a noun.

/** Each mention of abra followed by words in the file's string literals, as `file:line: …`. */
export function badHints(files: readonly SourceFile[], nouns: readonly NounSpec[]): string[] {
  const nounWords = new Set(nouns.flatMap(names));
  const out: string[] = [];
  for (const f of files) {
    for (const s of lex(f.text).strings) {
      for (const m of s.text.matchAll(/(`?)\babra((?:[ \t]+[^\s`'"(),;:]+)*)/g)) {
        const quoted = m[1] === '`';
        const words = (m[2] ?? '').trim().split(/\s+/).filter(Boolean);
        const first = words.find((w) => !w.startsWith('-'));
        if (!quoted && (first === undefined || !nounWords.has(first))) continue;
        const problem = commandProblem(words, nouns);
        const line = s.line + (s.text.slice(0, m.index).match(/\n/g)?.length ?? 0);
        if (problem) out.push(`${f.path}:${line}: "${m[0].replace(/^`/, '')}": ${problem}`);
      }
    }
  }
  return out;
}

describe('hints name commands that exist', () => {
  it('every `abra …` in src/ is a registered noun/verb path (aliases count)', () => {
    const bad = badHints(sourceFiles(), registry);
    assert.deepEqual(bad, [], `rephrase these to a command in src/cli/registry.ts:\n${bad.join('\n')}`);
  });

  it('the check accepts real paths and aliases, and reports missing ones with file:line', () => {
    const load = () => Promise.reject(new Error('not loaded in this test'));
    const nouns: NounSpec[] = [
      {
        name: 'app',
        aliases: ['a'],
        summary: '',
        verbs: [
          { name: 'deploy', aliases: ['d'], summary: '', load },
          {
            name: 'secret',
            aliases: [],
            summary: '',
            verbs: [{ name: 'ls', aliases: ['list'], summary: '', load }],
          },
        ],
      },
    ];
    const files: SourceFile[] = [
      {
        path: 'src/x.ts',
        text: [
          "const a = 'run `abra app deploy <app>` or `abra -n a d ${x}`';",
          'const b = `see \\`abra app secret list ${app}\\` and \\`abra app\\``;',
          "const c = 'then `abra app upgrade <app>`';",
          "const d = 'abra reads the env; abra app cmd runs it';",
          '// `abra app nonsense` in a comment is not shown to anyone',
          "const e = '`abra app secret rm x`, `abra recipe release`';",
        ].join('\n'),
      },
    ];
    assert.deepEqual(badHints(files, nouns), [
      'src/x.ts:3: "abra app upgrade <app>": there is no command "abra app upgrade"',
      'src/x.ts:4: "abra app cmd runs it": there is no command "abra app cmd"',
      'src/x.ts:6: "abra app secret rm x": there is no command "abra app secret rm"',
      'src/x.ts:6: "abra recipe release": there is no command "abra recipe"',
    ]);
  });
});
