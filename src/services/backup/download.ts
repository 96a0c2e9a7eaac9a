import { Writable } from 'node:stream';
import { parseSnapshots, resticTaskSpec, type Snapshot } from '../../domain/backup/restic.js';
import { BACKUP_TASK_LABEL } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { execInContainer } from '../app/exec.js';
import { resolveApp } from '../app/resolve.js';
import type { Deps } from '../deps.js';
import { resticFailure } from './failure.js';
import { repositoryForApp, requirePasswordSecret } from './repository.js';
import { chooseSnapshot } from './snapshots.js';
import { managerNode, removeTaskService, repositoryMounts, resticImage } from './task.js';

/** Lines of a stream, last ones kept (restic's messages on stderr). */
function lineCollector(max = 200): { sink: Writable; lines: string[] } {
  const lines: string[] = [];
  let pending = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length > max) lines.splice(0, lines.length - max);
      cb();
    },
    final(cb) {
      if (pending) lines.push(pending);
      cb();
    },
  });
  return { sink, lines };
}

/** Wait until the helper's task runs; its container id (on the node abra connects to). */
async function runningContainer(
  docker: DockerClient,
  serviceId: string,
  deps: Pick<Deps, 'clock'>,
): Promise<string> {
  const deadline = deps.clock.now() + 60_000;
  for (;;) {
    const [task] = await docker.tasks({ service: [serviceId] });
    const cid = task?.Status.ContainerStatus?.ContainerID;
    if (task?.Status.State === 'running' && cid) return cid;
    if (task && ['failed', 'rejected', 'complete', 'shutdown'].includes(task.Status.State))
      throw new UserError(
        `The restic helper task ${task.Status.State}${task.Status.Err ? `: ${task.Status.Err}` : ''}`,
        {
          where: `server ${docker.server}`,
          code: 'backup_task_failed',
        },
      );
    if (deps.clock.now() > deadline)
      throw new UserError('The restic helper task did not start within 60s', {
        where: `server ${docker.server}`,
        code: 'backup_task_timeout',
      });
    await deps.clock.sleep(150);
  }
}

export interface DownloadResult {
  app: string;
  snapshot: Snapshot;
  bytes: number;
}

/**
 * `abra app backup download <app> [snapshot]`: a tar of the snapshot (`restic dump <id> /`),
 * streamed byte-exact to `out` over an exec into a short-lived restic helper container on the
 * node abra connects to (a local repository must be on that node). Read-only: no lock.
 */
export async function appBackupDownload(
  opts: { app: string; snapshot?: string | undefined; out: Writable },
  deps: Pick<Deps, 'paths' | 'docker' | 'env' | 'clock' | 'servers' | 'events'>,
): Promise<DownloadResult> {
  const app = await resolveApp(opts.app, deps);
  const repo = await repositoryForApp(app, deps);
  const secret = await requirePasswordSecret(app.docker, repo, app.server);
  const prefix = `abra-download-${app.stack}`.slice(0, 50);
  const spec = resticTaskSpec({
    name: `${prefix}-${Date.now().toString(36)}`,
    image: resticImage(deps),
    // Removed at the end; a leftover is removed by the next backup once older than a task may run.
    argv: ['sh', '-c', 'sleep 21600'],
    nodeId: await managerNode(app.docker),
    mounts: repositoryMounts(repo),
    secret: { id: secret.ID, name: secret.Spec.Name },
    repository: repo.url,
    labels: { [BACKUP_TASK_LABEL]: app.stack },
  });
  const { ID } = await app.docker.createService(spec);
  try {
    const cid = await runningContainer(app.docker, ID, deps);
    const list = lineCollector(100_000);
    const err1 = lineCollector();
    const code1 = await execInContainer(
      app.docker,
      cid,
      { cmd: ['restic', 'snapshots', '--json'], tty: false },
      { stdout: list.sink, stderr: err1.sink },
    );
    await new Promise<void>((r) => list.sink.end(r));
    const all = code1 === 0 ? parseSnapshots(list.lines) : undefined;
    if (!all)
      throw resticFailure(
        { exitCode: code1, state: 'complete', err: undefined, lines: err1.lines },
        `Listing the snapshots of ${app.name}`,
        { repo, server: app.server },
      );
    const snapshot = chooseSnapshot(app.name, all, opts.snapshot);
    deps.events({ type: 'info', message: `downloading snapshot ${snapshot.shortId} of ${snapshot.time}` });
    let bytes = 0;
    const counted = new Writable({
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (opts.out.write(chunk)) cb();
        else opts.out.once('drain', () => cb());
      },
    });
    const err2 = lineCollector();
    const code2 = await execInContainer(
      app.docker,
      cid,
      { cmd: ['restic', 'dump', '--archive', 'tar', snapshot.id, '/'], tty: false },
      { stdout: counted, stderr: err2.sink },
    );
    if (code2 !== 0)
      throw resticFailure(
        { exitCode: code2, state: 'complete', err: undefined, lines: err2.lines },
        `Downloading ${snapshot.shortId}`,
        {
          repo,
          server: app.server,
        },
      );
    return { app: app.name, snapshot, bytes };
  } finally {
    await removeTaskService(app.docker, ID);
  }
}
