import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { dockerStackConfig, mapLimited, type Outcome, ourStackConfig } from '../helpers/stack-config.js';

const dir = mkdtempSync(join(tmpdir(), 'abra-interp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ['A', 'B', 'c_1', '_X', 'UNSET'];
const name = fc.constantFrom(...NAMES, '1BAD');
const literal = fc.constantFrom('a', ' ', '-', ':', '?', '}', '{', 'x-y', '$$', '$${A}', '/', 'é', '');
const op = fc.constantFrom(':-', '-', ':?', '?');

/** Templates nesting every interpolation form, including malformed ones. */
const template: fc.Arbitrary<string> = fc.letrec((tie) => ({
  part: fc.oneof(
    { weight: 3, arbitrary: literal },
    { weight: 2, arbitrary: name.map((n) => `$${n}`) },
    { weight: 2, arbitrary: name.map((n) => `\${${n}}`) },
    {
      weight: 3,
      arbitrary: fc.tuple(name, op, tie('text')).map(([n, o, d]) => `\${${n}${o}${d}}`),
    },
    { weight: 1, arbitrary: fc.constantFrom('$', '${', '${}', '${A', '$-', '${A:}', '${A:x}') },
  ),
  text: fc.array(tie('part') as fc.Arbitrary<string>, { maxLength: 4 }).map((p) => p.join('')),
})).text as fc.Arbitrary<string>;

const envArb = fc.record(
  Object.fromEntries(
    NAMES.filter((n) => n !== 'UNSET').map((n) => [
      n,
      fc.option(fc.constantFrom('', 'v', 'w w', '$B', '}'), { nil: undefined }),
    ]),
  ),
);

function compose(templates: string[]): string {
  const lines = templates.map((t, i) => `      K${i}: ${JSON.stringify(t)}`).join('\n');
  return `version: "3.8"\nservices:\n  app:\n    image: busybox\n    environment:\n${lines}\n`;
}

function same(a: Outcome, b: Outcome): boolean {
  if (a.ok !== b.ok) return false;
  return a.ok && b.ok ? JSON.stringify(a.json) === JSON.stringify(b.json) : true;
}

describe('interpolation matches docker stack config (property-based)', () => {
  it('random nestings of $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, $$ and malformed forms', async () => {
    const cases = fc.sample(fc.tuple(fc.array(template, { minLength: 1, maxLength: 1 }), envArb), {
      numRuns: 400,
      seed: 4242,
    });
    let mismatches: string[] = [];
    let errors = 0;
    await mapLimited(cases, 4, async ([templates, env], i) => {
      const file = join(dir, `c${i}.yml`);
      writeFileSync(file, compose(templates));
      const cleanEnv = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >;
      const theirs = await dockerStackConfig([file], cleanEnv);
      const ours = ourStackConfig([file], cleanEnv);
      if (!theirs.ok) errors++;
      if (!same(ours, theirs)) {
        mismatches.push(
          `${JSON.stringify(templates)} env=${JSON.stringify(cleanEnv)}\n  docker: ${JSON.stringify(theirs)}\n  ours:   ${JSON.stringify(ours)}`,
        );
      }
    });
    mismatches = mismatches.slice(0, 5);
    assert.deepEqual(mismatches, []);
    assert.ok(
      errors > 20 && errors < 380,
      `the generator produces both valid and invalid templates (${errors} errors)`,
    );
  });
});
