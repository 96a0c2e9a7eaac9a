import { shortName } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { Task } from '../../infra/docker/swarm-types.js';
import { readStack } from '../stack/read.js';
import type { ResolvedApp } from './resolve.js';

/** A running task of one service and the engine that reaches its container. */
export interface TaskTarget {
  service: string;
  task: Task;
  containerId: string;
  nodeId: string;
  /** The engine to exec in / copy through (see engineForTask). */
  docker: DockerClient;
}

/**
 * The service's running task (desired and actual state running; the lowest slot, newest
 * first when several), its container and the engine that reaches it. No running task: a
 * UserError naming the service's state and its last task's fate.
 */
export async function runningTask(app: ResolvedApp, service: string): Promise<TaskTarget> {
  const { services } = await readStack(app.docker, app.stack);
  if (services.length === 0)
    throw new UserError(`${app.name} is not deployed on ${app.server}`, {
      hint: `Deploy it with \`abra app deploy ${app.name}\`.`,
      code: 'app_not_deployed',
    });
  const svc = services.find((s) => shortName(app.stack, s.Spec.Name) === service);
  if (!svc)
    throw new UserError(`No service "${service}" in ${app.name}`, {
      hint: `Services: ${services.map((s) => shortName(app.stack, s.Spec.Name)).join(', ')}.`,
      code: 'service_unknown',
    });
  const tasks = await app.docker.tasks({ service: [svc.ID] });
  const running = tasks
    .filter(
      (t) =>
        t.DesiredState === 'running' && t.Status.State === 'running' && t.Status.ContainerStatus?.ContainerID,
    )
    .sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0) || b.Status.Timestamp.localeCompare(a.Status.Timestamp));
  const task = running[0];
  if (!task) {
    const desired =
      'Replicated' in svc.Spec.Mode
        ? String(svc.Spec.Mode.Replicated.Replicas ?? 1)
        : String(svc.ServiceStatus?.DesiredTasks ?? '?');
    const last = [...tasks].sort((a, b) => b.Status.Timestamp.localeCompare(a.Status.Timestamp))[0];
    const fate = last
      ? `; last task: ${last.Status.State}${last.Status.Err ? `: ${last.Status.Err}` : last.Status.Message ? ` (${last.Status.Message})` : ''}`
      : '; it has no tasks';
    throw new UserError(
      `Service ${service} of ${app.name} has no running task (0/${desired} running${fate})`,
      {
        hint: `See \`abra app ps ${app.name}\` and \`abra app logs ${app.name} ${service}\`; redeploy with \`abra app deploy ${app.name}\`.`,
        code: 'no_running_task',
      },
    );
  }
  return {
    service,
    task,
    containerId: task.Status.ContainerStatus!.ContainerID!,
    nodeId: task.NodeID ?? '',
    docker: await engineForTask(app, task),
  };
}

/**
 * Which engine reaches a task's container. Containers are node-local: exec and the archive
 * endpoints only work on the engine of the node the task runs on. A task on another node of
 * the swarm is reached through the manager by a gateway (infra/docker/gateway.ts), so the
 * operator needs no SSH access to workers.
 */
export function engineForTask(app: ResolvedApp, task: Task): Promise<DockerClient> {
  return app.docker.forNode(task.NodeID ?? '');
}
