// The compose schema validators generated at build time (dist/compose-schema/<version>.cjs,
// see scripts/compose-validators.ts), loaded on first use of their version. Only in the built
// CLI: from source (tests, tsx) there are none and ajv compiles the schemas instead.
//
// Each validator is one large function; compiling it on its first call costs more than
// everything else in loading a compose file. The build stores V8's code cache for it next to
// it (<version>.cjs.v8cache: sha256 of the script, then V8's data), so the built CLI starts
// with the validator already compiled. V8 refuses a cache from another V8 version or with other
// flags (then the validator is compiled as usual); the hash makes sure the cache belongs to
// exactly this script, since V8 itself only compares lengths.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type { ValidateFunction } from 'ajv';
import type { ComposeSchemaVersion } from '../../domain/compose/schema/versions.js';
import { errnoCode } from '../../errors.js';

/** Set by scripts/build.mjs: the directory of the generated validators, relative to the bundle. */
declare const __ABRA_COMPOSE_VALIDATORS__: string | undefined;

const HASH_BYTES = 32;

/** The generated validators of the build, or undefined when running from source. */
export function precompiledComposeValidators():
  | ((version: ComposeSchemaVersion) => ValidateFunction)
  | undefined {
  if (typeof __ABRA_COMPOSE_VALIDATORS__ !== 'string') return undefined;
  const dir = fileURLToPath(new URL(`./${__ABRA_COMPOSE_VALIDATORS__}/`, import.meta.url));
  const loaded = new Map<ComposeSchemaVersion, ValidateFunction>();
  return (version) => {
    let validate = loaded.get(version);
    if (validate === undefined) {
      // A build without them is broken: fail loudly rather than validate differently.
      validate = loadValidatorScript(join(dir, `${version}.cjs`)).validate;
      loaded.set(version, validate);
    }
    return validate;
  };
}

/** A generated validator module, compiled with its code cache when that one fits. */
export function loadValidatorScript(file: string): {
  validate: ValidateFunction;
  /** The V8 compile cache for this script as it is now (after the calls made so far). */
  codeCache: () => Buffer;
  usedCache: boolean;
} {
  const source = wrapCommonJs(readFileSync(file, 'utf8'));
  const hash = createHash('sha256').update(source).digest();
  const stored = readCache(`${file}.v8cache`);
  const cachedData = stored?.subarray(0, HASH_BYTES).equals(hash) ? stored.subarray(HASH_BYTES) : undefined;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  return {
    validate: module.exports as ValidateFunction,
    codeCache: () => Buffer.concat([hash, script.createCachedData()]),
    usedCache: cachedData !== undefined && script.cachedDataRejected === false,
  };
}

function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}
