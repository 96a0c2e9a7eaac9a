import { at } from '../locate.js';
import { type ObjectDef, objectDefs, secretVersionKey, singular } from '../objects.js';
import { ABRA_SH, ENV_SAMPLE } from '../prepare.js';
import { declaredKeys } from '../sample.js';
import { hasDefault } from '../template.js';
import type { Finding, LintInput, LintRule } from '../types.js';
import { composeVarNames } from '../vars.js';

const STACK_PREFIX = '${STACK_NAME}_';

function allDefs(input: LintInput): ObjectDef[] {
  return [...objectDefs(input, 'configs'), ...objectDefs(input, 'secrets')];
}

/** R012: config versions live in the recipe (abra.sh), so a recipe upgrade bumps them. */
export const configVersionsVendored: LintRule = {
  id: 'R012',
  severity: 'error',
  title: 'config versions are vendored',
  howToFix:
    'Export each config version variable from abra.sh (`export NGINX_CONF_VERSION=v2`) and bump it whenever the config file changes.',
  check(input) {
    return objectDefs(input, 'configs').flatMap((d): Finding[] => {
      const v = d.version;
      if (v === undefined || hasDefault(v) || input.abraSh?.exports[v.name] !== undefined) return [];
      const inSample = input.envSample !== undefined && declaredKeys(input.envSample).has(v.name);
      const why = inSample
        ? `is set in ${ENV_SAMPLE}, not exported by ${ABRA_SH}: apps keep the value they were created with, so a changed config never reaches them`
        : `is not exported by ${ABRA_SH}${input.abraSh ? '' : ' (the recipe has none)'}`;
      return [at(d.loc, `config ${d.key}: ${v.name} ${why}`)];
    });
  },
};

/** A006: swarm configs and secrets are immutable; only a new name lets a deploy change them. */
export const versionedNames: LintRule = {
  id: 'A006',
  severity: 'error',
  title: 'config and secret names are ${STACK_NAME}_<name>_${<NAME>_VERSION}',
  howToFix:
    'Write `name: ${STACK_NAME}_<name>_${<NAME>_VERSION}` (secrets: ${SECRET_<NAME>_VERSION}) so each app gets its own object and a version bump creates a new one instead of failing with "config/secret in use".',
  check(input) {
    return allDefs(input).flatMap((d): Finding[] => {
      const what = `${singular(d.kind)} ${d.key}`;
      if (d.name === undefined) {
        const msg =
          d.def.external === true
            ? `external ${what} has no name: swarm looks up an object literally called ${d.key}, shared by every app on the server`
            : `${what} has no name: swarm calls it <stack>_${d.key}, with no version to bump when it changes`;
        return [at(d.loc, msg)];
      }
      const out: Finding[] = [];
      if (!d.name.startsWith(STACK_PREFIX))
        out.push(
          at(
            d.loc,
            `${what}: name "${d.name}" does not start with ${STACK_PREFIX}, so apps on one server would share it`,
          ),
        );
      if (d.version === undefined)
        out.push(
          at(d.loc, `${what}: name "${d.name}" does not end in a version variable (_\${..._VERSION})`),
        );
      return out;
    });
  },
};

/** A007: abra finds a secret's version and modifiers under SECRET_<NAME>_VERSION. */
export const versionVarNames: LintRule = {
  id: 'A007',
  severity: 'warn',
  title: 'version variables follow abra naming (SECRET_<NAME>_VERSION, <NAME>_VERSION)',
  howToFix:
    'Rename the variable in the name: and in .env.sample/abra.sh: secrets use SECRET_<SECRET NAME IN CAPITALS>_VERSION, configs a variable ending in _VERSION.',
  check(input) {
    return allDefs(input).flatMap((d): Finding[] => {
      const v = d.version;
      if (v === undefined) return [];
      if (d.kind === 'secrets') {
        const want = secretVersionKey(d.key);
        return v.name === want
          ? []
          : [
              at(
                d.loc,
                `secret ${d.key} is versioned by ${v.name}, not ${want}: abra reads generation modifiers (length=, charset=) from ${want}, and operators rotating it look for that key`,
              ),
            ];
      }
      return v.name.endsWith('_VERSION')
        ? []
        : [at(d.loc, `config ${d.key} is versioned by ${v.name}, which does not end in _VERSION`)];
    });
  },
};

/** A008: an app created from .env.sample needs every secret version, or names end in `_`. */
export const secretVersionsDeclared: LintRule = {
  id: 'A008',
  severity: 'error',
  title: 'secret version variables are in .env.sample',
  howToFix:
    'Add `SECRET_<NAME>_VERSION=v1` to .env.sample (commented out when the secret belongs to an optional overlay), or give the name a default: ${SECRET_<NAME>_VERSION:-v1}.',
  skip: (input) => (input.envSample ? undefined : 'no readable .env.sample (see R008)'),
  check(input) {
    const declared = declaredKeys(input.envSample!);
    return objectDefs(input, 'secrets').flatMap((d): Finding[] => {
      const v = d.version;
      if (
        v === undefined ||
        hasDefault(v) ||
        declared.has(v.name) ||
        input.abraSh?.exports[v.name] !== undefined
      )
        return [];
      return [
        at(
          d.loc,
          `secret ${d.key}: ${v.name} is not in ${ENV_SAMPLE}, so a new app gets an empty version and the secret name ends in "_"`,
        ),
      ];
    });
  },
};

/** A013: exports nothing reads are leftovers of a removed or renamed config. */
export const abraShExportsUsed: LintRule = {
  id: 'A013',
  severity: 'warn',
  title: 'abra.sh exports are used by the compose files',
  howToFix:
    'Remove the stale export from abra.sh, or fix the variable name in the compose file that should use it.',
  skip: (input) => (input.abraSh ? undefined : `no ${ABRA_SH}`),
  check(input) {
    const used = composeVarNames(input);
    const sh = input.abraSh!;
    return Object.keys(sh.exports)
      .filter((name) => !used.has(name))
      .map((name) =>
        at({ file: ABRA_SH, line: sh.lines[name] }, `${ABRA_SH} exports ${name}, which no compose file uses`),
      );
  },
};
