import { type GenerationPolicy, PASSPHRASE_SEPARATOR } from './policy.js';

/** n cryptographically random bytes; the service passes node:crypto, tests a fixed stream. */
export type RandomBytes = (n: number) => Uint8Array;

const RANGE = 2 ** 32;

/**
 * A uniform index in [0, n). Go abra's generator reduces random bits modulo n, which favours
 * the first characters of an alphabet; rejecting the top sliver of the 32-bit range removes
 * that bias.
 */
export function randomIndex(n: number, random: RandomBytes): number {
  if (!Number.isInteger(n) || n < 1 || n > RANGE) throw new RangeError(`cannot pick among ${n} items`);
  const limit = RANGE - (RANGE % n);
  for (;;) {
    const b = random(4);
    const x = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (x < limit) return x % n;
  }
}

export function generatePassword(length: number, alphabet: string, random: RandomBytes): string {
  const chars = [...alphabet];
  let out = '';
  for (let i = 0; i < length; i++) out += chars[randomIndex(chars.length, random)];
  return out;
}

export function generatePassphrase(words: number, wordList: readonly string[], random: RandomBytes): string {
  const picked: string[] = [];
  for (let i = 0; i < words; i++) picked.push(wordList[randomIndex(wordList.length, random)]!);
  return picked.join(PASSPHRASE_SEPARATOR);
}

/** The value a policy asks for; undefined for secrets that are only ever inserted. */
export function generateValue(
  policy: GenerationPolicy,
  wordList: readonly string[],
  random: RandomBytes,
): string | undefined {
  switch (policy.kind) {
    case 'password':
      return generatePassword(policy.length, policy.alphabet, random);
    case 'passphrase':
      return generatePassphrase(policy.words, wordList, random);
    case 'manual':
      return undefined;
  }
}
