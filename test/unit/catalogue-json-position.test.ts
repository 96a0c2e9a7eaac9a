import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonErrorPlace } from '../../src/domain/catalogue/json-position.js';

/** The place V8's own message gives for `text`, as line and column. */
function placeOf(text: string): { line: number; column: number } | undefined {
  try {
    JSON.parse(text);
  } catch (err) {
    return jsonErrorPlace(text, (err as Error).message);
  }
  throw new Error(`${text} parsed`);
}

describe('jsonErrorPlace (golden, from V8 messages)', () => {
  const cases: [string, { line: number; column: number } | undefined][] = [
    ['{,}', { line: 1, column: 2 }],
    ['{\n  "a": 1,\n}', { line: 3, column: 1 }],
    ['{\n  "a": {\n    "b": "c",,\n  }\n}\n', { line: 3, column: 14 }],
    ['{"a": ', { line: 1, column: 7 }],
    ['', { line: 1, column: 1 }],
    ['[1, 2\n', { line: 2, column: 1 }],
  ];
  for (const [text, place] of cases)
    it(JSON.stringify(text), () => {
      assert.deepEqual(placeOf(text), place);
    });

  it('a message without a place gives none', () => {
    assert.equal(jsonErrorPlace('{}', 'Unexpected token x'), undefined);
    assert.equal(jsonErrorPlace('{}', 'at position 99'), undefined, 'past the end of the text');
  });
});
