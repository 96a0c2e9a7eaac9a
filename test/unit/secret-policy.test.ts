import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnv } from '../../src/domain/env/document.js';
import {
  ALPHABETS,
  alphabetOf,
  describePolicy,
  policyOf,
  policyWeakness,
  weakness,
} from '../../src/domain/secret/policy.js';

const DEFAULT = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Modifiers as abra reads them: from the trailing comment of the env line. */
const modifiersOf = (line: string) => parseEnv(`${line}\n`, 'x.env').entries()[0]!.modifiers;

describe('policyOf: how the env line says a secret is made (golden)', () => {
  const cases: [string, ReturnType<typeof policyOf>][] = [
    ['SECRET_A_VERSION=v1', { ok: true, policy: { kind: 'passphrase', words: 6 } }],
    ['SECRET_A_VERSION=v1 # some prose comment', { ok: true, policy: { kind: 'passphrase', words: 6 } }],
    [
      'SECRET_A_VERSION=v1 # length=32',
      { ok: true, policy: { kind: 'password', length: 32, charset: 'default', alphabet: DEFAULT } },
    ],
    [
      'SECRET_A_VERSION=v1       # length=64 charset=special',
      { ok: true, policy: { kind: 'password', length: 64, charset: 'special', alphabet: '!@#$%^&*_-+=' } },
    ],
    [
      'SECRET_A_VERSION=v1 # length=5 charset=default,special',
      {
        ok: true,
        policy: {
          kind: 'password',
          length: 5,
          charset: 'default,special',
          alphabet: `${DEFAULT}!@#$%^&*_-+=`,
        },
      },
    ],
    [
      'SECRET_A_VERSION=v1 # length=1024 charset=hex',
      { ok: true, policy: { kind: 'password', length: 1024, charset: 'hex', alphabet: '0123456789abcdef' } },
    ],
    ['SECRET_A_VERSION=v1 # generate=false', { ok: true, policy: { kind: 'manual' } }],
    ['SECRET_A_VERSION=v1 # length=32 generate=false', { ok: true, policy: { kind: 'manual' } }],
    ['SECRET_A_VERSION=v1 # generate=true', { ok: true, policy: { kind: 'passphrase', words: 6 } }],
    ['SECRET_A_VERSION=v1 # length=abc', { ok: false, problem: 'length=abc is not a whole number' }],
    ['SECRET_A_VERSION=v1 # length=-3', { ok: false, problem: 'length=-3 is not a whole number' }],
    ['SECRET_A_VERSION=v1 # length=4', { ok: false, problem: 'length=4 is outside 5..1024' }],
    ['SECRET_A_VERSION=v1 # length=1025', { ok: false, problem: 'length=1025 is outside 5..1024' }],
    ['SECRET_A_VERSION=v1 # length=', { ok: false, problem: 'length= is not a whole number' }],
    [
      'SECRET_A_VERSION=v1 # length=12 charset=emoji',
      {
        ok: false,
        problem:
          'charset=emoji is unknown (use default, special, hex, alnum, or several joined by commas such as default,special)',
      },
    ],
    [
      'SECRET_A_VERSION=v1 # charset=hex',
      { ok: false, problem: 'charset=hex needs a length (e.g. length=32)' },
    ],
    ['SECRET_A_VERSION=v1 # generate=no', { ok: false, problem: 'generate=no is neither true nor false' }],
  ];
  for (const [line, expected] of cases)
    it(line, () => {
      assert.deepEqual(policyOf(modifiersOf(line)), expected);
    });
});

describe('alphabetOf', () => {
  it('joins named alphabets in order, each character once, whatever the order asked', () => {
    assert.equal(alphabetOf('default,special'), DEFAULT + ALPHABETS.special);
    assert.equal(alphabetOf('special,default'), ALPHABETS.special + DEFAULT);
    const both = alphabetOf('alnum,default,hex') ?? '';
    assert.equal(new Set(both).size, both.length);
    assert.equal(both, ALPHABETS.alnum);
  });

  it('leaves out the characters people confuse, like Go abra (no l, I, O, 0, 1)', () => {
    for (const c of 'lIO01') assert.ok(!DEFAULT.includes(c), c);
    assert.equal(DEFAULT.length, 57);
  });

  it('refuses any unknown part, including prototype keys', () => {
    for (const c of ['', 'default,', 'nope', 'toString', '__proto__', 'default,,special'])
      assert.equal(alphabetOf(c), undefined, JSON.stringify(c));
  });
});

describe('describePolicy', () => {
  it('says how each kind is made', () => {
    assert.equal(describePolicy({ kind: 'passphrase', words: 6 }), 'passphrase, 6 words');
    assert.equal(
      describePolicy({ kind: 'password', length: 32, charset: 'hex', alphabet: '0123456789abcdef' }),
      'password, 32 chars (hex)',
    );
    assert.equal(describePolicy({ kind: 'manual' }), 'inserted by hand (generate=false)');
  });
});

describe('weakness: generated secrets below 12 characters or 4 words', () => {
  it('names the length of a weak password, and only below the bound', () => {
    assert.equal(
      weakness(modifiersOf('SECRET_X_VERSION=v1 # length=11')),
      'length=11 makes a weak password (use length=12 or more)',
    );
    assert.equal(weakness(modifiersOf('SECRET_X_VERSION=v1 # length=12')), undefined);
    assert.equal(
      weakness(modifiersOf('SECRET_X_VERSION=v1 # length=3')),
      'length=3 makes a weak password (use length=12 or more)',
    );
    assert.equal(weakness(modifiersOf('SECRET_X_VERSION=v1 # length=x')), undefined);
    assert.equal(weakness(modifiersOf('SECRET_X_VERSION=v1 # length=8 generate=false')), undefined);
  });

  it('passphrases: six words (the only form a recipe can ask for) pass, fewer than four would not', () => {
    assert.equal(weakness(modifiersOf('SECRET_X_VERSION=v1')), undefined);
    assert.equal(
      policyWeakness({ kind: 'passphrase', words: 3 }),
      'a passphrase of 3 words is weak (use at least 4)',
    );
    assert.equal(policyWeakness({ kind: 'passphrase', words: 4 }), undefined);
  });
});
