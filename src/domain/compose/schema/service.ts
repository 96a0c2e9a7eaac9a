// `services.*`.

import { deployment, healthcheck } from './deploy.js';
import { type DescNode, since } from './describe.js';
import {
  boolean,
  closedObject,
  driverOpts,
  duration,
  EXTENSION_PATTERN,
  integer,
  listOfStrings,
  listOrDict,
  NAME_PATTERN,
  number,
  openObject,
  string,
  stringArray,
  stringOrList,
} from './shared.js';

const stringOrArray: DescNode = { oneOf: [string, stringArray] };

const build: DescNode = {
  oneOf: [
    string,
    {
      type: 'object',
      properties: {
        context: string,
        dockerfile: string,
        args: listOrDict,
        labels: since('3.3', listOrDict),
        cache_from: since('3.2', listOfStrings),
        network: since('3.4', string),
        target: since('3.4', string),
        shm_size: since('3.5', { type: ['integer', 'string'] }),
        extra_hosts: since('3.9', listOrDict),
      },
      additionalProperties: false,
      changes: [{ version: '3.11', set: { additionalProperties: true } }],
    },
  ],
};

/** Service-level `secrets:` / `configs:` entries: a name, or a mount description. */
const fileReference: DescNode = {
  type: 'array',
  items: {
    oneOf: [string, openObject({ source: string, target: string, uid: string, gid: string, mode: number })],
  },
};

const serviceNetworks: DescNode = {
  oneOf: [
    listOfStrings,
    {
      type: 'object',
      patternProperties: {
        [NAME_PATTERN]: {
          oneOf: [
            closedObject({
              aliases: listOfStrings,
              driver_opts: since('3.13', driverOpts),
              ipv4_address: string,
              ipv6_address: string,
            }),
            { type: 'null' },
          ],
        },
      },
      additionalProperties: false,
    },
  ],
};

const portLongSyntax: DescNode = closedObject({
  mode: string,
  target: integer,
  published: integer,
  protocol: string,
});

const ports: DescNode = {
  type: 'array',
  items: {
    type: ['string', 'number'],
    format: 'ports',
    changes: [
      {
        version: '3.2',
        unset: ['type', 'format'],
        set: {
          oneOf: [{ type: 'number', format: 'ports' }, { type: 'string', format: 'ports' }, portLongSyntax],
        },
      },
    ],
  },
  uniqueItems: true,
};

const volumeLongSyntax: DescNode = {
  type: 'object',
  required: ['type'],
  properties: {
    type: string,
    source: string,
    target: string,
    read_only: boolean,
    consistency: string,
    bind: openObject({ propagation: string }),
    volume: openObject({ nocopy: boolean }),
    tmpfs: since('3.6', openObject({ size: { type: 'integer', minimum: 0 } })),
  },
  additionalProperties: false,
};

// From 3.2 docker/cli moved `uniqueItems` from the list onto its items, where it checks nothing:
// repeated volume entries are accepted again.
const volumes: DescNode = {
  type: 'array',
  items: string,
  uniqueItems: true,
  changes: [
    { version: '3.2', unset: ['uniqueItems'], set: { items: { oneOf: [string, volumeLongSyntax] } } },
  ],
};

const ulimits: DescNode = {
  type: 'object',
  patternProperties: {
    '^[a-z]+$': {
      oneOf: [integer, { ...closedObject({ hard: integer, soft: integer }), required: ['soft', 'hard'] }],
    },
  },
};

const logging: DescNode = closedObject({
  driver: string,
  options: { type: 'object', patternProperties: { '^.+$': { type: ['string', 'number', 'null'] } } },
});

export const service: DescNode = {
  type: 'object',
  properties: {
    deploy: deployment,
    build,
    cap_add: listOfStrings,
    cap_drop: listOfStrings,
    cgroupns_mode: since('3.9', string),
    cgroup_parent: string,
    command: stringOrArray,
    configs: since('3.3', fileReference),
    container_name: string,
    credential_spec: since(
      '3.3',
      closedObject({ config: since('3.8', string), file: string, registry: string }),
    ),
    depends_on: listOfStrings,
    devices: listOfStrings,
    dns: stringOrList,
    dns_search: stringOrList,
    domainname: string,
    entrypoint: stringOrArray,
    env_file: stringOrList,
    environment: listOrDict,
    // docker/cli registers no checker for the `expose` format: any string or number passes.
    expose: { type: 'array', items: { type: ['string', 'number'], format: 'expose' }, uniqueItems: true },
    external_links: listOfStrings,
    extra_hosts: listOrDict,
    healthcheck,
    hostname: string,
    image: string,
    init: since('3.7', boolean),
    ipc: string,
    isolation: since('3.5', string),
    labels: listOrDict,
    links: listOfStrings,
    logging,
    mac_address: string,
    network_mode: string,
    networks: serviceNetworks,
    pid: { type: ['string', 'null'] },
    ports,
    privileged: boolean,
    read_only: boolean,
    restart: string,
    security_opt: listOfStrings,
    shm_size: { type: ['number', 'string'] },
    secrets: since('3.1', fileReference),
    sysctls: listOrDict,
    stdin_open: boolean,
    stop_grace_period: duration,
    stop_signal: string,
    tmpfs: stringOrList,
    tty: boolean,
    ulimits,
    oom_score_adj: since('3.13', integer),
    user: string,
    userns_mode: string,
    volumes,
    working_dir: string,
  },
  patternProperties: { [EXTENSION_PATTERN]: since('3.7', {}) },
  additionalProperties: false,
};
