import { weakness } from '../../secret/policy.js';
import { objectDefs } from '../objects.js';
import { ENV_SAMPLE } from '../prepare.js';
import type { Finding, LintRule } from '../types.js';

// A recipe's .env.sample decides how strong every app's generated secrets are, and operators
// rarely read the modifiers: a short length= quietly weakens every install of the recipe.

/** A016: a secret version line whose modifiers generate a weak value. */
export const weakSecrets: LintRule = {
  id: 'A016',
  severity: 'warn',
  title: 'generated secrets are strong enough',
  howToFix:
    'Raise length= on the secret version line of .env.sample to 12 or more (e.g. `SECRET_DB_PASSWORD_VERSION=v1 # length=32`), or drop length= for a six-word passphrase.',
  skip: (input) => (input.envSample ? undefined : 'no readable .env.sample (see R008)'),
  check(input) {
    const sample = input.envSample!;
    // SECRET_*_VERSION by convention, plus whatever variable a secret's name actually uses.
    const versionKeys = new Set(
      objectDefs(input, 'secrets').flatMap((d) => (d.version ? [d.version.name] : [])),
    );
    const findings: Finding[] = [];
    for (const k of [...sample.active, ...sample.commented].sort((a, b) => a.line - b.line)) {
      if (!versionKeys.has(k.key) && !/^SECRET_.+_VERSION$/.test(k.key)) continue;
      const why = weakness(k.modifiers ?? {});
      if (why !== undefined) findings.push({ message: `${k.key}: ${why}`, file: ENV_SAMPLE, line: k.line });
    }
    return findings;
  },
};
