import { NAMESPACE_LABEL } from '../stack/contract.js';

/** A task the swarm wants running, and where. */
export interface RunningTask {
  serviceId: string;
  nodeId: string | undefined;
}

/** A service as far as draining cares. */
export interface DrainService {
  id: string;
  name: string;
  labels: Readonly<Record<string, string>> | undefined;
  /** Global services run one task per node: draining stops theirs, nothing moves. */
  global: boolean;
}

export interface StackImpact {
  /** The stack namespace label (the app's stack name). */
  stack: string;
  /** Services whose tasks move to other nodes, with how many tasks each. */
  moves: { service: string; tasks: number }[];
  /** Global services whose task on the node stops. */
  stops: string[];
}

export interface DrainImpact {
  stacks: StackImpact[];
  /** Services of no stack (helpers, `docker service create`): they move or stop as well. */
  other: string[];
  /** Tasks that run on the node now. */
  tasks: number;
}

/**
 * What draining `nodeId` does to the apps on it: which stacks' tasks move (replicated) or stop
 * (global). Tasks are those the swarm wants running; the stack is the service's namespace label.
 */
export function drainImpact(
  nodeId: string,
  tasks: readonly RunningTask[],
  services: readonly DrainService[],
): DrainImpact {
  const byId = new Map(services.map((s) => [s.id, s]));
  const perService = new Map<string, number>();
  for (const t of tasks)
    if (t.nodeId === nodeId) perService.set(t.serviceId, (perService.get(t.serviceId) ?? 0) + 1);
  const stacks = new Map<string, StackImpact>();
  const other: string[] = [];
  let total = 0;
  for (const [id, n] of perService) {
    total += n;
    const s = byId.get(id);
    const stack = s?.labels?.[NAMESPACE_LABEL];
    if (!s || !stack) {
      other.push(s?.name ?? id);
      continue;
    }
    let entry = stacks.get(stack);
    if (!entry) {
      entry = { stack, moves: [], stops: [] };
      stacks.set(stack, entry);
    }
    if (s.global) entry.stops.push(s.name);
    else entry.moves.push({ service: s.name, tasks: n });
  }
  for (const e of stacks.values()) {
    e.moves.sort((a, b) => a.service.localeCompare(b.service));
    e.stops.sort();
  }
  return {
    stacks: [...stacks.values()].sort((a, b) => a.stack.localeCompare(b.stack)),
    other: other.sort(),
    tasks: total,
  };
}

/** The lines shown before the operator is asked to drain (one per app, then the rest). */
export function describeDrain(hostname: string, impact: DrainImpact): string[] {
  if (impact.tasks === 0) return [`No task runs on ${hostname}: nothing moves.`];
  const lines = impact.stacks.map((s) => {
    const parts: string[] = [];
    if (s.moves.length > 0)
      parts.push(
        `moves ${s.moves.map((m) => (m.tasks > 1 ? `${m.service} (${m.tasks} tasks)` : m.service)).join(', ')}`,
      );
    if (s.stops.length > 0) parts.push(`stops ${s.stops.join(', ')} (global: one task per node)`);
    return `${s.stack}: ${parts.join('; ')}`;
  });
  if (impact.other.length > 0) lines.push(`services of no app: ${impact.other.join(', ')}`);
  return [`Draining ${hostname} moves its ${impact.tasks} task(s) to other nodes:`, ...lines];
}
