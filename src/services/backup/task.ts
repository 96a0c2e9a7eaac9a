import { randomBytes } from 'node:crypto';
import type { Repository } from '../../domain/backup/restic.js';
import {
  DEFAULT_RESTIC_IMAGE,
  REMOVE_DEAD_LOCKS_SCRIPT,
  type ResticTask,
  resticTaskSpec,
  type TaskMount,
} from '../../domain/backup/restic.js';
import { BACKUP_TASK_LABEL } from '../../domain/stack/contract.js';
import { errorMessage, UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { SwarmObject, Task } from '../../infra/docker/swarm-types.js';
import type { Deps } from '../deps.js';

/** Lines kept from a task's output: restic's JSON summary is near the end; status lines are many. */
const MAX_LINES = 2000;
/** The longest a restic task may run (a first backup of a large volume to a slow remote). */
const MAX_TASK_MS = 6 * 3600_000;
const TERMINAL = new Set(['complete', 'failed', 'rejected', 'shutdown', 'orphaned', 'remove']);

export interface TaskOutcome {
  exitCode: number | undefined;
  state: string;
  /** The engine's reason when the task never ran (a missing image, a bad mount). */
  err: string | undefined;
  lines: string[];
  /** The task container's host name (random): restic writes it into the locks it takes. */
  hostname?: string;
}

export interface TaskRun {
  docker: DockerClient;
  /** The stack the task works for (its label; leftovers are found by it). */
  stack: string;
  /** A word for the task's name: backup, restore, snapshots, forget, init. */
  purpose: string;
  nodeId: string;
  argv: string[];
  mounts: TaskMount[];
  repository: Repository;
  secret: SwarmObject;
  env?: string[];
  /** Mount a local repository's parent instead (restic init creates the directory). */
  repositoryParent?: boolean;
}

export function resticImage(deps: Pick<Deps, 'env'>): string {
  return deps.env.ABRA_RESTIC_IMAGE || DEFAULT_RESTIC_IMAGE;
}

/** A local repository is a directory on the node: bind-mounted at the same path. */
export function repositoryMounts(repo: Repository, opts: { parent?: boolean } = {}): TaskMount[] {
  if (repo.kind !== 'local') return [];
  const path = opts.parent ? repo.path.replace(/\/[^/]*$/, '') || '/' : repo.path;
  return [{ type: 'bind', source: path, target: path, readOnly: false }];
}

/**
 * Run restic once as a swarm job pinned to a node, wait for it to end, read its output through
 * the service logs API (which reaches every node through the manager) and remove the service,
 * whatever happened. Memory stays flat: only the last lines are kept.
 */
export async function runResticTask(
  t: TaskRun,
  deps: Pick<Deps, 'env' | 'clock'>,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<TaskOutcome> {
  const prefix = `abra-${t.purpose}-${t.stack}`.slice(0, 50);
  const rand = randomBytes(4).toString('hex');
  const name = `${prefix}-${rand}`;
  // A host name of this task alone: the locks a killed run leaves can be told from live ones.
  const hostname = `abra-${t.purpose}-${rand}`;
  const task: ResticTask = {
    name,
    image: resticImage(deps),
    argv: t.argv,
    nodeId: t.nodeId,
    mounts: [...t.mounts, ...repositoryMounts(t.repository, { parent: t.repositoryParent === true })],
    secret: { id: t.secret.ID, name: t.secret.Spec.Name },
    repository: t.repository.url,
    ...(t.env ? { env: t.env } : {}),
    labels: { [BACKUP_TASK_LABEL]: t.stack },
    hostname,
  };
  const { ID } = await t.docker.createService(resticTaskSpec(task));
  try {
    const deadline = deps.clock.now() + (opts.timeoutMs ?? MAX_TASK_MS);
    let last: Task | undefined;
    for (;;) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      const tasks = await t.docker.tasks({ service: [ID] });
      last = tasks.sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt))[0];
      if (last && TERMINAL.has(last.Status.State)) break;
      if (deps.clock.now() > deadline)
        throw new UserError(
          `The restic ${t.purpose} task did not finish in time (${last?.Status.State ?? 'no task'})`,
          {
            where: `server ${t.docker.server}`,
            code: 'backup_task_timeout',
          },
        );
      await deps.clock.sleep(last && last.Status.State === 'running' ? 300 : 150);
    }
    const lines: string[] = [];
    try {
      for await (const l of t.docker.serviceLogs(ID, { stdout: true, stderr: true })) {
        lines.push(l.line);
        if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
      }
    } catch (err) {
      lines.push(`(the task's output could not be read: ${errorMessage(err)})`);
    }
    return {
      // A rejected task never ran (a missing image or mount source): no exit code to believe.
      exitCode:
        last.Status.State === 'complete' || last.Status.State === 'failed'
          ? (last.Status.ContainerStatus?.ExitCode ?? (last.Status.State === 'complete' ? 0 : 1))
          : undefined,
      state: last.Status.State,
      err: last.Status.Err,
      lines,
      hostname,
    };
  } finally {
    await removeTaskService(t.docker, ID);
  }
}

/** The label swarm puts on a task's container naming its service. */
const SERVICE_ID_LABEL = 'com.docker.swarm.service.id';

/**
 * Remove a task service and its containers: swarm leaves the stopped container of a completed
 * job behind after the service is gone, and it would keep the app's volumes in use. The
 * containers live on the task's node, reached through a gateway when that is not the
 * manager abra connects to.
 */
export async function removeTaskService(docker: DockerClient, id: string): Promise<void> {
  const nodes = new Set(
    (await docker.tasks({ service: [id] }).catch(() => [] as Task[])).map((t) => t.NodeID ?? ''),
  );
  await docker.removeService(id).catch(() => undefined);
  if (nodes.size === 0) nodes.add('');
  for (const node of nodes) {
    const engine = await docker.forNode(node).catch(() => undefined);
    if (!engine) continue;
    const left = await engine.containers({ label: [`${SERVICE_ID_LABEL}=${id}`] }).catch(() => []);
    for (const c of left) await engine.removeContainer(c.Id, true).catch(() => undefined);
  }
}

/**
 * Task services of this stack left by an interrupted run. Read-only runs (backup ls, download)
 * take no lock and may be live: a task still running is left alone unless it is older than the
 * longest a task may take.
 */
export async function removeLeftoverTasks(
  docker: DockerClient,
  stack: string,
  now = Date.now(),
): Promise<string[]> {
  const left = await docker.services({ label: [`${BACKUP_TASK_LABEL}=${stack}`] });
  const removed: string[] = [];
  for (const s of left) {
    if (s.Spec.Labels?.[BACKUP_TASK_LABEL] !== stack) continue;
    const tasks = await docker.tasks({ service: [s.ID] });
    const live = tasks.some((t) => !TERMINAL.has(t.Status.State));
    if (live && now - Date.parse(s.CreatedAt) < MAX_TASK_MS) continue;
    await removeTaskService(docker, s.ID);
    removed.push(s.Spec.Name);
  }
  // Stopped containers of task services already gone (a run killed between the two removals).
  const stopped = await docker.containers({
    label: [`${BACKUP_TASK_LABEL}=${stack}`],
    status: ['exited', 'created', 'dead'],
  });
  for (const c of stopped) {
    if (c.Labels?.[BACKUP_TASK_LABEL] !== stack) continue;
    await docker.removeContainer(c.Id).catch(() => undefined);
  }
  return removed;
}

/** The node abra's server connects to (where tasks without volumes run). */
export async function managerNode(docker: DockerClient): Promise<string> {
  const info = await docker.info();
  const id = info.Swarm?.NodeID;
  if (!id)
    throw new UserError(`Server ${docker.server} is not part of a swarm`, {
      hint: 'Run `docker swarm init` on it.',
      code: 'swarm_inactive',
    });
  return id;
}

/**
 * After a restic task died (killed, out of memory), remove the locks it left in a local
 * repository, which would make `restic check`, forget and prune fail until they expire (30
 * minutes, and only for a restic on the same host). Only locks written from that task's own
 * host name go. Remote repositories are left alone (restic cannot delete one lock there).
 * Best effort: returns the ids removed, or undefined when the clean-up itself failed.
 */
export async function removeDeadTaskLocks(
  t: Omit<TaskRun, 'argv' | 'purpose' | 'mounts' | 'env' | 'repositoryParent'>,
  deadHostname: string,
  deps: Pick<Deps, 'env' | 'clock'>,
): Promise<string[] | undefined> {
  if (t.repository.kind !== 'local') return [];
  try {
    const out = await runResticTask(
      {
        ...t,
        purpose: 'unlock',
        argv: ['sh', '-c', REMOVE_DEAD_LOCKS_SCRIPT],
        mounts: [],
        env: [`DEAD_HOST=${deadHostname}`, `REPO_PATH=${t.repository.path}`],
      },
      deps,
      { timeoutMs: 120_000 },
    );
    if (out.exitCode !== 0) return undefined;
    return out.lines.flatMap((l) => /^removed ([0-9a-f]{64})$/.exec(l.trim())?.[1] ?? []);
  } catch {
    return undefined;
  }
}
