// One description of the compose v3 schema, annotated with the version that introduced each
// part, from which the JSON schema of any single version is generated. docker/cli ships one JSON
// file per version; describing the differences once keeps them reviewable as a changelog.

import { type ComposeSchemaVersion, versionMinor } from './versions.js';

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** Formats docker/cli registers with its JSON schema validator. */
export type DockerFormat = 'duration' | 'ports' | 'expose';

/** A generated, self-contained JSON schema (no $ref: shared parts are inlined). */
export interface JsonSchema {
  type?: JsonType | JsonType[];
  format?: DockerFormat;
  enum?: string[];
  minimum?: number;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  required?: string[];
  items?: JsonSchema;
  uniqueItems?: boolean;
  oneOf?: JsonSchema[];
}

interface Keywords {
  readonly type?: JsonType | readonly JsonType[];
  readonly format?: DockerFormat;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly properties?: Readonly<Record<string, DescNode>>;
  readonly patternProperties?: Readonly<Record<string, DescNode>>;
  readonly additionalProperties?: boolean;
  readonly required?: readonly string[];
  readonly items?: DescNode;
  readonly uniqueItems?: boolean;
  readonly oneOf?: readonly DescNode[];
}

export type KeywordName = keyof Keywords;

/** A keyword change made by a later schema version. */
export interface Change {
  readonly version: ComposeSchemaVersion;
  readonly set?: Keywords;
  readonly unset?: readonly KeywordName[];
}

export interface DescNode extends Keywords {
  /** First version with this node, when it is a property, a pattern property or a oneOf branch. */
  readonly since?: ComposeSchemaVersion;
  /** Keyword changes in later versions, oldest first. */
  readonly changes?: readonly Change[];
}

export function since(version: ComposeSchemaVersion, node: DescNode): DescNode {
  return { ...node, since: version };
}

function present(node: DescNode, minor: number): boolean {
  return node.since === undefined || versionMinor(node.since) <= minor;
}

function effectiveKeywords(node: DescNode, minor: number): Keywords {
  let keywords: Record<string, unknown> = { ...node };
  delete keywords.since;
  delete keywords.changes;
  for (const change of node.changes ?? []) {
    if (versionMinor(change.version) > minor) continue;
    keywords = { ...keywords, ...change.set };
    for (const name of change.unset ?? []) delete keywords[name];
  }
  return keywords as Keywords;
}

function buildMap(
  map: Readonly<Record<string, DescNode>> | undefined,
  minor: number,
): Record<string, JsonSchema> | undefined {
  if (map === undefined) return undefined;
  const out: Record<string, JsonSchema> = {};
  for (const [key, child] of Object.entries(map)) {
    if (present(child, minor)) out[key] = buildNode(child, minor);
  }
  return out;
}

function buildNode(node: DescNode, minor: number): JsonSchema {
  const k = effectiveKeywords(node, minor);
  const out: JsonSchema = {};
  if (k.type !== undefined) out.type = typeof k.type === 'string' ? k.type : [...k.type];
  if (k.format !== undefined) out.format = k.format;
  if (k.enum !== undefined) out.enum = [...k.enum];
  if (k.minimum !== undefined) out.minimum = k.minimum;
  const properties = buildMap(k.properties, minor);
  if (properties !== undefined) out.properties = properties;
  const patternProperties = buildMap(k.patternProperties, minor);
  // An object whose only pattern property is not there yet has none at all.
  if (patternProperties !== undefined && Object.keys(patternProperties).length > 0) {
    out.patternProperties = patternProperties;
  }
  if (k.additionalProperties !== undefined) out.additionalProperties = k.additionalProperties;
  if (k.required !== undefined) out.required = [...k.required];
  if (k.items !== undefined) out.items = buildNode(k.items, minor);
  if (k.uniqueItems !== undefined) out.uniqueItems = k.uniqueItems;
  if (k.oneOf !== undefined)
    out.oneOf = k.oneOf.filter((b) => present(b, minor)).map((b) => buildNode(b, minor));
  return out;
}

/** The JSON schema of one version, generated from a description of all of them. */
export function buildJsonSchema(description: DescNode, version: ComposeSchemaVersion): JsonSchema {
  return buildNode(description, versionMinor(version));
}
