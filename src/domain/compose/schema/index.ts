// Compose file schema validation (docker/cli compose v3 schemas, versions 3.0 to 3.13).

export { createComposeValidator } from './compile.js';
export type { DescNode, JsonSchema } from './describe.js';
export { composeFileDescription, composeJsonSchema } from './document.js';
export { parseGoDuration } from './duration.js';
export { dottedPath, type SchemaIssue } from './issues.js';
export { checkPortSpec, checkPortValue } from './ports.js';
export { type ComposeValidator, composeValidatorOf } from './validator.js';
export {
  COMPOSE_SCHEMA_VERSIONS,
  type ComposeSchemaVersion,
  LATEST_COMPOSE_SCHEMA_VERSION,
  resolveSchemaVersion,
} from './versions.js';
