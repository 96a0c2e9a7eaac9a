import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadCompose } from '../../src/domain/compose/load.js';
import { createComposeValidator } from '../../src/domain/compose/schema/index.js';
import { UserError } from '../../src/errors.js';
import { corpusComposeTexts } from '../helpers/corpus.js';

const seeds = corpusComposeTexts();

const junk = fc.constantFrom(
  ':',
  '- ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '\t',
  '  ',
  '&a',
  '*a',
  '<<: *a',
  '${',
  '$',
  '#',
  '\n',
  '@',
  '!!int',
  '? ',
  '|',
  '>',
  ',',
  '%',
  'null',
  '0x',
  '~',
);

/** A corpus compose file with a few random edits: most results are broken in some way. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), junk), { minLength: 1, maxLength: 4 }),
  )
  .map(([text, edits]) => {
    let out = text;
    for (const [pos, del, ins] of edits) {
      const at = pos % (out.length + 1);
      out = out.slice(0, at) + ins + out.slice(at + del);
    }
    return out;
  });

/** Structurally valid YAML with wrong shapes for compose keys. */
const wrongShape = fc
  .tuple(
    fc.constantFrom('services', 'networks', 'volumes', 'secrets', 'configs', 'version'),
    fc.constantFrom(
      'ports',
      'volumes',
      'deploy',
      'environment',
      'command',
      'healthcheck',
      'labels',
      'secrets',
      'configs',
      'networks',
    ),
    fc.constantFrom(
      '1',
      '[1, 2]',
      '{a: {b: c}}',
      'null',
      'true',
      '"x"',
      '[{a: 1}]',
      '"80:80:80:80"',
      '"::"',
      '[""]',
    ),
  )
  .map(([top, key, value]) =>
    top === 'services'
      ? `services:\n  app:\n    image: x\n    ${key}: ${value}\n`
      : `services: {}\n${top}: ${value}\n`,
  );

const validator = createComposeValidator();

describe('malformed compose input never crashes', () => {
  it('>= 300 generated broken files each end in a UserError with a location, or load', () => {
    const inputs = [
      ...fc.sample(mutated, { numRuns: 260, seed: 7 }),
      ...fc.sample(wrongShape, { numRuns: 120, seed: 8 }),
    ];
    let errors = 0;
    for (const text of inputs) {
      try {
        loadCompose({
          files: [{ file: 'compose.yml', text }],
          workingDir: '/recipe',
          env: { STACK_NAME: 's' },
          validator,
        });
      } catch (err) {
        if (!(err instanceof UserError)) {
          assert.fail(
            `not a UserError (${(err as Error)?.constructor?.name}: ${(err as Error)?.message}) for:\n${text}`,
          );
        }
        assert.ok(
          err.where?.startsWith('compose.yml'),
          `the error names the file: ${err.where} / ${err.message}`,
        );
        errors++;
      }
    }
    assert.ok(inputs.length >= 300);
    assert.ok(errors >= 100, `most generated inputs are broken (${errors} of ${inputs.length})`);
  });
});
