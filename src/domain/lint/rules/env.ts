import { abraLabel } from '../../stack/contract.js';
import { describeWarning, parseVersion } from '../../version/parse.js';
import { at, isMap, locate, locateIn, rawServices, valueAt } from '../locate.js';
import { ABRA_SH, ENV_SAMPLE } from '../prepare.js';
import { declaredKeys } from '../sample.js';
import { loadedServices, unlessLoaded } from '../services.js';
import { hasDefault, mentionedNames } from '../template.js';
import type { ComposeFile, Finding, LintInput, LintRule } from '../types.js';
import { composeVarNames, composeVarUses } from '../vars.js';

const VERSION_LABEL = /^coop-cloud\.[^.]+\.version$/;
/** As recipes write it, before interpolation. */
const RAW_VERSION_LABEL = abraLabel('${STACK_NAME}', 'version');

/** Where the raw version label of `service` is written, in list or map form. */
function locateVersionLabel(files: ComposeFile[], service: string) {
  for (const f of [...files].reverse()) {
    const labels = valueAt(f.parsed?.data, ['services', service, 'deploy', 'labels']);
    if (Array.isArray(labels)) {
      const i = labels.findIndex((l) => typeof l === 'string' && l.startsWith(`${RAW_VERSION_LABEL}=`));
      if (i !== -1) return locateIn(f, ['services', service, 'deploy', 'labels', i]);
    } else if (isMap(labels) && Object.hasOwn(labels, RAW_VERSION_LABEL)) {
      return locateIn(f, ['services', service, 'deploy', 'labels', RAW_VERSION_LABEL]);
    }
  }
  return undefined;
}

/** A012: the app's version label is what `abra app ls` and upgrades compare with tags. */
export const versionLabel: LintRule = {
  id: 'A012',
  severity: 'warn',
  title: 'the app version label, when present, is a recipe version',
  howToFix:
    'Set `coop-cloud.${STACK_NAME}.version=<X.Y.Z+upstream>` on the app service to the release it belongs to (its tag; `abra recipe versions <recipe>` lists them), or remove the label.',
  skip: unlessLoaded,
  check(input) {
    const findings: Finding[] = [];
    for (const { name, service, files } of loadedServices(input)) {
      if (name !== 'app') continue;
      for (const [key, value] of Object.entries(service.deploy?.labels ?? {})) {
        if (!VERSION_LABEL.test(key)) continue;
        const loc =
          locateVersionLabel(
            input.composeFiles.filter((f) => files.includes(f.file)),
            name,
          ) ?? locate(input, ['services', name, 'deploy', 'labels'], files);
        const parsed = parseVersion(value);
        const problem =
          value === ''
            ? 'is empty'
            : !parsed.ok
              ? `"${value}" is not a version: ${parsed.reason}`
              : parsed.version.warnings.length > 0
                ? `"${value}" ${parsed.version.warnings.map(describeWarning).join('; ')}`
                : undefined;
        if (problem) findings.push(at(loc, `the app version label ${problem}`));
      }
    }
    return findings;
  },
};

// Keys abra itself reads from an app's env, which compose files need not mention.
const ABRA_KEYS = new Set([
  'TYPE',
  'RECIPE',
  'DOMAIN',
  'COMPOSE_FILE',
  'STACK_NAME',
  'TIMEOUT',
  'ENABLE_AUTO_UPDATE',
  'POST_DEPLOY_CMDS',
  'POST_UPGRADE_CMDS',
]);

/** A014: `${X}` with no default and no sample line interpolates to "" on every new app. */
export const composeVarsDeclared: LintRule = {
  id: 'A014',
  severity: 'warn',
  title: 'variables used in compose files are in .env.sample',
  howToFix:
    'Add the variable to .env.sample (commented out if optional), export it from abra.sh, or give it a default: ${VAR:-value}.',
  skip: (input) => (input.envSample ? undefined : 'no readable .env.sample (see R008)'),
  check(input) {
    const declared = declaredKeys(input.envSample!);
    const exported = new Set(Object.keys(input.abraSh?.exports ?? {}));
    const reported = new Set<string>();
    return composeVarUses(input).flatMap(({ v, file, path }): Finding[] => {
      const known = declared.has(v.name) || exported.has(v.name) || ABRA_KEYS.has(v.name);
      if (known || hasDefault(v) || reported.has(v.name)) return [];
      reported.add(v.name);
      const f = input.composeFiles.find((c) => c.file === file)!;
      return [at(locateIn(f, path) ?? { file }, `${v.text} is not in ${ENV_SAMPLE} and has no default`)];
    });
  },
};

/** Bare `environment: - KEY` items pass the app's value through, so they use KEY. */
function passThroughKeys(input: LintInput): Set<string> {
  const keys = new Set<string>();
  for (const f of input.composeFiles) {
    for (const svc of Object.values(rawServices(f))) {
      const env = isMap(svc) ? svc.environment : undefined;
      if (Array.isArray(env))
        for (const e of env) if (typeof e === 'string' && !e.includes('=')) keys.add(e.trim());
      if (isMap(env)) for (const [k, v] of Object.entries(env)) if (v === null) keys.add(k);
    }
  }
  return keys;
}

/** A015: a sample key nothing reads is a setting operators fill in for no effect. */
export const sampleKeysUsed: LintRule = {
  id: 'A015',
  severity: 'warn',
  title: '.env.sample keys are used',
  howToFix:
    'Remove the key from .env.sample, or pass it to the service (environment: - KEY) / use it as ${KEY}. Swarm config templates read {{ env "KEY" }} from the service environment, so they need it passed too.',
  skip: (input) => (input.envSample ? undefined : 'no readable .env.sample (see R008)'),
  check(input) {
    const sample = input.envSample!;
    const used = new Set([
      ...composeVarNames(input),
      ...passThroughKeys(input),
      ...mentionedNames(sample.text),
      ...mentionedNames(input.abraSh?.text ?? ''),
      ...ABRA_KEYS,
    ]);
    const reported = new Set<string>();
    return [...sample.active, ...sample.commented]
      .sort((a, b) => a.line - b.line)
      .flatMap((k): Finding[] => {
        if (used.has(k.key) || reported.has(k.key)) return [];
        reported.add(k.key);
        return [
          at({ file: ENV_SAMPLE, line: k.line }, `${k.key} is not used by any compose file or ${ABRA_SH}`),
        ];
      });
  },
};
