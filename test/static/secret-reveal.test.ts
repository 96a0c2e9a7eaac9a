import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lex, type SourceFile, sourceFiles } from '../helpers/source.js';

// A SecretText (a generated secret value, a credential-like env value) becomes text only where
// the operator sees it on purpose. A new call elsewhere must be added here, with its reason.
const ALLOWED: Record<string, string> = {
  'src/domain/secret/sensitive.ts': 'the type itself, and revealSecrets',
  'src/ui/events.ts': 'the terminal table of generated values; --machine lines under --show-secrets',
  'src/services/secret/generate.ts': 'the value becomes the swarm secret',
  'src/commands/app/secret/generate.ts': 'the --machine result under --show-secrets',
  'src/commands/app/env.ts': 'credential-like env values under --show-secrets',
};

/** `file:line` of each `.reveal(` or `revealSecrets(` call outside ALLOWED (comments ignored). */
export function revealCalls(files: readonly SourceFile[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (ALLOWED[f.path] !== undefined) continue;
    const code = lex(f.text).code;
    for (const m of code.matchAll(/\.reveal\(|\brevealSecrets\(/g))
      out.push(`${f.path}:${code.slice(0, m.index).split('\n').length}`);
  }
  return out;
}

describe('secret values are revealed only on purpose', () => {
  it('the check finds calls in code, not in comments', () => {
    const files: SourceFile[] = [
      {
        path: 'src/x.ts',
        text: '// v.reveal() in a comment\nconst a = revealSecrets(x);\nconst b = v.value.reveal();\n',
      },
      { path: 'src/ui/events.ts', text: 'const c = v.reveal();\n' },
    ];
    assert.deepEqual(revealCalls(files), ['src/x.ts:2', 'src/x.ts:3']);
  });

  it('no file outside the allowed list turns a SecretText into text', () => {
    assert.deepEqual(revealCalls(sourceFiles()), []);
  });
});
