/** What placement rules need to know about a swarm node (from GET /nodes, pure data). */
export interface NodeFacts {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  availability: 'active' | 'pause' | 'drain';
  /** `ready`, `down`, `unknown`, `disconnected`. */
  state: string;
  /** Labels the operator set on the node (`docker node update --label-add`). */
  labels: Record<string, string>;
  /** The engine's own labels (daemon.json `labels`). */
  engineLabels?: Record<string, string>;
  os?: string;
  arch?: string;
  /** A manager's reachability (`reachable`, `unreachable`); undefined for workers. */
  reachability?: string;
}

/** A node the scheduler gives new tasks to now. */
export function schedulable(n: NodeFacts): boolean {
  return n.availability === 'active' && n.state === 'ready';
}
