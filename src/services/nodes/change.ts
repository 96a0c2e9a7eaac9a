import { SERVER_WIDE } from '../../domain/audit/entry.js';
import { type Availability, checkAvailabilityChange } from '../../domain/nodes/availability.js';
import { type DrainImpact, describeDrain, drainImpact } from '../../domain/nodes/drain.js';
import { applyLabelChange, parseLabelChange } from '../../domain/nodes/labels.js';
import { selectNode } from '../../domain/nodes/select.js';
import { Cancelled, UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { SwarmNode } from '../../infra/docker/swarm-types.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { checkServerKnown } from '../server/known.js';
import { toNodeFacts } from './facts.js';

export type NodeChangeDeps = Pick<
  Deps,
  | 'servers'
  | 'docker'
  | 'events'
  | 'prompt'
  | 'paths'
  | 'env'
  | 'signals'
  | 'machineId'
  | 'clock'
  | 'argv'
  | 'operator'
>;

export interface AvailabilityResult {
  server: string;
  node: string;
  id: string;
  role: 'manager' | 'worker';
  from: Availability;
  to: Availability;
  /** false: the node already had that availability; nothing was written or audited. */
  changed: boolean;
  /** Drain only: the apps whose tasks move (or stop) and how many tasks run there. */
  impact?: DrainImpact;
}

export interface LabelResult {
  server: string;
  node: string;
  id: string;
  labels: Record<string, string>;
  /** `key=value` set, `-key` removed; empty: nothing to change, nothing written. */
  changed: string[];
}

async function swarmNodes(docker: DockerClient, server: string): Promise<SwarmNode[]> {
  const nodes = await docker.nodes();
  if (nodes.length === 0)
    throw new UserError(`${server} lists no swarm nodes`, {
      hint: 'Point the server at a manager of the swarm (`docker node ls` works there).',
      code: 'node_unknown',
    });
  return nodes;
}

/** The node again, as it is now: its version must be current for the update to be accepted. */
async function fresh(docker: DockerClient, id: string, server: string): Promise<SwarmNode> {
  const exact = (await docker.nodes({ id: [id] })).find((n) => n.ID === id);
  if (!exact)
    throw new UserError(`Node ${id} left the swarm of ${server} meanwhile`, {
      hint: `Check with \`abra server nodes ${server}\`.`,
      code: 'node_unknown',
    });
  return exact;
}

/**
 * `abra server node drain|pause|activate <server> <node>`: set a node's availability. Refused
 * when it would leave no node taking tasks, or leave abra no manager to reach workers through
 * (`force` accepts that second risk). Draining lists the apps whose tasks move and asks first
 * (`force` skips the question). Audited as a server-wide entry; no app lock (it changes no app's
 * spec, and the scheduler moves tasks as it would for a node that fails).
 */
export async function setNodeAvailability(
  opts: { server: string; node: string; to: Availability; force: boolean; argv?: readonly string[] },
  deps: NodeChangeDeps,
): Promise<AvailabilityResult> {
  await checkServerKnown(opts.server, deps);
  const docker = deps.docker.client(opts.server);
  const nodes = await swarmNodes(docker, opts.server);
  const facts = nodes.map(toNodeFacts);
  const target = selectNode(facts, opts.node, opts.server);
  const base = {
    server: opts.server,
    node: target.hostname,
    id: target.id,
    role: target.role,
    from: target.availability,
    to: opts.to,
  };
  if (target.availability === opts.to) {
    deps.events({ type: 'info', message: `${target.hostname} is already ${opts.to}; nothing changed.` });
    return { ...base, changed: false };
  }
  checkAvailabilityChange(facts, target, opts.to, { server: opts.server, force: opts.force });
  if (opts.to !== 'active' && facts.some((n) => n.role === 'worker')) {
    // Gateways to workers put their relay on the node abra talks to (domain/gateway/spec.ts).
    const own = await docker.nodeId();
    if (own === target.id)
      deps.events({
        type: 'warning',
        message:
          `${target.hostname} is the node abra reaches ${opts.server} through: while it is ${opts.to}, ` +
          '`app run`, `app cp` and backups of tasks on workers cannot start their helper there. ' +
          'Point the server at another manager meanwhile.',
      });
  }
  let impact: DrainImpact | undefined;
  if (opts.to === 'drain') {
    const [tasks, services] = await Promise.all([
      docker.tasks({ node: [target.id], 'desired-state': ['running'] }),
      docker.services(),
    ]);
    impact = drainImpact(
      target.id,
      tasks.map((t) => ({ serviceId: t.ServiceID, nodeId: t.NodeID })),
      services.map((s) => ({
        id: s.ID,
        name: s.Spec.Name,
        labels: s.Spec.Labels ?? undefined,
        global: s.Spec.Mode !== undefined && 'Global' in s.Spec.Mode,
      })),
    );
    for (const line of describeDrain(target.hostname, impact)) deps.events({ type: 'info', message: line });
    if (!opts.force && !(await deps.prompt.confirm(`Drain ${target.hostname} on ${opts.server}?`)))
      throw new Cancelled('Drain cancelled; nothing was changed.');
  }
  const verb = opts.to === 'active' ? 'activate' : opts.to;
  return runOperation(
    { kind: `node ${verb}`, app: SERVER_WIDE, server: opts.server, lock: false, argv: opts.argv },
    deps,
    async (op) => {
      const now = await fresh(docker, target.id, opts.server);
      const from = now.Spec.Availability;
      op.note.message = `${target.hostname}: availability ${from} -> ${opts.to}`;
      if (from === opts.to) return { ...base, from, changed: false, ...(impact ? { impact } : {}) };
      op.checkpoint();
      await docker.updateNode(now.ID, now.Version.Index, { ...now.Spec, Availability: opts.to });
      op.changes.push(op.note.message);
      op.emit({ type: 'info', message: `${target.hostname} is now ${opts.to} (was ${from}).` });
      return { ...base, from, changed: true, ...(impact ? { impact } : {}) };
    },
  );
}

/**
 * `abra server node label <server> <node> key=value... [--rm key...]`: set and remove the node's
 * own labels (what `node.labels.<key>` placement constraints match). Other labels are kept.
 */
export async function labelNode(
  opts: {
    server: string;
    node: string;
    set: readonly string[];
    remove: readonly string[];
    argv?: readonly string[];
  },
  deps: NodeChangeDeps,
): Promise<LabelResult> {
  const change = parseLabelChange(opts.set, opts.remove);
  await checkServerKnown(opts.server, deps);
  const docker = deps.docker.client(opts.server);
  const target = selectNode((await swarmNodes(docker, opts.server)).map(toNodeFacts), opts.node, opts.server);
  const base = { server: opts.server, node: target.hostname, id: target.id };
  const planned = applyLabelChange(target.labels, change);
  if (planned.changed.length === 0) {
    deps.events({ type: 'info', message: `${target.hostname} already has these labels; nothing changed.` });
    return { ...base, labels: planned.labels, changed: [] };
  }
  return runOperation(
    { kind: 'node label', app: SERVER_WIDE, server: opts.server, lock: false, argv: opts.argv },
    deps,
    async (op) => {
      const now = await fresh(docker, target.id, opts.server);
      // Applied to the labels as they are now, so a label someone set meanwhile is kept.
      const next = applyLabelChange(now.Spec.Labels ?? {}, change);
      op.note.message = `${target.hostname}: ${next.changed.join(' ') || 'labels unchanged'}`;
      if (next.changed.length === 0) return { ...base, labels: next.labels, changed: [] };
      op.checkpoint();
      await docker.updateNode(now.ID, now.Version.Index, { ...now.Spec, Labels: next.labels });
      op.changes.push(op.note.message);
      return { ...base, labels: next.labels, changed: next.changed };
    },
  );
}
