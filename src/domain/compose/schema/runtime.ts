// The two functions the compose schema validators call at validation time: docker's `format`
// checks and Go regexp patterns. Both the validators ajv compiles at run time (tests, `tsx`)
// and the ones generated at build time (scripts/compose-validators.ts) call these, by name in
// the generated code, so the two cannot drift apart. No ajv here: a deploy loads this and the
// generated validator, never ajv itself.

import { parseGoDuration } from './duration.js';
import { goPatternToJs } from './go-regexp.js';
import { checkPortValue } from './ports.js';

/** docker/cli's format checkers: `duration` and `ports`; anything else passes. */
export function checkFormat(format: string, value: unknown): boolean {
  if (format === 'duration') return typeof value !== 'string' || parseGoDuration(value).ok;
  if (format === 'ports')
    return (typeof value !== 'string' && typeof value !== 'number') || checkPortValue(value).ok;
  // docker/cli registers no checker for `expose`, so anything passes.
  return true;
}

/** A schema `pattern` (Go RE2 syntax) as a JavaScript RegExp. */
export function goRegExp(pattern: string, flags: string): RegExp {
  return new RegExp(goPatternToJs(pattern), flags);
}
