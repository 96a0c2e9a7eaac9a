import { volumesOnNodes } from '../../domain/nodes/volumes.js';
import { belongsTo, shortName } from '../../domain/stack/contract.js';
import { Cancelled, errorMessage, isExpectedError, UserError } from '../../errors.js';
import { DockerApiError, type DockerClient } from '../../infra/docker/client.js';
import type { Volume } from '../../infra/docker/swarm-types.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { byNamespace, readStack, stackTasks } from '../stack/read.js';
import { resolveApp } from './resolve.js';

export interface AppVolume {
  /** The volume's name on the engine, `<stack>_<name>`. */
  name: string;
  /** The name the recipe gives it (the stack prefix cut off). */
  short: string;
  driver: string;
  mountpoint: string;
  /** Bytes used, when the engine computed it (`GET /system/df`); undefined otherwise. */
  size: number | undefined;
  /** Containers using it, when known. */
  refCount: number | undefined;
  /**
   * Hostname of the swarm node whose engine holds it: volumes are node-local. On a node other
   * than the one abra talks to, only name, driver and node are known (mountpoint '').
   */
  node: string;
}

export interface AppVolumes {
  app: string;
  server: string;
  stack: string;
  volumes: AppVolume[];
}

/**
 * The app's volumes on every node of the swarm. Volumes are node-local (issue 16): the engine
 * abra talks to lists its own (with driver, size and mountpoint); volumes on other nodes come
 * from the stack's tasks (one more call), which say where each task's container was created
 * with its volumes, so no helper has to visit the other nodes. Those rows have no size or
 * mountpoint. A volume on two nodes is listed twice: two volumes, with different data.
 */
export async function appVolumesByNode(
  docker: DockerClient,
  stack: string,
  events: Deps['events'],
): Promise<AppVolume[]> {
  const [volumes, info, usage, tasks] = await Promise.all([
    docker.volumes(byNamespace(stack)),
    docker.info(),
    // Sizes are a nicety: an engine that cannot compute them must not hide the list.
    docker.volumeUsage().catch((err: unknown) => {
      if (!isExpectedError(err)) throw err;
      events({ type: 'debug', message: `volume sizes: ${errorMessage(err)}` });
      return [];
    }),
    stackTasks(docker, stack),
  ]);
  const sizes = new Map(usage.map((u) => [u.Name, u.UsageData ?? undefined]));
  const own = info.Swarm?.NodeID ?? '';
  const local = volumes
    .filter((v) => belongsTo(stack, v.Labels))
    .map((v): AppVolume => {
      const u = sizes.get(v.Name);
      return {
        name: v.Name,
        short: shortName(stack, v.Name),
        driver: v.Driver,
        mountpoint: v.Mountpoint,
        size: u && u.Size >= 0 ? u.Size : undefined,
        refCount: u && u.RefCount >= 0 ? u.RefCount : undefined,
        node: info.Name,
      };
    });
  const elsewhere = volumesOnNodes(
    stack,
    tasks.map((t) => ({
      nodeId: t.NodeID,
      containerCreated: Boolean(t.Status.ContainerStatus?.ContainerID),
      mounts: t.Spec.ContainerSpec?.Mounts ?? [],
    })),
  ).filter((v) => v.nodeId !== own);
  const hostOf = new Map<string, string>();
  if (elsewhere.length > 0) for (const n of await docker.nodes()) hostOf.set(n.ID, n.Description.Hostname);
  const remote = elsewhere.map(
    (v): AppVolume => ({
      name: v.volume,
      short: shortName(stack, v.volume),
      driver: v.driver,
      mountpoint: '',
      size: undefined,
      refCount: undefined,
      node: hostOf.get(v.nodeId) ?? v.nodeId,
    }),
  );
  return [...local, ...remote].sort((a, b) => a.name.localeCompare(b.name) || a.node.localeCompare(b.node));
}

/** `abra app volume ls`: read-only, no lock. */
export async function appVolumeList(
  opts: { app: string },
  deps: Pick<Deps, 'paths' | 'docker' | 'events'>,
): Promise<AppVolumes> {
  const app = await resolveApp(opts.app, deps);
  return {
    app: app.name,
    server: app.server,
    stack: app.stack,
    volumes: await appVolumesByNode(app.docker, app.stack, deps.events),
  };
}

export interface VolumeRemoval {
  app: string;
  server: string;
  removed: string[];
}

/**
 * Which of the app's volumes the operator named: a full name or the recipe's short name, each
 * one of the app's own (labelled) volumes; anything else is refused before anything is removed.
 */
export function selectVolumes(
  owned: readonly Pick<Volume, 'Name'>[],
  stack: string,
  names: readonly string[],
  all: boolean,
): { selected: string[]; unknown: string[] } {
  const ownedNames = owned.map((v) => v.Name);
  if (all) return { selected: [...ownedNames].sort(), unknown: [] };
  const selected: string[] = [];
  const unknown: string[] = [];
  for (const n of names) {
    const full = ownedNames.includes(n) ? n : ownedNames.find((o) => shortName(stack, o) === n && o !== n);
    if (full === undefined) unknown.push(n);
    else if (!selected.includes(full)) selected.push(full);
  }
  return { selected, unknown };
}

/** `abra app volume rm`: only the app's own volumes, locked and audited. */
export async function appVolumeRemove(
  opts: {
    app: string;
    volumes: readonly string[];
    all: boolean;
    force: boolean;
    noInput: boolean;
    argv?: readonly string[];
  },
  deps: Pick<
    Deps,
    'paths' | 'docker' | 'events' | 'prompt' | 'env' | 'signals' | 'machineId' | 'argv' | 'clock'
  >,
): Promise<VolumeRemoval> {
  const app = await resolveApp(opts.app, deps);
  if (opts.volumes.length === 0 && !opts.all)
    throw new UserError('Name the volumes to remove, or pass --all', {
      hint: `\`abra app volume ls ${app.name}\` lists them.`,
      code: 'volume_none_named',
    });
  return runOperation(
    { kind: 'volume rm', app: app.name, server: app.server, argv: opts.argv },
    deps,
    async (op) => {
      const [stack, found] = await Promise.all([
        readStack(app.docker, app.stack),
        app.docker.volumes(byNamespace(app.stack)),
      ]);
      const owned = found.filter((v) => belongsTo(app.stack, v.Labels));
      if (stack.services.length > 0 && !opts.force)
        throw new UserError(`${app.name} is deployed on ${app.server}; its volumes are in use`, {
          hint: `Undeploy it first (\`abra app undeploy ${app.name}\`), or pass --force to try anyway.`,
          code: 'app_deployed',
        });
      const { selected, unknown } = selectVolumes(owned, app.stack, opts.volumes, opts.all);
      if (unknown.length > 0)
        throw new UserError(`Not a volume of ${app.name}: ${unknown.join(', ')}`, {
          where: `server ${app.server}`,
          hint:
            owned.length > 0
              ? `Its volumes are: ${owned.map((v) => v.Name).join(', ')} (\`abra app volume ls ${app.name}\`).`
              : `${app.name} has no volumes on ${app.server}.`,
          code: 'volume_unknown',
        });
      if (selected.length === 0) {
        op.emit({ type: 'info', message: `${app.name} has no volumes on ${app.server}; nothing to remove.` });
        return { app: app.name, server: app.server, removed: [] };
      }
      op.emit({
        type: 'info',
        message: `This deletes, on ${app.server}:\n  ${selected.map((v) => `volume ${v}`).join('\n  ')}`,
      });
      if (!opts.noInput) {
        const ok = await deps.prompt.confirm(
          `Delete ${selected.length} volume(s) of ${app.name} and their data? This cannot be undone.`,
        );
        if (!ok) throw new Cancelled('Volume removal cancelled; nothing was deleted');
      }
      const removed: string[] = [];
      for (const name of selected) {
        const v = owned.find((o) => o.Name === name);
        // Proven again right before the delete: only a labelled volume of this stack goes.
        if (!v || !belongsTo(app.stack, v.Labels)) continue;
        op.checkpoint();
        try {
          await app.docker.removeVolume(name);
        } catch (err) {
          if (err instanceof DockerApiError && err.status === 409)
            throw new UserError(`Volume ${name} is in use by a container`, {
              where: `server ${app.server}`,
              hint: `Undeploy the app first: \`abra app undeploy ${app.name}\`.`,
              code: 'volume_in_use',
            });
          if (!(err instanceof DockerApiError && err.status === 404)) throw err;
        }
        removed.push(name);
        op.changes.push(`removed volume ${name}`);
        op.emit({ type: 'object', action: 'removed', kind: 'volume', name });
      }
      return { app: app.name, server: app.server, removed };
    },
  );
}
