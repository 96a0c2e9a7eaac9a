import {
  includedServices,
  type ServiceBackup,
  snapshotPaths,
  snapshotRoot,
} from '../../domain/backup/labels.js';
import {
  type BackupSummary,
  parseBackupSummary,
  SNAPSHOT_HOST,
  snapshotTags,
  type TaskMount,
} from '../../domain/backup/restic.js';
import type { EventSink } from '../../domain/events/types.js';
import { Cancelled, errorMessage, isExpectedError, UserError } from '../../errors.js';
import { listAppEnvFiles } from '../../infra/store/env-files.js';
import { type ResolvedApp, resolveApp } from '../app/resolve.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { noBackupConfigs, readBackupConfig } from './config.js';
import { resticFailure } from './failure.js';
import { type HookResult, hookFailed, runHook } from './hooks.js';
import { nodeHoldingVolumes } from './placement.js';
import { repositoryForApp, requirePasswordSecret } from './repository.js';
import { removeDeadTaskLocks, removeLeftoverTasks, runResticTask } from './task.js';

/** What a backup or restore needs from the operation it runs in (runOperation's `op`). */
export interface OpContext {
  emit: EventSink;
  checkpoint(): void;
  changes: string[];
  signal: AbortSignal;
}

export interface NodeSnapshot {
  node: string;
  services: string[];
  volumes: string[];
  summary: BackupSummary;
}

export interface BackupRun {
  app: string;
  server: string;
  repository: string;
  services: ServiceBackup[];
  snapshots: NodeSnapshot[];
  hooks: HookResult[];
  durationMs: number;
}

export type BackupDeps = Pick<Deps, 'servers' | 'env' | 'clock'>;

/**
 * Back up an app inside an operation that holds its lock (app backup create, app upgrade):
 * pre-hooks in the containers, then one restic task per node holding selected volumes, then
 * post-hooks, which run whatever happened before them.
 */
export async function takeBackup(
  app: ResolvedApp,
  ctx: OpContext,
  deps: BackupDeps,
  opts: { service?: string | undefined } = {},
): Promise<BackupRun> {
  const started = deps.clock.now();
  const { config, services, version } = await readBackupConfig(app);
  if (!config.discovered) throw noBackupConfigs(app);
  if (opts.service && !services.has(opts.service))
    throw new UserError(`No service "${opts.service}" in ${app.name}`, {
      hint: `Services: ${[...services.keys()].join(', ')}.`,
      code: 'service_unknown',
    });
  for (const s of config.services) {
    if (!s.included) ctx.emit({ type: 'info', message: `${s.service}: skipped (${s.reason})` });
    else for (const w of s.warnings) ctx.emit({ type: 'warning', message: `${s.service}: ${w}` });
  }
  const chosen = includedServices(config).filter((s) => !opts.service || s.service === opts.service);
  if (chosen.length === 0) {
    const skipped = config.services.find((s) => s.service === opts.service);
    throw new UserError(
      opts.service
        ? `Service ${opts.service} of ${app.name} is not backed up (${skipped && !skipped.included ? skipped.reason : 'no volume'})`
        : `No service of ${app.name} has backups enabled`,
      { hint: `See \`abra app labels ${app.name}\`.`, code: 'backup_nothing_selected' },
    );
  }
  const repo = await repositoryForApp(app, deps);
  const secret = await requirePasswordSecret(app.docker, repo, app.server);
  ctx.checkpoint();
  for (const name of await removeLeftoverTasks(app.docker, app.stack))
    ctx.emit({ type: 'info', message: `removed the leftover task ${name} of an interrupted run` });

  // Nodes first (a read), so a failure there runs no hook at all.
  const byNode = new Map<string, { services: string[]; mounts: Map<string, TaskMount>; paths: string[] }>();
  type NodeEntry = { services: string[]; mounts: Map<string, TaskMount>; paths: string[] };
  for (const s of chosen) {
    const node = await nodeHoldingVolumes(app.docker, services.get(s.service)!);
    const entry: NodeEntry = byNode.get(node) ?? { services: [], mounts: new Map(), paths: [] };
    entry.services.push(s.service);
    for (const v of s.volumes) {
      entry.mounts.set(v.source, {
        type: 'volume',
        source: v.source,
        target: snapshotRoot(v.volume),
        readOnly: true,
      });
      entry.paths.push(...snapshotPaths(v));
    }
    byNode.set(node, entry);
  }

  const hooks: HookResult[] = [];
  const snapshots: NodeSnapshot[] = [];
  const hookDeps = { clock: deps.clock, emit: ctx.emit };
  let failure: unknown;
  try {
    for (const s of chosen) {
      if (!s.hooks.backupPre) continue;
      ctx.checkpoint();
      const r = await runHook(app, s.service, 'pre-backup', s.hooks.backupPre, hookDeps);
      hooks.push(r);
      if (hookFailed(r))
        throw new UserError(
          `The pre-backup hook of ${s.service} failed (${r.error ?? `exit ${r.exitCode}`}); the backup was not taken`,
          {
            where: `${app.name}, service ${s.service}`,
            hint: `Run the hook by hand to see why: \`abra app run ${app.name} ${s.service} -- sh -c '${s.hooks.backupPre.replaceAll("'", "'\\''")}'\`.`,
            code: 'backup_pre_hook_failed',
          },
        );
    }
    for (const [node, entry] of byNode) {
      ctx.checkpoint();
      const paths = [...new Set(entry.paths)].sort();
      ctx.emit({ type: 'info', message: `backing up ${paths.join(', ')} on node ${node.slice(0, 12)}` });
      ctx.emit({ type: 'status', message: `restic backup of ${paths.join(', ')} running` });
      const outcome = await runResticTask(
        {
          docker: app.docker,
          stack: app.stack,
          purpose: 'backup',
          nodeId: node,
          argv: [
            'restic',
            'backup',
            '--json',
            // No status lines: only the summary, which is all abra reads.
            '--quiet',
            // One host for every snapshot (each task's own host name is random).
            '--host',
            SNAPSHOT_HOST,
            ...snapshotTags({ app: app.name, services: entry.services, version }).flatMap((t) => [
              '--tag',
              t,
            ]),
            ...paths,
          ],
          mounts: [...entry.mounts.values()],
          repository: repo,
          secret,
        },
        deps,
        { signal: ctx.signal },
      );
      ctx.emit({ type: 'status', message: undefined });
      const summary = outcome.exitCode === 0 ? parseBackupSummary(outcome.lines) : undefined;
      if (!summary) {
        const error = resticFailure(outcome, `The backup of ${app.name}`, { repo, server: app.server });
        if (outcome.hostname && outcome.exitCode !== undefined && outcome.exitCode !== 0) {
          // A restic that died (killed, out of memory) leaves its lock in the repository.
          const removed = await removeDeadTaskLocks(
            { docker: app.docker, stack: app.stack, nodeId: node, repository: repo, secret },
            outcome.hostname,
            deps,
          );
          if (removed === undefined)
            ctx.emit({
              type: 'warning',
              message: `could not check ${repo.url} for a lock left by the failed restic run; if \`restic check\` says it is locked, run \`restic unlock --remove-all\` once no backup is running`,
            });
          else if (removed.length > 0)
            ctx.emit({
              type: 'info',
              message: `removed the lock the failed restic run left in the repository (${removed.map((id) => id.slice(0, 8)).join(', ')})`,
            });
        }
        throw error;
      }
      ctx.changes.push(`snapshot ${summary.snapshotId.slice(0, 8)} of ${entry.services.join(', ')}`);
      snapshots.push({
        node,
        services: entry.services,
        volumes: [...entry.mounts.values()].map((m) => m.target.slice('/backup/'.length)),
        summary,
      });
    }
  } catch (err) {
    failure = err;
  } finally {
    // Post-hooks always run (a dump to clean up, a service to resume), whatever failed above.
    for (const s of chosen) {
      if (!s.hooks.backupPost) continue;
      const r = await runHook(app, s.service, 'post-backup', s.hooks.backupPost, hookDeps);
      hooks.push(r);
      if (hookFailed(r))
        ctx.emit({
          type: 'warning',
          message: `the post-backup hook of ${s.service} failed (${r.error ?? `exit ${r.exitCode}`})`,
        });
    }
  }
  if (failure) throw failure;
  return {
    app: app.name,
    server: app.server,
    repository: repo.url,
    services: config.services,
    snapshots,
    hooks,
    durationMs: deps.clock.now() - started,
  };
}

/** `abra app backup create <app> [service]`. */
export async function appBackupCreate(
  opts: { app: string; service?: string | undefined; argv?: readonly string[] },
  deps: Pick<
    Deps,
    'paths' | 'docker' | 'events' | 'env' | 'signals' | 'machineId' | 'argv' | 'clock' | 'servers'
  >,
): Promise<BackupRun> {
  const app = await resolveApp(opts.app, deps);
  return runOperation(
    { kind: 'backup', app: app.name, server: app.server, argv: opts.argv },
    deps,
    async (op) => {
      const run = await takeBackup(app, op, deps, { service: opts.service });
      op.note.message = `snapshots ${run.snapshots.map((s) => s.summary.snapshotId.slice(0, 8)).join(', ')}`;
      return run;
    },
  );
}

export interface BackupAllRow {
  app: string;
  result: 'ok' | 'failed' | 'skipped';
  snapshots: string[];
  files: number;
  bytes: number;
  durationMs: number;
  message: string;
}

/** `abra app backup create --all <server>`: every app of the server with backup labels. */
export async function appBackupAll(
  opts: { server: string },
  deps: Pick<
    Deps,
    'paths' | 'docker' | 'events' | 'env' | 'signals' | 'machineId' | 'argv' | 'clock' | 'servers'
  >,
): Promise<BackupAllRow[]> {
  const apps = (await listAppEnvFiles(deps.paths)).filter((a) => a.server === opts.server);
  if (!(await deps.servers.exists(opts.server)))
    throw new UserError(`Unknown server ${opts.server}`, {
      hint: 'See `abra server ls`.',
      code: 'server_unknown',
    });
  const rows: BackupAllRow[] = [];
  for (const a of apps) {
    const started = deps.clock.now();
    try {
      const run = await appBackupCreate({ app: a.app }, deps);
      rows.push({
        app: a.app,
        result: 'ok',
        snapshots: run.snapshots.map((s) => s.summary.snapshotId.slice(0, 8)),
        files: run.snapshots.reduce((n, s) => n + s.summary.filesTotal, 0),
        bytes: run.snapshots.reduce((n, s) => n + s.summary.bytesTotal, 0),
        durationMs: run.durationMs,
        message: '',
      });
    } catch (err) {
      if (!isExpectedError(err) || err instanceof Cancelled) throw err;
      const skipped =
        err instanceof UserError &&
        ['backup_not_configured', 'app_not_deployed', 'backup_nothing_selected'].includes(err.code);
      rows.push({
        app: a.app,
        result: skipped ? 'skipped' : 'failed',
        snapshots: [],
        files: 0,
        bytes: 0,
        durationMs: deps.clock.now() - started,
        message: errorMessage(err),
      });
    }
  }
  return rows;
}
