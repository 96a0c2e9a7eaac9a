import type { ComposeConfig, FileObjectConfig } from '../compose/types.js';
import type { EnvDocument } from '../env/document.js';
import { remoteNameProblem, secretEnvKey } from './names.js';
import { type GenerationPolicy, policyOf } from './policy.js';

/** One secret an app expects on its swarm. */
export interface SecretSpec {
  /** The compose key, e.g. `db_password`. */
  name: string;
  /** `SECRET_DB_PASSWORD_VERSION`. */
  envKey: string;
  /** The env's value for envKey, else what the compose name ends with (a `:-v1` default). */
  version: string;
  /** The swarm object name: the compose `name:` after interpolation. */
  remoteName: string;
  /** 1-based line of envKey in the app env, when it is there. */
  envLine: number | undefined;
  /** Undefined when the modifiers are invalid (see policyProblem). */
  policy: GenerationPolicy | undefined;
  /** Why Docker would refuse the swarm name (too long, no version, bad characters). */
  nameProblem: string | undefined;
  /** Why the env line's modifiers make no sense; only matters when generating. */
  policyProblem: string | undefined;
}

/**
 * The secrets abra manages for an app, as Go abra's ReadSecretsConfig finds them: declared at
 * the top level as external (abra creates them, not `stack deploy`) and used by at least one
 * service of the loaded compose files, with modifiers from the app env's version line.
 */
export function secretSpecsOf(config: ComposeConfig, env: EnvDocument, stack: string): SecretSpec[] {
  const used = new Set<string>();
  for (const service of Object.values(config.services))
    for (const ref of service.secrets ?? []) if (ref.source !== undefined) used.add(ref.source);
  const values = env.values();
  const modifiers = env.modifiers();
  const lines = new Map(env.entries().map((e) => [e.key, e.line]));
  const specs: SecretSpec[] = [];
  for (const [name, declared] of Object.entries(config.secrets ?? {})) {
    if (!isExternal(declared) || !used.has(name)) continue;
    const remoteName = remoteNameOf(name, declared);
    const envKey = secretEnvKey(name);
    const policy = policyOf(modifiers[envKey] ?? {});
    specs.push({
      name,
      envKey,
      version: values[envKey] ?? remoteName.slice(remoteName.lastIndexOf('_') + 1),
      remoteName,
      envLine: lines.get(envKey),
      policy: policy.ok ? policy.policy : undefined,
      nameProblem: remoteNameProblem(remoteName, name, stack),
      policyProblem: policy.ok ? undefined : `${envKey}: ${policy.problem}`,
    });
  }
  return specs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isExternal(s: FileObjectConfig): boolean {
  return s.external === true || (typeof s.external === 'object' && s.external !== null);
}

/** Compose's rules: `name:`, else the legacy `external: {name}`, else the key itself. */
function remoteNameOf(key: string, s: FileObjectConfig): string {
  if (s.name !== undefined) return s.name;
  if (typeof s.external === 'object' && s.external !== null) return s.external.name;
  return key;
}
