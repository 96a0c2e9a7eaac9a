// Build-time code generation: each compose schema version's validator as standalone
// JavaScript (ajv's standalone code), so a deploy neither loads ajv nor compiles a schema.
// scripts/compose-validators.ts bundles the output into dist/compose-schema/<version>.cjs.

import standalone from 'ajv/dist/standalone/index.js';
import { compileComposeSchema, createComposeAjv } from './compile.js';
import type { ComposeSchemaVersion } from './versions.js';

/**
 * A CommonJS module exporting the validator of `version`, as ajv compiles it at run time
 * (same options and keywords: ./compile.ts). `runtimeModule` is what it requires for the
 * functions it calls by name (./runtime.ts).
 */
export function standaloneValidatorSource(version: ComposeSchemaVersion, runtimeModule: string): string {
  const ajv = createComposeAjv({ standalone: true });
  // A CommonJS module: its default import is module.exports, whose `default` is the function.
  const code = standalone.default(ajv, compileComposeSchema(ajv, version));
  const imports = `const { checkFormat, goRegExp } = require(${JSON.stringify(runtimeModule)});`;
  const strict = '"use strict";';
  if (!code.startsWith(strict)) throw new Error('ajv standalone code changed shape: no "use strict" first');
  return `${strict}\n${imports}\n${code.slice(strict.length)}`;
}
