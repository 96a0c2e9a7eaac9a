import { randomBytes } from 'node:crypto';
import { Transform, Writable } from 'node:stream';
import { type MoveHelper, moveHelperSpec } from '../../domain/move/helper.js';
import { HELPER_VOLUME_DIR } from '../../domain/move/plan.js';
import { MOVE_TASK_LABEL } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { execInContainer } from '../app/exec.js';
import { removeTaskService, resticImage } from '../backup/task.js';
import type { Deps } from '../deps.js';

/** A running helper: its service on the manager and its container on the node's engine. */
export interface RunningHelper {
  serviceId: string;
  containerId: string;
  /** The engine of the node the helper runs on (the manager's, or a gateway to a worker). */
  engine: DockerClient;
  /** The manager the service was created through. */
  manager: DockerClient;
}

/**
 * The image of move's helpers: it only needs `sleep` and `cat`. ABRA_MOVE_IMAGE, else the restic
 * image abra already runs its backup tasks with (present wherever backups run).
 */
export function moveHelperImage(deps: Pick<Deps, 'env'>): string {
  return deps.env.ABRA_MOVE_IMAGE || resticImage(deps);
}

export async function startHelper(
  docker: DockerClient,
  h: Omit<MoveHelper, 'name' | 'labels'> & { purpose: string; stack: string },
  deps: Pick<Deps, 'clock'>,
): Promise<RunningHelper> {
  const name = `${`abra-move-${h.purpose}-${h.stack}`.slice(0, 54)}-${randomBytes(3).toString('hex')}`;
  const spec = moveHelperSpec({ ...h, name, labels: { [MOVE_TASK_LABEL]: h.stack } });
  const { ID } = await docker.createService(spec);
  try {
    const deadline = deps.clock.now() + 60_000;
    for (;;) {
      const [task] = await docker.tasks({ service: [ID] });
      const cid = task?.Status.ContainerStatus?.ContainerID;
      if (task?.Status.State === 'running' && cid)
        return {
          serviceId: ID,
          containerId: cid,
          engine: await docker.forNode(task.NodeID ?? ''),
          manager: docker,
        };
      if (task && ['failed', 'rejected', 'complete', 'shutdown'].includes(task.Status.State))
        throw new UserError(
          `The move helper on ${docker.server} ${task.Status.State}${task.Status.Err ? `: ${task.Status.Err}` : ''}`,
          {
            where: `server ${docker.server}, image ${h.image}`,
            hint: 'The helper image must be on the server (set ABRA_MOVE_IMAGE to one that is, with sleep and cat).',
            code: 'move_helper_failed',
          },
        );
      if (deps.clock.now() > deadline)
        throw new UserError(`The move helper on ${docker.server} did not start within 60s`, {
          where: `server ${docker.server}`,
          hint: `Check \`docker service ps ${name}\` on the server.`,
          code: 'move_helper_timeout',
        });
      await deps.clock.sleep(150);
    }
  } catch (err) {
    await removeTaskService(docker, ID);
    throw err;
  }
}

export function stopHelper(h: RunningHelper): Promise<void> {
  return removeTaskService(h.manager, h.serviceId);
}

/** A file's bytes from a helper, kept in memory only (secret values: never on disk, never shown). */
export async function readHelperFile(h: RunningHelper, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const errors: string[] = [];
  const sink = (into: (b: Buffer) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        into(chunk);
        cb();
      },
    });
  const code = await execInContainer(
    h.engine,
    h.containerId,
    { cmd: ['cat', path], tty: false },
    { stdout: sink((b) => chunks.push(b)), stderr: sink((b) => errors.push(b.toString('utf8'))) },
  );
  const data = Buffer.concat(chunks);
  for (const c of chunks) c.fill(0);
  if (code !== 0) {
    data.fill(0);
    throw new UserError(`Reading a mounted secret in the move helper failed (exit ${code})`, {
      where: `server ${h.engine.server}`,
      hint: `${errors.join('').trim().slice(0, 200) || 'no message'}; the helper image needs \`cat\`.`,
      code: 'move_secret_unreadable',
    });
  }
  return data;
}

/**
 * Stream one volume from the source helper to the target helper: a tar from the archive API of
 * one engine straight into the archive API of the other, never on this machine's disk. Returns
 * the bytes of the tar stream.
 */
export async function streamVolume(from: RunningHelper, to: RunningHelper, path: string): Promise<number> {
  const archive = await from.engine.getArchive(from.containerId, path);
  let bytes = 0;
  // Counted as it passes (a 'data' listener would start the flow before the upload reads it).
  const counted = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  archive.on('error', (err) => counted.destroy(err));
  archive.pipe(counted);
  await to.engine.putArchive(to.containerId, HELPER_VOLUME_DIR, counted);
  return bytes;
}

/** Helpers of this stack's earlier, killed moves (and their stopped containers). */
export async function removeLeftoverHelpers(docker: DockerClient, stack: string): Promise<void> {
  const left = await docker.services({ label: [`${MOVE_TASK_LABEL}=${stack}`] });
  for (const s of left) if (s.Spec.Labels?.[MOVE_TASK_LABEL] === stack) await removeTaskService(docker, s.ID);
}
