import { includedServices, snapshotPaths, snapshotRoot } from '../../domain/backup/labels.js';
import type { Snapshot, TaskMount } from '../../domain/backup/restic.js';
import { pathCovered, type RestoreVolume, restoreScript } from '../../domain/backup/restore.js';
import { belongsTo } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import type { Service } from '../../infra/docker/swarm-types.js';
import { type ResolvedApp, resolveApp } from '../app/resolve.js';
import { watchConvergence } from '../deploy/watch.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { noBackupConfigs, readBackupConfig } from './config.js';
import type { OpContext } from './create.js';
import { resticFailure } from './failure.js';
import { type HookResult, hookFailed, runHook } from './hooks.js';
import { nodeHoldingVolumes } from './placement.js';
import { repositoryForApp, requirePasswordSecret } from './repository.js';
import { chooseSnapshot, readSnapshots } from './snapshots.js';
import { removeLeftoverTasks, runResticTask } from './task.js';

export interface RestoreResult {
  app: string;
  snapshot: Snapshot;
  services: string[];
  paths: string[];
  hooks: HookResult[];
  converged: boolean;
}

type RestoreDeps = Pick<
  Deps,
  'paths' | 'docker' | 'events' | 'env' | 'signals' | 'machineId' | 'argv' | 'clock' | 'servers'
>;

/**
 * `abra app restore <app> [snapshot] [--service s]`. Restore pre-hooks run while the services
 * still run (their containers are needed), then the affected services are scaled to 0, the
 * volumes restored by a restic task on their node (staged, then swapped in), the services
 * scaled back and watched until they converge, and the restore post-hooks run in the new
 * containers.
 */
export async function appRestore(
  opts: {
    app: string;
    snapshot?: string | undefined;
    service?: string | undefined;
    argv?: readonly string[];
    timeoutMs?: number;
  },
  deps: RestoreDeps,
): Promise<RestoreResult> {
  const app = await resolveApp(opts.app, deps);
  return runOperation({ kind: 'restore', app: app.name, server: app.server, argv: opts.argv }, deps, (op) =>
    restoreUnderLock(app, op, deps, opts),
  );
}

async function restoreUnderLock(
  app: ResolvedApp,
  op: OpContext & { note: { message?: string } },
  deps: RestoreDeps,
  opts: { snapshot?: string | undefined; service?: string | undefined; timeoutMs?: number },
): Promise<RestoreResult> {
  const { config, services } = await readBackupConfig(app);
  if (!config.discovered) throw noBackupConfigs(app);
  if (opts.service && !services.has(opts.service))
    throw new UserError(`No service "${opts.service}" in ${app.name}`, {
      hint: `Services: ${[...services.keys()].join(', ')}.`,
      code: 'service_unknown',
    });
  const repo = await repositoryForApp(app, deps);
  const secret = await requirePasswordSecret(app.docker, repo, app.server);
  op.checkpoint();
  await removeLeftoverTasks(app.docker, app.stack);
  const all = await readSnapshots(app, repo, secret, deps, { onlyApp: false, signal: op.signal });
  const snapshot = chooseSnapshot(app.name, all, opts.snapshot);
  op.emit({ type: 'info', message: `restoring snapshot ${snapshot.shortId} of ${snapshot.time}` });

  // What of the snapshot applies: the selected services' paths it holds.
  const targets: { service: string; svc: Service; volumes: RestoreVolume[]; mounts: TaskMount[] }[] = [];
  for (const s of includedServices(config)) {
    if (opts.service && s.service !== opts.service) continue;
    const volumes: RestoreVolume[] = [];
    const mounts: TaskMount[] = [];
    for (const v of s.volumes) {
      const paths = snapshotPaths(v).filter((p) => pathCovered(p, snapshot.paths));
      if (paths.length === 0) continue;
      volumes.push({ volume: v.volume, paths });
      mounts.push({ type: 'volume', source: v.source, target: snapshotRoot(v.volume), readOnly: false });
    }
    if (volumes.length > 0)
      targets.push({ service: s.service, svc: services.get(s.service)!, volumes, mounts });
  }
  if (targets.length === 0)
    throw new UserError(
      `Snapshot ${snapshot.shortId} holds nothing of ${opts.service ?? app.name} to restore`,
      {
        hint: `See what it holds with \`abra app backup ls ${app.name}\`.`,
        code: 'backup_snapshot_unrelated',
      },
    );
  for (const t of targets) {
    if (!belongsTo(app.stack, t.svc.Spec.Labels))
      throw new Error(`service ${t.svc.Spec.Name} is not ${app.stack}'s`);
    if (!('Replicated' in t.svc.Spec.Mode))
      throw new UserError(
        `Service ${t.service} of ${app.name} is not replicated and cannot be stopped for a restore`,
        {
          code: 'restore_service_global',
        },
      );
  }
  // The node of each service's volumes, read before anything stops.
  const byNode = new Map<string, { volumes: RestoreVolume[]; mounts: TaskMount[] }>();
  for (const t of targets) {
    const node = await nodeHoldingVolumes(app.docker, t.svc);
    const e = byNode.get(node) ?? { volumes: [], mounts: [] };
    for (const v of t.volumes) if (!e.volumes.some((x) => x.volume === v.volume)) e.volumes.push(v);
    for (const m of t.mounts) if (!e.mounts.some((x) => x.source === m.source)) e.mounts.push(m);
    byNode.set(node, e);
  }
  const hooks: HookResult[] = [];
  const hookDeps = { clock: deps.clock, emit: op.emit };
  const hookOf = (service: string) => config.services.find((s) => s.service === service);
  for (const t of targets) {
    const s = hookOf(t.service);
    const cmd = s?.included ? s.hooks.restorePre : undefined;
    if (!cmd) continue;
    op.checkpoint();
    const r = await runHook(app, t.service, 'pre-restore', cmd, hookDeps);
    hooks.push(r);
    if (hookFailed(r))
      throw new UserError(
        `The pre-restore hook of ${t.service} failed (${r.error ?? `exit ${r.exitCode}`}); nothing was restored`,
        {
          where: `${app.name}, service ${t.service}`,
          code: 'restore_pre_hook_failed',
        },
      );
  }

  // Stop, restore, start again: the services come back whatever happens in between.
  const replicas = new Map<string, number>();
  let converged = false;
  try {
    for (const t of targets) {
      const current = await app.docker.inspectService(t.svc.ID);
      const mode = current.Spec.Mode as { Replicated: { Replicas?: number } };
      replicas.set(t.svc.ID, mode.Replicated.Replicas ?? 1);
      const spec = structuredClone(current.Spec);
      spec.Mode = { Replicated: { Replicas: 0 } };
      op.checkpoint();
      await app.docker.updateService(current.ID, current.Version.Index, spec);
      op.changes.push(`scaled ${t.service} to 0 (was ${replicas.get(t.svc.ID)})`);
      op.emit({ type: 'object', action: 'updated', kind: 'service', name: t.service });
    }
    await waitStopped(
      app,
      targets.map((t) => t.svc.ID),
      deps,
    );
    for (const [node, e] of byNode) {
      op.checkpoint();
      const outcome = await runResticTask(
        {
          docker: app.docker,
          stack: app.stack,
          purpose: 'restore',
          nodeId: node,
          argv: ['/bin/sh', '-c', restoreScript(snapshot.id, e.volumes)],
          mounts: e.mounts,
          repository: repo,
          secret,
        },
        deps,
        { signal: op.signal },
      );
      if (outcome.exitCode !== 0 || !outcome.lines.includes('abra-restore-done'))
        throw resticFailure(outcome, `The restore of ${app.name}`, { repo, server: app.server });
      op.changes.push(`restored ${e.volumes.map((v) => v.volume).join(', ')} from ${snapshot.shortId}`);
    }
  } finally {
    const back: { id: string; name: string }[] = [];
    for (const t of targets) {
      const n = replicas.get(t.svc.ID);
      if (n === undefined) continue;
      const current = await app.docker.inspectService(t.svc.ID);
      const spec = structuredClone(current.Spec);
      spec.Mode = { Replicated: { Replicas: n } };
      await app.docker.updateService(current.ID, current.Version.Index, spec);
      op.changes.push(`scaled ${t.service} back to ${n}`);
      back.push({ id: t.svc.ID, name: t.service });
    }
    if (back.length > 0) {
      const timeoutMs = opts.timeoutMs ?? 300_000;
      op.emit({ type: 'waiting', services: back.map((b) => b.name), timeoutS: timeoutMs / 1000 });
      const res = await watchConvergence(app.docker, back, {
        deadline: Date.now() + timeoutMs,
        onProgress: (name, p) => op.emit({ type: 'progress', service: name, progress: p }),
      });
      converged = res.ok;
    }
  }
  for (const t of targets) {
    const s = hookOf(t.service);
    const cmd = s?.included ? s.hooks.restorePost : undefined;
    if (!cmd) continue;
    const r = await runHook(app, t.service, 'post-restore', cmd, hookDeps, 10);
    hooks.push(r);
    if (hookFailed(r))
      throw new UserError(
        `The post-restore hook of ${t.service} failed (${r.error ?? `exit ${r.exitCode}`})`,
        {
          where: `${app.name}, service ${t.service}`,
          hint: `The volumes hold snapshot ${snapshot.shortId}; run the hook by hand with \`abra app run ${app.name} ${t.service}\`.`,
          code: 'restore_post_hook_failed',
        },
      );
  }
  if (!converged)
    throw new UserError(`${app.name} was restored from ${snapshot.shortId} but did not converge again`, {
      hint: `See \`abra app ps ${app.name}\` and \`abra app logs ${app.name}\`.`,
      code: 'restore_not_converged',
    });
  op.note.message = `restored snapshot ${snapshot.shortId}`;
  return {
    app: app.name,
    snapshot,
    services: targets.map((t) => t.service),
    paths: targets.flatMap((t) => t.volumes.flatMap((v) => v.paths)),
    hooks,
    converged,
  };
}

const ACTIVE = new Set([
  'new',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
]);

/** Until no task of these services is running or about to (their containers have stopped). */
async function waitStopped(app: ResolvedApp, ids: string[], deps: Pick<Deps, 'clock'>): Promise<void> {
  const deadline = deps.clock.now() + 120_000;
  for (;;) {
    const tasks = await app.docker.tasks({ service: ids });
    const active = tasks.filter((t) => ACTIVE.has(t.Status.State));
    if (active.length === 0) return;
    if (deps.clock.now() > deadline)
      throw new UserError(`The services of ${app.name} did not stop within 120s for the restore`, {
        hint: `See \`abra app ps ${app.name}\`.`,
        code: 'restore_stop_timeout',
      });
    await deps.clock.sleep(250);
  }
}
