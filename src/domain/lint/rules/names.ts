import { substitute } from '../../compose/interpolate.js';
import { MAX_STACK_NAME } from '../../stack/contract.js';
import { at, locateService, rawServices } from '../locate.js';
import { objectDefs, singular } from '../objects.js';
import type { Finding, LintRule } from '../types.js';

/** Go abra's rule of thumb: with a 45-char stack and `_v1`, 12 chars keeps names within 64. */
export const MAX_SECRET_KEY = 12;
/** Docker's limit for config and secret names. */
export const MAX_OBJECT_NAME = 64;
/** Swarm service names are DNS labels. */
export const MAX_SERVICE_NAME = 63;

const LONGEST_STACK = 'x'.repeat(MAX_STACK_NAME);

/** R015: long secret names overflow Docker's 64 characters once stack and version are added. */
export const secretLengths: LintRule = {
  id: 'R015',
  severity: 'warn',
  title: 'long secret names',
  howToFix: `Keep secret names to ${MAX_SECRET_KEY} characters or fewer (the key under secrets: and in its name:).`,
  check: (input) =>
    objectDefs(input, 'secrets')
      .filter((d) => d.key.length > MAX_SECRET_KEY)
      .map((d) => at(d.loc, `secret ${d.key} is ${d.key.length} characters long`)),
};

/** A009: the exact names a 45-character stack produces, against Docker's limits. */
export const objectNameLengths: LintRule = {
  id: 'A009',
  severity: 'warn',
  title: `object names fit Docker's limits for a ${MAX_STACK_NAME}-character stack name`,
  howToFix: `Shorten the secret/config name (or the service name): <stack>_<name>_<version> must stay within ${MAX_OBJECT_NAME} characters and <stack>_<service> within ${MAX_SERVICE_NAME} when the stack name is ${MAX_STACK_NAME} characters (domains of ${MAX_STACK_NAME} characters or more).`,
  check(input) {
    const findings: Finding[] = [];
    for (const kind of ['configs', 'secrets'] as const) {
      for (const d of objectDefs(input, kind)) {
        if (d.name === undefined) continue;
        const full = expandLongest(d.name, input.env);
        if (full === undefined || full.length <= MAX_OBJECT_NAME) continue;
        findings.push(at(d.loc, overflow(`${singular(kind)} ${d.key}`, full.length, MAX_OBJECT_NAME)));
      }
    }
    const services = new Set(input.composeFiles.flatMap((f) => Object.keys(rawServices(f))));
    for (const name of services) {
      const length = MAX_STACK_NAME + 1 + name.length;
      if (length > MAX_SERVICE_NAME)
        findings.push(at(locateService(input, name), overflow(`service ${name}`, length, MAX_SERVICE_NAME)));
    }
    return findings;
  },
};

function overflow(what: string, length: number, limit: number): string {
  const stack = limit - (length - MAX_STACK_NAME);
  return `${what}: the Docker name is ${length} characters with a ${MAX_STACK_NAME}-character stack name (limit ${limit}); apps whose domain is longer than ${stack} characters cannot deploy`;
}

/** The name with the longest stack; a missing version counts as `v1`. */
function expandLongest(name: string, env: Readonly<Record<string, string>>): string | undefined {
  try {
    return substitute(name, (v) => {
      if (v === 'STACK_NAME') return LONGEST_STACK;
      const value = Object.hasOwn(env, v) ? env[v] : undefined;
      return value || (v.endsWith('_VERSION') ? 'v1' : value);
    });
  } catch {
    return undefined;
  }
}
