// `services.*.deploy` and `services.*.healthcheck`.

import { type DescNode, since } from './describe.js';
import { closedObject, duration, integer, listOrDict, number, string, stringArray } from './shared.js';

const order: DescNode = { type: 'string', enum: ['start-first', 'stop-first'] };

function updateLike(orderSince: '3.4' | '3.7'): DescNode {
  return closedObject({
    parallelism: integer,
    delay: duration,
    failure_action: string,
    monitor: duration,
    max_failure_ratio: number,
    order: since(orderSince, order),
  });
}

const genericResources: DescNode = {
  type: 'array',
  items: closedObject({
    discrete_resource_spec: closedObject({ kind: string, value: number }),
  }),
};

export const deployment: DescNode = {
  type: ['object', 'null'],
  properties: {
    mode: string,
    endpoint_mode: since('3.2', string),
    replicas: integer,
    labels: listOrDict,
    rollback_config: since('3.7', updateLike('3.7')),
    update_config: updateLike('3.4'),
    resources: closedObject({
      limits: closedObject({ cpus: string, memory: string, pids: since('3.9', integer) }),
      reservations: closedObject({
        cpus: string,
        memory: string,
        generic_resources: since('3.5', genericResources),
      }),
    }),
    restart_policy: closedObject({
      condition: string,
      delay: duration,
      max_attempts: integer,
      window: duration,
    }),
    placement: closedObject({
      constraints: stringArray,
      preferences: since('3.3', { type: 'array', items: closedObject({ spread: string }) }),
      max_replicas_per_node: since('3.8', integer),
    }),
  },
  additionalProperties: false,
};

// Before 3.4 interval and timeout were plain strings: a bad duration there fails later, in the
// loader, not in the schema.
const durationFrom34: DescNode = {
  type: 'string',
  changes: [{ version: '3.4', set: { format: 'duration' } }],
};

export const healthcheck: DescNode = {
  type: 'object',
  additionalProperties: false,
  properties: {
    disable: { type: 'boolean' },
    interval: durationFrom34,
    retries: number,
    test: { oneOf: [string, stringArray] },
    timeout: durationFrom34,
    start_period: since('3.4', duration),
    start_interval: since('3.12', duration),
  },
};
