import type { NodeFacts } from '../../domain/nodes/facts.js';
import {
  type PlacedService,
  splitVolumeServices,
  splitVolumeWarning,
  type Unplaceable,
} from '../../domain/nodes/placement.js';
import type { DesiredStack } from '../../domain/swarm/stack.js';
import { UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { toNodeFacts } from './facts.js';

/** The desired services as the placement rules read them (only those named, if given). */
export function placedServices(desired: DesiredStack, only?: ReadonlySet<string>): PlacedService[] {
  return desired.services
    .filter((s) => !only || only.has(s.key))
    .map((s) => ({
      name: s.key,
      mode: s.spec.Mode,
      placement: s.spec.TaskTemplate.Placement,
      mounts: s.spec.TaskTemplate.ContainerSpec.Mounts,
    }));
}

/** The swarm's nodes, in one call, as the placement rules read them. */
export async function nodeFactsOf(docker: DockerClient): Promise<NodeFacts[]> {
  return (await docker.nodes()).map(toNodeFacts);
}

/** One warning per service whose node-local volume may be split across nodes (issue 16). */
export function splitVolumeWarnings(
  app: string,
  desired: DesiredStack,
  nodes: readonly NodeFacts[],
): string[] {
  return splitVolumeServices(placedServices(desired), nodes).map((w) => splitVolumeWarning(app, w));
}

/**
 * The deploy's refusal when some service's constraints no node can satisfy: swarm would accept
 * the spec and keep its tasks pending for ever. Names each service, its constraint and the nodes.
 */
export function unplaceableError(
  app: string,
  server: string,
  list: readonly Unplaceable[],
  verb: 'deploy' | 'scale' = 'deploy',
): UserError {
  const lines = list.map((u) =>
    u.constraints.length > 0
      ? `service ${u.service}: placement constraint ${u.constraints.map((c) => `"${c}"`).join(' and ')}: ${u.detail}`
      : `service ${u.service}: ${u.detail}`,
  );
  const label = list
    .flatMap((u) => u.constraints)
    .map((c) => /^\s*node\.labels\.([^=!\s]+)\s*==\s*(.+?)\s*$/.exec(c))
    .find((m) => m !== null);
  return new UserError(
    `Cannot ${verb} ${app}: no node of ${server} can run ${list.length === 1 ? 'a service' : `${list.length} services`}; nothing was changed.\n  ${lines.join('\n  ')}`,
    {
      where: `server ${server}`,
      hint: label
        ? `Label a node that should run it (\`abra server node label ${server} <node> ${label[1]}=${label[2]}\`), activate a drained node, or change the constraint in the recipe.`
        : `Check the nodes with \`abra server nodes ${server}\`: activate a drained or paused node, or change the constraint in the recipe.`,
      code: 'placement_unsatisfiable',
    },
  );
}
