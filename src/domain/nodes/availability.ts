import { UserError } from '../../errors.js';
import { type NodeFacts, schedulable } from './facts.js';

export type Availability = NodeFacts['availability'];

/**
 * Refuse an availability change that leaves the swarm unable to run anything, or abra unable
 * to reach its workers:
 * - draining or pausing the last node that takes tasks: every app would stop (drain) or could
 *   not be deployed, scaled or rescheduled (pause);
 * - draining or pausing the last reachable manager while workers remain: abra reaches workers
 *   through a helper task on the manager it talks to (`app run`, `app cp`, backups of their
 *   volumes), which could not start there any more. `force` accepts that second risk only.
 */
export function checkAvailabilityChange(
  nodes: readonly NodeFacts[],
  target: NodeFacts,
  to: Availability,
  opts: { server: string; force: boolean },
): void {
  if (to === 'active') return;
  const verb = to === 'drain' ? 'drain' : 'pause';
  const others = nodes.filter((n) => n.id !== target.id);
  if (schedulable(target) && !others.some(schedulable))
    throw new UserError(
      `Refusing to ${verb} ${target.hostname}: it is the last node of ${opts.server} that takes tasks`,
      {
        hint:
          others.length === 0
            ? `A swarm of one node cannot ${verb} it: ${to === 'drain' ? 'every app would stop' : 'nothing could be deployed or rescheduled'}. Add a node first (\`docker swarm join\`), then ${verb} this one.`
            : `Activate another node first (\`docker node update --availability active <node>\`; now: ${others.map((n) => `${n.hostname} ${n.availability}/${n.state}`).join(', ')}).`,
        code: 'node_last_active',
      },
    );
  if (opts.force || target.role !== 'manager') return;
  const otherManagers = others.filter(
    (n) => n.role === 'manager' && n.reachability !== 'unreachable' && schedulable(n),
  );
  const workers = others.filter((n) => n.role === 'worker');
  if (otherManagers.length === 0 && workers.length > 0)
    throw new UserError(
      `Refusing to ${verb} ${target.hostname}: it is the last reachable manager that takes tasks, and abra reaches the ${workers.length} worker(s) through a helper task on it`,
      {
        hint: `Promote another node first (\`docker node promote ${workers[0]?.hostname}\`), or pass --force if \`app run\`, \`app cp\` and backups of volumes on workers may stop working meanwhile.`,
        code: 'node_last_manager',
      },
    );
}
