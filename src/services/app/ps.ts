import { abraLabel, shortName } from '../../domain/stack/contract.js';
import type { Task } from '../../infra/docker/swarm-types.js';
import type { Deps } from '../deps.js';
import { readStack, replicasOf, stackTasks } from '../stack/read.js';
import { resolveApp } from './resolve.js';

export interface TaskRow {
  service: string;
  slot: number | undefined;
  node: string | undefined;
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

export interface AppPs {
  app: string;
  server: string;
  stack: string;
  deployed: boolean;
  services: ServiceRow[];
}

/** Services and their tasks for one app: three API calls whatever the app's size. */
export async function appPs(
  opts: { app: string; all: boolean },
  deps: Pick<Deps, 'paths' | 'docker'>,
): Promise<AppPs> {
  const app = await resolveApp(opts.app, deps);
  const [{ services }, tasks] = await Promise.all([
    readStack(app.docker, app.stack),
    stackTasks(app.docker, app.stack),
  ]);
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
      tasks: mine
        .sort(bySlotThenNewest)
        .map((t) => taskRow(shortName(app.stack, s.Spec.Name), t, s.Version.Index)),
    };
  });
  return { app: app.name, server: app.server, stack: app.stack, deployed: rows.length > 0, services: rows };
}

function taskRow(service: string, t: Task, _serviceVersion: number): TaskRow {
  return {
    service,
    slot: t.Slot,
    node: t.NodeID,
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
