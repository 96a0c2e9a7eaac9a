import type { Deps } from '../deps.js';
import { checkServerKnown } from './known.js';

export interface NodeRow {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  leader: boolean;
  availability: string;
  state: string;
  address: string | undefined;
  engine: string | undefined;
  labels: Record<string, string>;
  /** Tasks the swarm wants running there now. */
  tasks: number;
}

/**
 * `abra server nodes <server>`: the swarm's nodes as its manager sees them, with how many tasks
 * each runs. Two API calls, whatever the size of the swarm.
 */
export async function serverNodes(
  opts: { server: string },
  deps: Pick<Deps, 'docker' | 'servers'>,
): Promise<{ server: string; nodes: NodeRow[] }> {
  await checkServerKnown(opts.server, deps);
  const docker = deps.docker.client(opts.server);
  const [nodes, tasks] = await Promise.all([docker.nodes(), docker.tasks({ 'desired-state': ['running'] })]);
  const perNode = new Map<string, number>();
  for (const t of tasks) if (t.NodeID) perNode.set(t.NodeID, (perNode.get(t.NodeID) ?? 0) + 1);
  return {
    server: opts.server,
    nodes: nodes
      .map((n) => ({
        id: n.ID,
        hostname: n.Description.Hostname,
        role: n.Spec.Role,
        leader: n.ManagerStatus?.Leader === true,
        availability: n.Spec.Availability,
        state: n.Status.State,
        address: n.Status.Addr,
        engine: n.Description.Engine?.EngineVersion,
        labels: n.Spec.Labels ?? {},
        tasks: perNode.get(n.ID) ?? 0,
      }))
      .sort((a, b) =>
        a.role === b.role ? a.hostname.localeCompare(b.hostname) : a.role === 'manager' ? -1 : 1,
      ),
  };
}
