// Validates one compose file (after interpolation) against the docker/cli v3 schema of its
// version, given the compiled validator of each version: compiled by ajv at run time
// (./compile.ts) or generated at build time (scripts/compose-validators.ts). No ajv here.

import type { ValidateFunction } from 'ajv';
import type { JsonSchema } from './describe.js';
import { composeJsonSchema } from './document.js';
import { nonFiniteNumbers, orderIssues, type SchemaIssue } from './issues.js';
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

/** `validatorFor`: the compiled schema of a version (cached by the caller). */
export function composeValidatorOf(
  validatorFor: (version: ComposeSchemaVersion) => ValidateFunction,
): ComposeValidator {
  const schemas = new Map<ComposeSchemaVersion, JsonSchema>();

  // Only on the error path: which later version would allow a rejected key.
  const schemaFor = (version: ComposeSchemaVersion): JsonSchema => {
    let schema = schemas.get(version);
    if (schema === undefined) {
      schema = composeJsonSchema(version);
      schemas.set(version, schema);
    }
    return schema;
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
