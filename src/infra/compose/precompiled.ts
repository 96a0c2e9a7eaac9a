// The compose schema validators generated at build time (dist/compose-schema/<version>.cjs,
// see scripts/compose-validators.ts), loaded on first use of their version. Only in the built
// CLI: from source (tests, tsx) there are none and ajv compiles the schemas instead.

import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { ComposeSchemaVersion } from '../../domain/compose/schema/versions.js';

/** Set by scripts/build.mjs: the directory of the generated validators, relative to the bundle. */
declare const __ABRA_COMPOSE_VALIDATORS__: string | undefined;

/** The generated validators of the build, or undefined when running from source. */
export function precompiledComposeValidators():
  | ((version: ComposeSchemaVersion) => ValidateFunction)
  | undefined {
  if (typeof __ABRA_COMPOSE_VALIDATORS__ !== 'string') return undefined;
  const dir = __ABRA_COMPOSE_VALIDATORS__;
  const load = createRequire(import.meta.url);
  const loaded = new Map<ComposeSchemaVersion, ValidateFunction>();
  return (version) => {
    let validate = loaded.get(version);
    if (validate === undefined) {
      // A build without them is broken: fail loudly rather than validate differently.
      validate = load(`./${dir}/${version}.cjs`) as ValidateFunction;
      loaded.set(version, validate);
    }
    return validate;
  };
}
