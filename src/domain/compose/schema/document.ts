// The whole compose file, and the per-version JSON schemas generated from its description.

import { buildJsonSchema, type DescNode, type JsonSchema, since } from './describe.js';
import { config, network, secret, volume } from './resources.js';
import { service } from './service.js';
import { EXTENSION_PATTERN, NAME_PATTERN } from './shared.js';
import type { ComposeSchemaVersion } from './versions.js';

function namedEntries(entry: DescNode, closed: boolean): DescNode {
  const node: DescNode = { type: 'object', patternProperties: { [NAME_PATTERN]: entry } };
  return closed ? { ...node, additionalProperties: false } : node;
}

export const composeFileDescription: DescNode = {
  type: 'object',
  required: ['version'],
  changes: [{ version: '3.10', unset: ['required'] }],
  properties: {
    version: { type: 'string' },
    services: namedEntries(service, true),
    // docker/cli leaves top-level network names unchecked (no additionalProperties: false).
    networks: namedEntries(network, false),
    volumes: namedEntries(volume, true),
    secrets: since('3.1', namedEntries(secret, true)),
    configs: since('3.3', namedEntries(config, true)),
  },
  patternProperties: { [EXTENSION_PATTERN]: since('3.4', {}) },
  additionalProperties: false,
};

export function composeJsonSchema(version: ComposeSchemaVersion): JsonSchema {
  return buildJsonSchema(composeFileDescription, version);
}
