import { abraLabel, shortName } from '../../domain/stack/contract.js';
import {
  chaosCommit,
  type DerivedStatus,
  deriveStatus,
  describeDeployed,
  summariseStacks,
} from '../../domain/status/app-status.js';
import type { Task } from '../../infra/docker/swarm-types.js';
import type { Deps } from '../deps.js';
import { readStack, replicasOf, stackTasks } from '../stack/read.js';
import { resolveApp } from './resolve.js';
import { recipeTags } from './status.js';

export interface TaskRow {
  service: string;
  slot: number | undefined;
  node: string | undefined;
  /** The node's host name (its id when the node is gone). */
  nodeName: string | undefined;
  state: string;
  desired: string;
  since: string;
  error: string | undefined;
  image: string;
  current: boolean;
}

export interface ServiceRow {
  service: string;
  image: string;
  mode: 'replicated' | 'global';
  replicas: string;
  version: string | undefined;
  chaos: boolean;
  updateState: string | undefined;
  tasks: TaskRow[];
}

/** What is deployed, from abra's labels on the main service, and whether a release is newer. */
export interface Deployment {
  /** The version label, "unknown" when the stack has none. */
  version: string;
  chaos: boolean;
  /** Chaos deploys: the commit deployed, and whether the working tree had changes. */
  chaosCommit?: string;
  dirty?: boolean;
  /** Newest release tag of the local recipe clone above the deployed version, or "latest". */
  upgrade?: string;
  /** The header line: "version 1.0.0+1 · upgrade 1.1.0+1 available". */
  summary: string;
}

export interface AppPs {
  app: string;
  server: string;
  stack: string;
  deployed: boolean;
  deployment?: Deployment;
  services: ServiceRow[];
}

/** Services and their tasks for one app: four API calls whatever the app's size. */
export async function appPs(
  opts: { app: string; all: boolean },
  deps: Pick<Deps, 'paths' | 'docker' | 'git' | 'events'>,
): Promise<AppPs> {
  const app = await resolveApp(opts.app, deps);
  const [{ services }, tasks, tags, nodes] = await Promise.all([
    readStack(app.docker, app.stack),
    stackTasks(app.docker, app.stack),
    // Local git, read while the engine answers.
    recipeTags(app.recipe.name, deps),
    // Tasks name their node by id; people know nodes by host name.
    app.docker.nodes().catch(() => []),
  ]);
  const hostOf = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
  const rows = services.map((s): ServiceRow => {
    const labels = s.Spec.Labels ?? {};
    const mine = tasks.filter((t) => t.ServiceID === s.ID && (opts.all || t.DesiredState !== 'shutdown'));
    const desired = replicasOf(s);
    const running = s.ServiceStatus?.RunningTasks ?? mine.filter((t) => t.Status.State === 'running').length;
    return {
      service: shortName(app.stack, s.Spec.Name),
      image: stripDigest(s.Spec.TaskTemplate.ContainerSpec.Image),
      mode: desired === undefined ? 'global' : 'replicated',
      replicas: `${running}/${desired ?? s.ServiceStatus?.DesiredTasks ?? '?'}`,
      version: labels[abraLabel(app.stack, 'version')],
      chaos: labels[abraLabel(app.stack, 'chaos')] === 'true',
      updateState: s.UpdateStatus?.State,
      tasks: mine.sort(bySlotThenNewest).map((t) => taskRow(shortName(app.stack, s.Spec.Name), t, hostOf)),
    };
  });
  const out: AppPs = {
    app: app.name,
    server: app.server,
    stack: app.stack,
    deployed: rows.length > 0,
    services: rows,
  };
  const status = deriveStatus(app.stack, { ok: true, stacks: summariseStacks(services) }, tags);
  if (status.status === 'deployed') out.deployment = deploymentOf(status);
  return out;
}

/** The header of `app ps` (pure). */
export function deploymentOf(status: DerivedStatus): Deployment {
  const chaos = status.chaos === 'true';
  const commit = chaos ? chaosCommit(status.chaosVersion) : undefined;
  const upgrade = status.upgrade;
  const parts = [`version ${describeDeployed(status)}`];
  if (upgrade === 'latest') parts.push('latest release');
  else if (upgrade !== undefined) parts.push(`upgrade ${upgrade} available`);
  else parts.push(chaos ? 'upgrade: n/a (chaos)' : 'upgrade: unknown');
  return {
    version: status.version ?? 'unknown',
    chaos,
    ...(commit ? { chaosCommit: commit.commit, dirty: commit.dirty } : {}),
    ...(upgrade === undefined ? {} : { upgrade }),
    summary: parts.join(' · '),
  };
}

function taskRow(service: string, t: Task, hostOf: Map<string, string>): TaskRow {
  return {
    service,
    slot: t.Slot,
    node: t.NodeID,
    nodeName: t.NodeID ? (hostOf.get(t.NodeID) ?? t.NodeID) : undefined,
    state: t.Status.State,
    desired: t.DesiredState,
    since: t.Status.Timestamp,
    error: t.Status.Err || undefined,
    image: stripDigest(t.Spec.ContainerSpec.Image),
    current: t.DesiredState === 'running',
  };
}

function bySlotThenNewest(a: Task, b: Task): number {
  return (a.Slot ?? 0) - (b.Slot ?? 0) || b.CreatedAt.localeCompare(a.CreatedAt);
}

export function stripDigest(image: string): string {
  const at = image.indexOf('@sha256:');
  return at >= 0 ? image.slice(0, at) : image;
}
