// Services never print: they emit events and ask through the prompt, so the terminal, the
// --machine JSON lines and the dashboard all render the same operation.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('../../src/services', import.meta.url).pathname;
const FORBIDDEN: [RegExp, string][] = [
  [/\bconsole\.(log|error|warn|info)\(/, 'console output'],
  [/\bprocess\.(stdout|stderr)\b/, 'direct process.stdout/stderr'],
  [/\bdeps\.io\b|\bio\.(out|err|warn)\(/, 'the terminal Io (services emit events instead)'],
  [/from '\.\.\/\.\.\/ui\//, 'an import from src/ui'],
  [/new GitClient\(/, 'its own git client (take deps.git)'],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

export function violations(sources: { file: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const { file, text } of sources) {
    text.split('\n').forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return;
      for (const [re, what] of FORBIDDEN)
        if (re.test(line)) out.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
    });
  }
  return out;
}

test('the checker catches a service that prints', () => {
  assert.equal(violations([{ file: 'x.ts', text: "  deps.io.err('hello');\n" }]).length, 1);
  assert.equal(violations([{ file: 'x.ts', text: "  process.stderr.write('x');\n" }]).length, 1);
  assert.equal(
    violations([{ file: 'x.ts', text: "  deps.events({ type: 'info', message: 'x' });\n" }]).length,
    0,
  );
});

test('no service writes to the terminal or builds its own git client', () => {
  const found = violations(files(ROOT).map((file) => ({ file, text: readFileSync(file, 'utf8') })));
  assert.deepEqual(found, []);
});
