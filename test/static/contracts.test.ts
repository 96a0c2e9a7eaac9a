import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lex, type SourceFile, sourceFiles } from '../helpers/source.js';

const CONTRACT = 'src/domain/stack/contract.ts';
const DOCKER_LABELS = ['com.docker.stack.namespace', 'com.docker.stack.image'];

/**
 * Places outside the contract module that spell a stack label in code: a docker label in any
 * string, or a `coop-cloud.${…}` key built by a template. Recipes' own spelling,
 * `coop-cloud.${STACK_NAME}.…` in help text, is not a key the code builds and is allowed.
 * Comments are not code and are ignored.
 */
export function contractViolations(files: readonly SourceFile[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (f.path === CONTRACT) continue;
    for (const s of lex(f.text).strings) {
      for (const label of DOCKER_LABELS)
        if (s.text.includes(label)) out.push(`${f.path}:${s.line}: spells ${label}`);
      if (s.beforeSubstitution.some((part) => part.endsWith('coop-cloud.')))
        out.push(`${f.path}:${s.line}: builds a coop-cloud.<stack> label key (use abraLabel())`);
    }
  }
  return out;
}

describe('one home for the stack contract', () => {
  it(`no stack label is spelled outside ${CONTRACT}`, () => {
    const bad = contractViolations(sourceFiles());
    assert.deepEqual(bad, [], `import these from ${CONTRACT} instead:\n${bad.join('\n')}`);
  });

  it('the check finds labels in strings and templates, and ignores comments and recipe syntax', () => {
    const files: SourceFile[] = [
      { path: 'src/a.ts', text: "// com.docker.stack.namespace\nconst l = 'com.docker.stack.namespace';\n" },
      { path: 'src/b.ts', text: 'const k = (stack: string) => `coop-cloud.${stack}.version`;\n' },
      { path: 'src/c.ts', text: "const hint = 'set coop-cloud.${STACK_NAME}.version in the recipe';\n" },
      {
        path: 'src/d.ts',
        text: "/* com.docker.stack.image */ const x = { label: ['com.docker.stack.image'] };\n",
      },
      { path: CONTRACT, text: "export const NAMESPACE_LABEL = 'com.docker.stack.namespace';\n" },
    ];
    assert.deepEqual(contractViolations(files), [
      'src/a.ts:2: spells com.docker.stack.namespace',
      'src/b.ts:1: builds a coop-cloud.<stack> label key (use abraLabel())',
      'src/d.ts:1: spells com.docker.stack.image',
    ]);
  });
});
