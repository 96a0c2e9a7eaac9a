// Validates one compose file (after interpolation) against the docker/cli v3 schema of its
// version. This is the only module that loads ajv; callers import it lazily so commands that
// never read a compose file do not pay for it.

import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonSchema } from './describe.js';
import { composeJsonSchema } from './document.js';
import { parseGoDuration } from './duration.js';
import { goPatternToJs } from './go-regexp.js';
import { nonFiniteNumbers, orderIssues, type SchemaIssue } from './issues.js';
import { checkPortValue } from './ports.js';
import { reduceErrors } from './reduce.js';
import {
  COMPOSE_SCHEMA_VERSIONS,
  type ComposeSchemaVersion,
  resolveSchemaVersion,
  versionMinor,
} from './versions.js';

export interface ComposeValidator {
  /**
   * `config` is one compose file after interpolation; `version` its `version` value as a string
   * (undefined when absent). Returns no issues when docker would accept the file's schema.
   */
  validate(config: Record<string, unknown>, version: string | undefined): SchemaIssue[];
}

function checkFormat(format: string, value: unknown): boolean {
  if (format === 'duration') return typeof value !== 'string' || parseGoDuration(value).ok;
  if (format === 'ports')
    return (typeof value !== 'string' && typeof value !== 'number') || checkPortValue(value).ok;
  // docker/cli registers no checker for `expose`, so anything passes.
  return true;
}

// `optimize: false` halves schema compilation (about 100 -> 55 ms per version), which every
// deploy pays once; the validated documents are tiny, so the slower generated code costs nothing.
function createAjv(): Ajv {
  const regExp = Object.assign(
    (pattern: string, flags: string) => new RegExp(goPatternToJs(pattern), flags),
    {
      code: 'goRegExp',
    },
  );
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    logger: false,
    code: { regExp, optimize: false },
  });
  // ajv ties a format to one data type; docker's `ports` format applies to strings and numbers.
  ajv.removeKeyword('format');
  ajv.addKeyword({
    keyword: 'format',
    type: ['string', 'number'],
    schemaType: 'string',
    errors: false,
    validate: (format: string, value: unknown) => checkFormat(format, value),
  });
  return ajv;
}

function schemaNodeAt(schema: JsonSchema, steps: readonly string[]): unknown {
  let node: unknown = schema;
  for (const step of steps) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}

function allows(node: unknown, key: string): boolean {
  if (typeof node !== 'object' || node === null) return false;
  const { properties, patternProperties } = node as JsonSchema;
  if (properties !== undefined && Object.hasOwn(properties, key)) return true;
  return Object.keys(patternProperties ?? {}).some((p) => p === '^x-' && key.startsWith('x-'));
}

export function createComposeValidator(): ComposeValidator {
  let ajv: Ajv | undefined;
  const schemas = new Map<ComposeSchemaVersion, JsonSchema>();
  const compiled = new Map<ComposeSchemaVersion, ValidateFunction>();

  const schemaFor = (version: ComposeSchemaVersion): JsonSchema => {
    let schema = schemas.get(version);
    if (schema === undefined) {
      schema = composeJsonSchema(version);
      schemas.set(version, schema);
    }
    return schema;
  };

  const validatorFor = (version: ComposeSchemaVersion): ValidateFunction => {
    let validate = compiled.get(version);
    if (validate === undefined) {
      ajv ??= createAjv();
      validate = ajv.compile(schemaFor(version));
      compiled.set(version, validate);
    }
    return validate;
  };

  const laterVersionAllowing = (current: ComposeSchemaVersion, steps: readonly string[], key: string) =>
    COMPOSE_SCHEMA_VERSIONS.filter((v) => versionMinor(v) > versionMinor(current)).find((v) =>
      allows(schemaNodeAt(schemaFor(v), steps), key),
    );

  return {
    validate(config, versionValue) {
      const resolved = resolveSchemaVersion(versionValue);
      if (!resolved.ok) return [{ path: ['version'], keyword: 'version', message: resolved.message }];
      const version = resolved.version;
      const validate = validatorFor(version);
      const issues = nonFiniteNumbers(config);
      if (!validate(config)) {
        issues.push(
          ...reduceErrors(validate.errors ?? [], {
            data: config,
            version,
            laterVersionAllowing: (steps, key) => laterVersionAllowing(version, steps, key),
          }),
        );
      }
      return orderIssues(issues, config);
    },
  };
}
