import type { ServiceProgress } from '../../domain/events/types.js';
import { canonicalJson } from '../../domain/plan/canonical.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { Service, Task } from '../../infra/docker/swarm-types.js';
import { replicasOf } from '../stack/read.js';

export interface WatchTarget {
  id: string;
  /** Short service name for messages (`app`, `db`). */
  name: string;
}

export type { ServiceProgress };

export interface WatchOptions {
  deadline: number;
  /** Called whenever a service's progress text changes. */
  onProgress?: (name: string, progress: ServiceProgress) => void;
  /** How many failed tasks of the new spec count as "this version does not start". */
  maxTaskFailures?: number;
  pollMs?: number;
  /** After an event, wait this long for the rest of its burst before reading (default 30 ms). */
  settleMs?: number;
  /** Watching a rollback: swarm's rollback states are progress, not failure. */
  rollingBack?: boolean;
  signal?: AbortSignal;
}

export interface WatchResult {
  ok: boolean;
  timedOut: boolean;
  progress: Record<string, ServiceProgress>;
}

const FAILED_STATES = new Set(['failed', 'rejected']);
const SWARM_GAVE_UP = new Set(['paused', 'rollback_started', 'rollback_paused', 'rollback_completed']);
const ROLLBACK_AS_UPDATE: Record<string, string> = {
  rollback_started: 'updating',
  rollback_completed: 'completed',
  rollback_paused: 'paused',
};

/**
 * Decide one service's state from its spec and tasks. Tasks created since the service's last
 * update belong to the submitted spec; success means every slot runs one of them (a task with
 * a healthcheck only reaches `running` once healthy) and swarm's own update has completed.
 */
export function assessService(
  service: Service,
  tasks: Task[],
  maxTaskFailures: number,
  rollingBack = false,
): ServiceProgress {
  // A task runs the submitted version when its spec is the service's task template: timestamps
  // cannot tell (UpdatedAt moves with update progress, and a fresh update may not have started).
  const template = taskKey(service.Spec.TaskTemplate);
  const current = tasks.filter((t) => t.ServiceID === service.ID && taskKey(t.Spec) === template);
  const desired = replicasOf(service) ?? service.ServiceStatus?.DesiredTasks ?? 1;
  const running = current.filter((t) => t.DesiredState === 'running' && t.Status.State === 'running').length;
  const failed = current.filter((t) => FAILED_STATES.has(t.Status.State));
  const raw = service.UpdateStatus?.State;
  const update = rollingBack && raw !== undefined ? (ROLLBACK_AS_UPDATE[raw] ?? raw) : raw;
  if (update && SWARM_GAVE_UP.has(update)) {
    // Swarm has already put the old spec back, so the task that failed ran the new one.
    const anyFailed = tasks.filter((t) => t.ServiceID === service.ID && FAILED_STATES.has(t.Status.State));
    return {
      state: 'failed',
      reason: `swarm stopped the update (${update}): ${service.UpdateStatus?.Message ?? ''}`.trim(),
      taskError: lastError(failed.length ? failed : anyFailed),
    };
  }
  const rejected = failed.find((t) => t.Status.State === 'rejected');
  if (rejected) return { state: 'failed', reason: 'a task was rejected', taskError: errorOf(rejected) };
  if (failed.length >= maxTaskFailures) {
    return {
      state: 'failed',
      reason: `${failed.length} tasks of the new version failed`,
      taskError: lastError(failed),
    };
  }
  if (running >= desired && (update === undefined || update === 'completed'))
    return { state: 'converged', running, desired };
  const starting = current.filter((t) => t.DesiredState === 'running' && t.Status.State !== 'running');
  // The scheduler explains a stuck task in Err ("no suitable node (host-mode port already in use)").
  const stuck = starting.find((t) => t.Status.Err)?.Status.Err;
  const detail = stuck
    ? `${starting.map((t) => t.Status.State).join(', ')}: ${stuck}`
    : starting.length > 0
      ? starting.map((t) => t.Status.State).join(', ')
      : update === 'updating'
        ? 'updating'
        : desired === 0
          ? 'scaled to 0'
          : 'waiting for tasks';
  if (desired === 0 && (update === undefined || update === 'completed'))
    return { state: 'converged', running, desired };
  return { state: 'pending', running, desired, detail };
}

/** Tasks do not repeat the default runtime their service spec reports. */
function taskKey(spec: object): string {
  const { Runtime, ...rest } = spec as { Runtime?: string };
  return canonicalJson(Runtime === 'container' ? rest : spec);
}

/** Go prints RFC 3339 with trailing zeros of the fraction dropped: pad it so text compares. */
export function comparableTime(ts: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(ts);
  if (!m) return ts;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}`;
}

function errorOf(t: Task): string {
  const exit = t.Status.ContainerStatus?.ExitCode;
  return [t.Status.Err, t.Status.Message, exit ? `exit code ${exit}` : undefined].filter(Boolean).join('; ');
}

function lastError(tasks: Task[]): string | undefined {
  const t = [...tasks].sort((a, b) =>
    comparableTime(b.UpdatedAt).localeCompare(comparableTime(a.UpdatedAt)),
  )[0];
  return t ? errorOf(t) : undefined;
}

/**
 * Watch services until all converge, one fails, or the deadline passes. The engine's event
 * stream wakes the loop as soon as something happens; a short poll covers engines (or
 * SSH hops) that deliver events late.
 */
export async function watchConvergence(
  docker: DockerClient,
  targets: WatchTarget[],
  opts: WatchOptions,
): Promise<WatchResult> {
  const progress: Record<string, ServiceProgress> = {};
  const maxFailures = opts.maxTaskFailures ?? 3;
  const stopEvents = new AbortController();
  const abort = () => stopEvents.abort();
  opts.signal?.addEventListener('abort', abort, { once: true });
  let wake: (() => void) | undefined;
  // An event while a poll is in flight may come after the state that poll read: read again.
  let missed = false;
  void (async () => {
    try {
      for await (const _ of docker.events({
        filters: { type: ['service', 'container'] },
        signal: stopEvents.signal,
      }))
        if (wake) wake();
        else missed = true;
    } catch {
      // Events are an accelerator only; polling carries on.
    }
  })();
  try {
    const settleMs = opts.settleMs ?? 30;
    for (;;) {
      missed = false;
      const [services, tasks] = await Promise.all([
        Promise.all(targets.map((t) => docker.inspectService(t.id))),
        docker.tasks({ service: targets.map((t) => t.id) }),
      ]);
      let allDone = true;
      let anyFailed = false;
      targets.forEach((t, i) => {
        const p = assessService(services[i] as Service, tasks, maxFailures, opts.rollingBack);
        const before = progress[t.name];
        if (JSON.stringify(before) !== JSON.stringify(p)) opts.onProgress?.(t.name, p);
        progress[t.name] = p;
        if (p.state !== 'converged') allDone = false;
        if (p.state === 'failed') anyFailed = true;
      });
      if (allDone || anyFailed) return { ok: allDone, timedOut: false, progress };
      if (Date.now() >= opts.deadline || opts.signal?.aborted) return { ok: false, timedOut: true, progress };
      await new Promise<void>((resolve) => {
        // Let the burst of events for one change settle before re-reading.
        if (missed) {
          setTimeout(resolve, settleMs);
          return;
        }
        const timer = setTimeout(
          resolve,
          Math.min(opts.pollMs ?? 250, Math.max(0, opts.deadline - Date.now())),
        );
        wake = () => {
          clearTimeout(timer);
          setTimeout(resolve, settleMs);
        };
      });
      wake = undefined;
    }
  } finally {
    stopEvents.abort();
    opts.signal?.removeEventListener('abort', abort);
  }
}
