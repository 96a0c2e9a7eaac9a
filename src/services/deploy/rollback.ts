import type { EventSink } from '../../domain/events/types.js';
import { canonicalJson } from '../../domain/plan/canonical.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { removeStack } from '../app/undeploy.js';
import type { Applied } from '../release/apply.js';
import { belongsTo } from '../stack/read.js';
import { watchConvergence } from './watch.js';

/**
 * Undo an apply: services it updated get their previous spec back (unless swarm's own
 * failure_action already did that), services it created are removed, services it pruned are
 * created again; a failed first deploy is undeployed entirely. Volumes and secrets are never
 * touched. Returns whether the app converged back.
 */
export async function rollBack(
  docker: DockerClient,
  stack: string,
  applied: Applied,
  opts: { fresh: boolean; app: string; server: string; events: EventSink; timeoutMs?: number },
): Promise<boolean> {
  const emit = opts.events;
  emit({ type: 'rollback', phase: 'started', fresh: opts.fresh });
  if (opts.fresh) {
    await removeStack(docker, stack, {
      app: opts.app,
      server: opts.server,
      timeoutMs: 120_000,
      events: emit,
    });
    emit({ type: 'rollback', phase: 'done', fresh: true });
    return true;
  }
  for (const c of applied.created) {
    await docker.removeService(c.id).then(
      () => emit({ type: 'object', action: 'removed', kind: 'service', name: c.name }),
      (err: unknown) =>
        emit({ type: 'warning', message: `could not remove ${c.name}: ${(err as Error).message}` }),
    );
  }
  const targets: { id: string; name: string }[] = [];
  for (const r of applied.removed) {
    const res = await docker.createService(r.previous);
    emit({ type: 'object', action: 'created', kind: 'service', name: r.name });
    targets.push({ id: res.ID, name: r.name });
  }
  for (const u of applied.updated) {
    const live = await docker.inspectService(u.id);
    if (!belongsTo(stack, live.Spec.Labels)) continue;
    const same =
      canonicalJson({ ...live.Spec, TaskTemplate: { ...live.Spec.TaskTemplate, ForceUpdate: 0 } }) ===
      canonicalJson({ ...u.previous, TaskTemplate: { ...u.previous.TaskTemplate, ForceUpdate: 0 } });
    if (same) {
      emit({ type: 'debug', message: `${u.name}: swarm already rolled back` });
    } else {
      await docker.updateService(u.id, live.Version.Index, u.previous);
      emit({ type: 'object', action: 'updated', kind: 'service', name: u.name });
    }
    targets.push({ id: u.id, name: u.name });
  }
  if (targets.length === 0) {
    emit({ type: 'rollback', phase: 'done', fresh: false });
    return true;
  }
  const timeoutMs = opts.timeoutMs ?? 120_000;
  emit({ type: 'waiting', services: targets.map((t) => t.name), timeoutS: timeoutMs / 1000, rollback: true });
  const res = await watchConvergence(docker, targets, {
    deadline: Date.now() + timeoutMs,
    rollingBack: true,
    onProgress: (name, p) => emit({ type: 'progress', service: name, progress: p, rollback: true }),
  });
  emit({ type: 'rollback', phase: res.ok ? 'done' : 'incomplete', fresh: false });
  return res.ok;
}
