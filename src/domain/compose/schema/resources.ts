// Top-level `networks`, `volumes`, `secrets` and `configs` entries.

import { type DescNode, since } from './describe.js';
import {
  boolean,
  closedObject,
  driverOpts,
  EXTENSION_PATTERN,
  external,
  listOrDict,
  openObject,
  string,
  stringArray,
} from './shared.js';

const extensions = { [EXTENSION_PATTERN]: since('3.7', {}) };

export const network: DescNode = {
  type: ['object', 'null'],
  properties: {
    name: since('3.5', string),
    driver: string,
    driver_opts: driverOpts,
    ipam: closedObject({
      driver: string,
      config: { type: 'array', items: closedObject({ subnet: string }) },
    }),
    external: external(true),
    internal: boolean,
    attachable: since('3.2', boolean),
    labels: listOrDict,
  },
  patternProperties: extensions,
  additionalProperties: false,
};

const topologies: DescNode = { type: 'array', items: openObject({ segments: listOrDict }) };

/** Swarm cluster (CSI) volume options; docker/cli spells the key as an extension field. */
const clusterSpec: DescNode = openObject({
  group: string,
  access_mode: openObject({
    scope: string,
    sharing: string,
    block_volume: { type: 'object' },
    mount_volume: openObject({ fs_type: string, mount_flags: stringArray }),
  }),
  accessibility_requirements: openObject({ requisite: topologies, preferred: topologies }),
  capacity_range: openObject({ required_bytes: string, limit_bytes: string }),
  availability: string,
});

export const volume: DescNode = {
  type: ['object', 'null'],
  properties: {
    name: since('3.4', string),
    driver: string,
    driver_opts: driverOpts,
    external: external(true),
    labels: listOrDict,
    'x-cluster-spec': since('3.10', clusterSpec),
  },
  patternProperties: extensions,
  additionalProperties: false,
};

export const secret: DescNode = {
  type: 'object',
  properties: {
    name: since('3.5', string),
    file: string,
    external: external(false),
    labels: listOrDict,
    driver: since('3.8', string),
    driver_opts: since('3.8', driverOpts),
    template_driver: since('3.8', string),
  },
  patternProperties: extensions,
  additionalProperties: false,
};

export const config: DescNode = {
  type: 'object',
  properties: {
    name: since('3.5', string),
    file: string,
    external: external(false),
    labels: listOrDict,
    template_driver: since('3.8', string),
  },
  patternProperties: extensions,
  additionalProperties: false,
};
