// The environment abra interpolates an app's compose files with (see compose/app-env.ts), with
// where each value comes from, for `abra app env`. Later sources win: the env file, then the
// recipe's abra.sh exports, then STACK_NAME.

import { isCredentialKey } from '../audit/redact.js';
import { SecretText } from '../secret/sensitive.js';
import { STACK_NAME_VAR, stackNameOf } from '../stack/contract.js';

export type EnvSource = 'env file' | 'abra.sh' | 'computed';

export interface EffectiveVar {
  key: string;
  /** A credential-like name's value is SecretText: shown only when asked (--show-secrets). */
  value: string | SecretText;
  /** Set when the name looks like a credential (the value is then SecretText). */
  sensitive?: true;
  from: EnvSource;
  /** `file:line`, the abra.sh it came from, or how it is computed. */
  where: string;
  /** The env file line this value replaces (abra.sh and STACK_NAME win over the env file). */
  overrides?: string;
}

export interface EffectiveEnvInput {
  /** The app's domain (gives STACK_NAME). */
  domain: string;
  envFile: string;
  /** The env file's assignments in file order, values expanded (last one wins). */
  envValues: Readonly<Record<string, string>>;
  envLines: ReadonlyMap<string, number>;
  abraSh: Readonly<Record<string, string>>;
  /** e.g. `recipe wordpress abra.sh (1.2.0+6.5)`. */
  abraShWhere: string;
}

/** Every variable of the effective env, sorted by key. */
export function effectiveEnv(input: EffectiveEnvInput): EffectiveVar[] {
  const vars = new Map<string, EffectiveVar>();
  const lineOf = (key: string) => {
    const line = input.envLines.get(key);
    return line === undefined ? input.envFile : `${input.envFile}:${line}`;
  };
  const put = (key: string, value: string, from: EnvSource, where: string) => {
    const before = vars.get(key);
    const sensitive = isCredentialKey(key);
    vars.set(key, {
      key,
      value: sensitive ? new SecretText(value) : value,
      ...(sensitive ? { sensitive } : {}),
      from,
      where,
      ...(before?.from === 'env file' ? { overrides: before.where } : {}),
    });
  };
  for (const [key, value] of Object.entries(input.envValues)) put(key, value, 'env file', lineOf(key));
  for (const [key, value] of Object.entries(input.abraSh)) put(key, value, 'abra.sh', input.abraShWhere);
  put(STACK_NAME_VAR, stackNameOf(input.domain), 'computed', `the domain ${input.domain}, "." as "_"`);
  return [...vars.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
