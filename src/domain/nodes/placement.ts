import type { Mount, Placement, ServiceMode } from '../swarm/spec.js';
import { type Constraint, isPin, nodeMeets, nodeMeetsAll, parseConstraints } from './constraints.js';
import { type NodeFacts, schedulable } from './facts.js';

/** The part of a service spec placement rules read (a desired or a deployed service). */
export interface PlacedService {
  /** The recipe's service name, for messages. */
  name: string;
  mode: ServiceMode;
  placement: Placement | undefined;
  mounts: readonly Mount[] | undefined;
}

export interface Unplaceable {
  service: string;
  /** The constraints that rule every node out (one alone when one suffices). */
  constraints: string[];
  /** Why, in words: which nodes meet them and why those cannot take tasks. */
  detail: string;
}

function wantsTasks(mode: ServiceMode): boolean {
  if ('Replicated' in mode) return (mode.Replicated.Replicas ?? 1) > 0;
  if ('ReplicatedJob' in mode) return (mode.ReplicatedJob.TotalCompletions ?? 1) > 0;
  return true;
}

function states(nodes: readonly NodeFacts[]): string {
  return nodes
    .map((n) => `${n.hostname} (${n.availability !== 'active' ? n.availability : n.state})`)
    .join(', ');
}

/**
 * Services whose placement constraints no schedulable node meets: swarm would keep their tasks
 * pending for ever (a global service would run nowhere). Checked before anything is applied,
 * so a deploy or scale fails at once naming the constraint.
 */
export function unplaceableServices(
  services: readonly PlacedService[],
  nodes: readonly NodeFacts[],
): Unplaceable[] {
  const out: Unplaceable[] = [];
  if (nodes.length === 0) return out;
  for (const s of services) {
    if (!wantsTasks(s.mode)) continue;
    const constraints = parseConstraints(s.placement?.Constraints);
    if (constraints.length === 0) {
      if (!nodes.some(schedulable))
        out.push({ service: s.name, constraints: [], detail: `no node takes tasks: ${states(nodes)}` });
      continue;
    }
    const meeting = nodes.filter((n) => nodeMeetsAll(n, constraints));
    if (meeting.some(schedulable)) continue;
    if (meeting.length > 0) {
      out.push({
        service: s.name,
        constraints: constraints.map((c) => c.text),
        detail: `only ${states(meeting)} meet${meeting.length === 1 ? 's' : ''} them, and cannot take tasks now`,
      });
      continue;
    }
    const alone = constraints.find((c) => !nodes.some((n) => nodeMeets(n, c)));
    out.push({
      service: s.name,
      constraints: alone ? [alone.text] : constraints.map((c) => c.text),
      detail: `no node meets ${alone ? 'it' : 'them together'} (nodes: ${nodes.map((n) => describeNode(n, alone ? [alone] : constraints)).join(', ')})`,
    });
  }
  return out;
}

/** `web1` or `web1 (node.labels.db=)`: the node and its values for the keys concerned. */
function describeNode(n: NodeFacts, constraints: readonly Constraint[]): string {
  const labels = constraints
    .filter((c) => c.key.toLowerCase().startsWith('node.labels.'))
    .map((c) => `${c.key}=${n.labels[c.key.slice('node.labels.'.length)] ?? ''}`);
  return labels.length > 0 ? `${n.hostname} [${labels.join(', ')}]` : n.hostname;
}

export interface SplitVolumes {
  service: string;
  /** The named volumes it mounts (their names as the engine knows them). */
  volumes: string[];
  /** Hostnames of the nodes its tasks may land on. */
  nodes: string[];
}

/** A volume whose data lives on the node that created it: the local driver, not NFS/CIFS. */
function nodeLocal(m: Mount): boolean {
  if (m.Type !== 'volume' || !m.Source) return false;
  const driver = m.VolumeOptions?.DriverConfig;
  if (driver?.Name && driver.Name !== 'local') return false;
  const type = driver?.Options?.type?.toLowerCase();
  return !(type && /^(nfs4?|cifs|smb)$/.test(type));
}

/**
 * Volumes are node-local: a replicated service with a named volume, not pinned to one node
 * (node.id, node.hostname, or a label only one node has) and with more than one node it may
 * run on, finds an empty volume after a reschedule to another node, or splits its data
 * between replicas. Global services are left out: a volume per node is what they ask for.
 */
export function splitVolumeServices(
  services: readonly PlacedService[],
  nodes: readonly NodeFacts[],
): SplitVolumes[] {
  const out: SplitVolumes[] = [];
  for (const s of services) {
    if (!('Replicated' in s.mode)) continue;
    const volumes = [...new Set((s.mounts ?? []).filter(nodeLocal).map((m) => m.Source as string))];
    if (volumes.length === 0) continue;
    const constraints = parseConstraints(s.placement?.Constraints);
    if (constraints.some((c) => isPin(c, nodes))) continue;
    const eligible = nodes.filter((n) => n.availability !== 'drain' && nodeMeetsAll(n, constraints));
    if (eligible.length <= 1) continue;
    out.push({ service: s.name, volumes: volumes.sort(), nodes: eligible.map((n) => n.hostname).sort() });
  }
  return out;
}

/** The warning `app check` and `app deploy` show for one such service. */
export function splitVolumeWarning(app: string, w: SplitVolumes): string {
  return (
    `${app}: service ${w.service} mounts ${w.volumes.length === 1 ? 'volume' : 'volumes'} ${w.volumes.join(', ')} ` +
    `but may run on ${w.nodes.length} nodes (${w.nodes.join(', ')}); volumes are node-local, so a reschedule ` +
    'to another node starts with an empty volume. Fix: pin it in the recipe, e.g. ' +
    `deploy.placement.constraints: ["node.hostname == ${w.nodes[0]}"] (or a node label only one node has).`
  );
}
