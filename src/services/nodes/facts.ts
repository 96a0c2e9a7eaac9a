import type { NodeFacts } from '../../domain/nodes/facts.js';
import type { SwarmNode } from '../../infra/docker/swarm-types.js';

/** A node as the pure placement rules read it. */
export function toNodeFacts(n: SwarmNode): NodeFacts {
  return {
    id: n.ID,
    hostname: n.Description.Hostname,
    role: n.Spec.Role,
    availability: n.Spec.Availability,
    state: n.Status.State,
    labels: n.Spec.Labels ?? {},
    engineLabels: n.Description.Engine?.Labels ?? {},
    ...(n.Description.Platform?.OS === undefined ? {} : { os: n.Description.Platform.OS }),
    ...(n.Description.Platform?.Architecture === undefined
      ? {}
      : { arch: n.Description.Platform.Architecture }),
    ...(n.ManagerStatus?.Reachability === undefined ? {} : { reachability: n.ManagerStatus.Reachability }),
  };
}
