import { describeProgress } from '../../domain/events/describe.js';
import type { ServiceProgress } from '../../domain/events/types.js';
import { unplaceableServices } from '../../domain/nodes/placement.js';
import { parseScaleArgs } from '../../domain/scale/parse.js';
import { shortName } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import type { Service } from '../../infra/docker/swarm-types.js';
import { watchConvergence } from '../deploy/watch.js';
import type { Deps } from '../deps.js';
import { nodeFactsOf, unplaceableError } from '../nodes/placement.js';
import { runOperation } from '../operation/run.js';
import { readStack, replicasOf } from '../stack/read.js';
import { resolveApp } from './resolve.js';

export interface ScaleResult {
  app: string;
  server: string;
  services: { service: string; from: number; to: number }[];
  ok: boolean;
  progress: Record<string, ServiceProgress>;
}

/**
 * `abra app scale <app> app=3 worker=0`: set replica counts under the app's lock, audited, and
 * wait until the tasks run like a deploy does. If they do not (a placement constraint no node
 * meets, a host port already taken), the previous counts are put back and the scheduler's reason
 * is the error, rather than tasks left pending forever.
 */
export async function appScale(
  opts: { app: string; targets: string[]; timeoutMs?: number },
  deps: Pick<Deps, 'paths' | 'docker' | 'events' | 'env' | 'signals' | 'machineId' | 'clock' | 'argv'>,
): Promise<ScaleResult> {
  const targets = parseScaleArgs(opts.targets);
  const app = await resolveApp(opts.app, deps);
  return runOperation({ kind: 'scale', app: app.name, server: app.server }, deps, async (op) => {
    const { services } = await readStack(app.docker, app.stack);
    if (services.length === 0)
      throw new UserError(`${app.name} is not deployed on ${app.server}`, {
        hint: `Deploy it first: \`abra app deploy ${app.name}\`.`,
        code: 'app_not_deployed',
      });
    const chosen = targets.map((t) => {
      const svc = services.find((s) => shortName(app.stack, s.Spec.Name) === t.service);
      if (!svc)
        throw new UserError(`No service "${t.service}" in ${app.name}`, {
          hint: `Services: ${services.map((s) => shortName(app.stack, s.Spec.Name)).join(', ')}.`,
          code: 'service_unknown',
        });
      const from = replicasOf(svc);
      if (from === undefined)
        throw new UserError(
          `${t.service} of ${app.name} is a global service: it runs one task on every node`,
          {
            hint: 'Global services cannot be scaled; change the nodes it may run on (placement constraints) instead.',
            code: 'scale_global',
          },
        );
      return { svc, from, to: t.replicas, name: t.service };
    });
    const setReplicas = async (svc: Service, replicas: number) => {
      const live = await app.docker.inspectService(svc.ID);
      const spec = structuredClone(live.Spec);
      spec.Mode = { Replicated: { Replicas: replicas } };
      op.checkpoint();
      await app.docker.updateService(svc.ID, live.Version.Index, spec);
    };
    // Tasks no node may run would stay pending until the timeout: refuse at once, naming the
    // constraint (one GET /nodes). Host ports and resources are left to the scheduler's verdict.
    const growing = chosen.filter((c) => c.to > c.from);
    if (growing.length > 0) {
      const unplaceable = unplaceableServices(
        growing.map((c) => ({
          name: c.name,
          mode: { Replicated: { Replicas: c.to } },
          placement: c.svc.Spec.TaskTemplate.Placement,
          mounts: c.svc.Spec.TaskTemplate.ContainerSpec?.Mounts,
        })),
        await nodeFactsOf(app.docker),
      );
      if (unplaceable.length > 0) throw unplaceableError(app.name, app.server, unplaceable, 'scale');
    }
    for (const c of chosen) {
      if (c.from === c.to) continue;
      await setReplicas(c.svc, c.to);
      op.changes.push(`scaled ${c.name} ${c.from} -> ${c.to}`);
      op.emit({ type: 'object', action: 'updated', kind: 'service', name: c.name });
    }
    const moved = chosen.filter((c) => c.from !== c.to);
    op.note.message = moved.map((c) => `${c.name} ${c.from} -> ${c.to}`).join(', ') || 'nothing to change';
    const result = {
      app: app.name,
      server: app.server,
      services: chosen.map((c) => ({ service: c.name, from: c.from, to: c.to })),
    };
    if (moved.length === 0) return { ...result, ok: true, progress: {} };
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const watched = moved.map((c) => ({ id: c.svc.ID, name: c.name }));
    op.emit({ type: 'waiting', services: watched.map((w) => w.name), timeoutS: timeoutMs / 1000 });
    const res = await watchConvergence(app.docker, watched, {
      deadline: Date.now() + timeoutMs,
      signal: op.signal,
      onProgress: (name, p) => op.emit({ type: 'progress', service: name, progress: p }),
    });
    if (res.ok) return { ...result, ok: true, progress: res.progress };
    // Put the previous counts back: tasks that cannot be placed would stay pending forever.
    for (const c of moved) await setReplicas(c.svc, c.from);
    op.note.result = 'rolled-back';
    const why = Object.entries(res.progress)
      .filter(([, p]) => p.state !== 'converged')
      .map(([n, p]) => `${n}: ${describeProgress(p)}`)
      .join('; ');
    throw new UserError(
      `Scaling ${app.name} did not converge, so the previous replica counts were put back: ${why}`,
      {
        where: `server ${app.server}`,
        hint: `A placement constraint no node meets, or a host port already taken, keeps tasks pending; see \`abra app ps ${app.name}\`.`,
        code: 'scale_failed',
      },
    );
  });
}
