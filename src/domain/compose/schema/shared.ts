// Building blocks the compose schema repeats in many places (docker/cli's `definitions`).

import type { DescNode } from './describe.js';

/** Keys of services, volumes, networks, secrets and configs. */
export const NAME_PATTERN = '^[a-zA-Z0-9._-]+$';
/** Extension fields, allowed at the top level from 3.4 and inside resources from 3.7. */
export const EXTENSION_PATTERN = '^x-';

export const string: DescNode = { type: 'string' };
export const boolean: DescNode = { type: 'boolean' };
export const integer: DescNode = { type: 'integer' };
export const number: DescNode = { type: 'number' };
export const duration: DescNode = { type: 'string', format: 'duration' };
export const unconstrained: DescNode = {};

export const listOfStrings: DescNode = { type: 'array', items: string, uniqueItems: true };

/** A list of strings where duplicates are allowed. */
export const stringArray: DescNode = { type: 'array', items: string };

export const stringOrList: DescNode = { oneOf: [string, listOfStrings] };

/** `KEY=value` list or `KEY: value` mapping (environment, labels, sysctls, ...). */
export const listOrDict: DescNode = {
  oneOf: [
    {
      type: 'object',
      patternProperties: { '.+': { type: ['string', 'number', 'null'] } },
      additionalProperties: false,
    },
    { type: 'array', items: string, uniqueItems: true },
  ],
};

/** Free-form driver options: any key, scalar values. */
export const driverOpts: DescNode = {
  type: 'object',
  patternProperties: { '^.+$': { type: ['string', 'number'] } },
};

/** `external: true` or `external: {name: ...}`; `closed` adds additionalProperties: false. */
export function external(closed: boolean): DescNode {
  const node: DescNode = { type: ['boolean', 'object'], properties: { name: string } };
  return closed ? { ...node, additionalProperties: false } : node;
}

export function closedObject(properties: Readonly<Record<string, DescNode>>): DescNode {
  return { type: 'object', properties, additionalProperties: false };
}

export function openObject(properties: Readonly<Record<string, DescNode>>): DescNode {
  return { type: 'object', properties };
}
