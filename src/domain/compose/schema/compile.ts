// The one ajv set-up for the compose schemas, used to compile them at run time (tests, `tsx`,
// `recipe lint`) and to generate their standalone code at build time (scripts/build.mjs ->
// scripts/compose-validators.ts), so both validate with the same options and keywords.

import { _, Ajv, type KeywordCxt, type ValidateFunction } from 'ajv';
import { composeJsonSchema } from './document.js';
import { checkFormat, goRegExp } from './runtime.js';
import { type ComposeValidator, composeValidatorOf } from './validator.js';
import type { ComposeSchemaVersion } from './versions.js';

/**
 * `standalone`: keep the generated source (`code.source`) for ajv's standalone code. The
 * generated code names `goRegExp` and `checkFormat` (from ./runtime.ts); the module that
 * holds it must import them.
 */
export function createComposeAjv(opts: { standalone?: boolean } = {}): Ajv {
  const regExp = Object.assign((pattern: string, flags: string) => goRegExp(pattern, flags), {
    code: 'goRegExp',
  });
  // `optimize: false` halves schema compilation (about 100 -> 55 ms per version) when it runs
  // on a deploy; the validated documents are tiny, so the slower generated code costs nothing.
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    logger: false,
    code: { regExp, optimize: opts.standalone === true, ...(opts.standalone ? { source: true } : {}) },
  });
  // ajv ties a format to one data type; docker's `ports` format applies to strings and numbers.
  // A code keyword (not a `validate` function) so that standalone code can call it by name.
  ajv.removeKeyword('format');
  ajv.addKeyword({
    keyword: 'format',
    type: ['string', 'number'],
    schemaType: 'string',
    code(cxt: KeywordCxt) {
      const check = cxt.gen.scopeValue('func', { ref: checkFormat, code: _`checkFormat` });
      cxt.fail(_`!${check}(${cxt.schemaCode}, ${cxt.data})`);
    },
  });
  return ajv;
}

export function compileComposeSchema(ajv: Ajv, version: ComposeSchemaVersion): ValidateFunction {
  return ajv.compile(composeJsonSchema(version));
}

/** Compiles each version's schema on first use (once per process). */
export function createComposeValidator(): ComposeValidator {
  let ajv: Ajv | undefined;
  const compiled = new Map<ComposeSchemaVersion, ValidateFunction>();
  return composeValidatorOf((version) => {
    let validate = compiled.get(version);
    if (validate === undefined) {
      ajv ??= createComposeAjv();
      validate = compileComposeSchema(ajv, version);
      compiled.set(version, validate);
    }
    return validate;
  });
}
