import { UserError } from '../../errors.js';
import type { NodeFacts } from './facts.js';

/**
 * The node an operator means: an exact id or hostname, else the one node whose id starts with
 * `ref` (as `docker node` accepts). Ambiguous or unknown: an error listing the nodes.
 */
export function selectNode<N extends Pick<NodeFacts, 'id' | 'hostname'>>(
  nodes: readonly N[],
  ref: string,
  server: string,
): N {
  const listing = `Nodes of ${server}: ${nodes.map((n) => `${n.hostname} (${n.id.slice(0, 12)})`).join(', ')}.`;
  const byId = nodes.find((n) => n.id === ref);
  if (byId) return byId;
  const byName = nodes.filter((n) => n.hostname === ref);
  if (byName.length === 1) return byName[0] as N;
  if (byName.length > 1)
    throw new UserError(`${byName.length} nodes of ${server} are called "${ref}"`, {
      hint: `Name the node by its id instead. ${listing}`,
      code: 'node_ambiguous',
    });
  const byPrefix = ref.length > 0 ? nodes.filter((n) => n.id.startsWith(ref)) : [];
  if (byPrefix.length === 1) return byPrefix[0] as N;
  if (byPrefix.length > 1)
    throw new UserError(`"${ref}" is the start of ${byPrefix.length} node ids on ${server}`, {
      hint: `Give more of the id, or the hostname. ${listing}`,
      code: 'node_ambiguous',
    });
  throw new UserError(`No node "${ref}" in the swarm of ${server}`, {
    hint: `Name a node by hostname or id (\`abra server nodes ${server}\`). ${listing}`,
    code: 'node_unknown',
  });
}
