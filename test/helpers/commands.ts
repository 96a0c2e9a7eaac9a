import { isGroup, type NounSpec } from '../../src/cli/registry.js';

const WORD = /^[a-z][a-z0-9-]*$/;
export const names = (s: { name: string; aliases: string[] }) => [s.name, ...s.aliases];

/** Why `words` (after `abra`) is not a command path in `nouns`, or undefined when it is. */
export function commandProblem(words: readonly string[], nouns: readonly NounSpec[]): string | undefined {
  const rest = words.filter(
    (w, i) => !(w.startsWith('-') && words.slice(0, i).every((x) => x.startsWith('-'))),
  );
  const [nounWord, verbWord, subWord] = rest;
  if (nounWord === undefined || nounWord.startsWith('-')) return undefined;
  if (!WORD.test(nounWord)) return `cannot check the command "${nounWord}"; spell the noun out`;
  const noun = nouns.find((n) => names(n).includes(nounWord));
  if (!noun) return `there is no command "abra ${nounWord}"`;
  if (verbWord === undefined || !WORD.test(verbWord)) return undefined;
  const verb = noun.verbs.find((v) => names(v).includes(verbWord));
  if (!verb) return `there is no command "abra ${noun.name} ${verbWord}"`;
  if (!isGroup(verb) || subWord === undefined || !WORD.test(subWord)) return undefined;
  if (!verb.verbs.some((v) => names(v).includes(subWord)))
    return `there is no command "abra ${noun.name} ${verb.name} ${subWord}"`;
  return undefined;
}
