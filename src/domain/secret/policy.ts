// How a secret's value is made, read from the modifiers of its env line:
//   SECRET_APP_KEY_VERSION=v1 # length=64 charset=default,special
//   SECRET_DB_PASSWORD_VERSION=v1          (no length: a passphrase)
//   SECRET_SSL_CERT_VERSION=v1 # generate=false   (must be inserted)

/** Go abra's password alphabets (its passgen library): ambiguous characters left out. */
export const ALPHABETS: Readonly<Record<string, string>> = {
  default: 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789',
  special: '!@#$%^&*_-+=',
  // Real recipes ask for these (`charset=hex`, `charset=alnum`); guessing would give keys the
  // app then rejects, so they get exactly what they name.
  hex: '0123456789abcdef',
  alnum: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
};

/** The bounds of Go abra's generator, kept so a recipe means the same to both tools. */
export const MIN_PASSWORD_LENGTH = 5;
export const MAX_PASSWORD_LENGTH = 1024;
/** Go abra's passphrases: six words of the EFF large list joined by spaces. */
export const PASSPHRASE_WORDS = 6;
export const PASSPHRASE_SEPARATOR = ' ';

/**
 * Below these, a generated secret is weak (a warning, not a refusal: Go abra accepts them and
 * some apps cap lengths). 12 characters of the default alphabet are about 70 bits; four EFF
 * words about 52.
 */
export const MIN_STRONG_LENGTH = 12;
export const MIN_STRONG_WORDS = 4;

export type GenerationPolicy =
  | { kind: 'password'; length: number; charset: string; alphabet: string }
  | { kind: 'passphrase'; words: number }
  | { kind: 'manual' };

export type PolicyResult = { ok: true; policy: GenerationPolicy } | { ok: false; problem: string };

export function policyOf(modifiers: Readonly<Record<string, string>>): PolicyResult {
  const generate = modifiers.generate;
  if (generate !== undefined && generate !== 'true' && generate !== 'false')
    return fail(`generate=${generate} is neither true nor false`);
  if (generate === 'false') return { ok: true, policy: { kind: 'manual' } };

  const charsetText = modifiers.charset;
  const lengthText = modifiers.length;
  if (lengthText === undefined) {
    if (charsetText !== undefined) return fail(`charset=${charsetText} needs a length (e.g. length=32)`);
    return { ok: true, policy: { kind: 'passphrase', words: PASSPHRASE_WORDS } };
  }
  if (!/^\d+$/.test(lengthText)) return fail(`length=${lengthText} is not a whole number`);
  const length = Number(lengthText);
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH)
    return fail(`length=${lengthText} is outside ${MIN_PASSWORD_LENGTH}..${MAX_PASSWORD_LENGTH}`);
  const charset = charsetText ?? 'default';
  const alphabet = alphabetOf(charset);
  if (alphabet === undefined)
    return fail(
      `charset=${charset} is unknown (use ${Object.keys(ALPHABETS).join(', ')}, or several joined by commas such as default,special)`,
    );
  return { ok: true, policy: { kind: 'password', length, charset, alphabet } };
}

/** `default,special` -> both alphabets, each character once; undefined for an unknown name. */
export function alphabetOf(charset: string): string | undefined {
  const chars = new Set<string>();
  for (const part of charset.split(',')) {
    const alphabet = Object.hasOwn(ALPHABETS, part) ? ALPHABETS[part] : undefined;
    if (alphabet === undefined) return undefined;
    for (const c of alphabet) chars.add(c);
  }
  return [...chars].join('');
}

/**
 * Why the modifiers of a secret's version line make a weak secret, or undefined. A length
 * below Go abra's minimum is weak too (and also refused when generating).
 */
export function weakness(modifiers: Readonly<Record<string, string>>): string | undefined {
  const res = policyOf(modifiers);
  if (res.ok) return policyWeakness(res.policy);
  const lengthText = modifiers.length;
  if (lengthText !== undefined && /^\d+$/.test(lengthText) && Number(lengthText) < MIN_STRONG_LENGTH)
    return weakLength(Number(lengthText));
  return undefined;
}

export function policyWeakness(policy: GenerationPolicy): string | undefined {
  if (policy.kind === 'password' && policy.length < MIN_STRONG_LENGTH) return weakLength(policy.length);
  if (policy.kind === 'passphrase' && policy.words < MIN_STRONG_WORDS)
    return `a passphrase of ${policy.words} word${policy.words === 1 ? '' : 's'} is weak (use at least ${MIN_STRONG_WORDS})`;
  return undefined;
}

function weakLength(length: number): string {
  return `length=${length} makes a weak password (use length=${MIN_STRONG_LENGTH} or more)`;
}

export function describePolicy(policy: GenerationPolicy): string {
  switch (policy.kind) {
    case 'password':
      return `password, ${policy.length} chars (${policy.charset})`;
    case 'passphrase':
      return `passphrase, ${policy.words} words`;
    case 'manual':
      return 'inserted by hand (generate=false)';
  }
}

function fail(problem: string): PolicyResult {
  return { ok: false, problem };
}
