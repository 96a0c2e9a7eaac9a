// What the engine stores for a submitted service spec, as GET /services returns it. The
// engine keeps the spec in SwarmKit's protobuf form, so reading it back turns absent enums
// into their zero value (restart condition "any", failure action "pause", order "stop-first",
// protocol "tcp", publish mode "ingress", endpoint mode "vip", isolation "default"), a
// non-pointer count into 0 (MaxAttempts), an absent replica count into 1, and network names
// into IDs, and drops what its API version does not know. Measured on Docker Engine 20.10
// (API 1.41): it has no NoNewPrivileges and no healthcheck StartInterval.
//
// Not the swarmkit defaults `docker service inspect` shows (stop grace 10s, restart delay 5s,
// update monitor 5s...): the CLI fills those in for display; the API does not store them.

import type { ServiceSpec, UpdateConfig } from './spec.js';

function storedUpdate(u: UpdateConfig | undefined): UpdateConfig | undefined {
  if (!u) return undefined;
  return { ...u, FailureAction: u.FailureAction || 'pause', Order: u.Order || 'stop-first' };
}

export interface StoredSpecOptions {
  /** Network name -> ID: the engine stores attachment targets as IDs. Unmapped names stay. */
  networkId?: (name: string) => string | undefined;
}

/** The spec the engine (20.10, API 1.41) will report after creating/updating with `spec`. */
export function storedServiceSpec<S, C>(
  spec: ServiceSpec<S, C>,
  opts: StoredSpecOptions = {},
): ServiceSpec<S, C> {
  const t = spec.TaskTemplate;
  const { NoNewPrivileges: _unknownTo120, ...privileges } = t.ContainerSpec.Privileges;
  const c = { ...t.ContainerSpec, Privileges: privileges as typeof t.ContainerSpec.Privileges };
  if (!c.Isolation) c.Isolation = 'default';
  if (c.Healthcheck?.StartInterval !== undefined) {
    const { StartInterval: _unknownTo120, ...health } = c.Healthcheck;
    c.Healthcheck = health;
  }
  const task = { ...t, ContainerSpec: c, Runtime: 'container' };
  const r = t.RestartPolicy;
  if (r) task.RestartPolicy = { ...r, Condition: r.Condition || 'any', MaxAttempts: r.MaxAttempts ?? 0 };
  if (t.Networks)
    task.Networks = t.Networks.map((n) => ({ ...n, Target: opts.networkId?.(n.Target) ?? n.Target }));
  const out: ServiceSpec<S, C> = {
    ...spec,
    TaskTemplate: task,
    Mode:
      'Replicated' in spec.Mode
        ? { Replicated: { Replicas: spec.Mode.Replicated.Replicas ?? 1 } }
        : spec.Mode,
    EndpointSpec: {
      ...spec.EndpointSpec,
      Mode: spec.EndpointSpec.Mode || 'vip',
      ...(spec.EndpointSpec.Ports
        ? {
            Ports: spec.EndpointSpec.Ports.map((p) => ({
              ...p,
              Protocol: p.Protocol || 'tcp',
              PublishMode: p.PublishMode || 'ingress',
            })),
          }
        : {}),
    },
  };
  const update = storedUpdate(spec.UpdateConfig);
  if (update) out.UpdateConfig = update;
  const rollback = storedUpdate(spec.RollbackConfig);
  if (rollback) out.RollbackConfig = rollback;
  return out;
}
