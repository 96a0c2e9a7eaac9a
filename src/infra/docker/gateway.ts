import { randomBytes } from 'node:crypto';
import { gatewayNames, gatewayNetworkSpec, nodeTaskSpec, relayTaskSpec } from '../../domain/gateway/spec.js';
import { GATEWAY_LABEL } from '../../domain/stack/contract.js';
import { errorMessage, RemoteError } from '../../errors.js';
import type { DockerClient } from './client.js';
import type { Task } from './swarm-types.js';

export interface GatewayOptions {
  image: string;
  /** A client for a unix socket on the manager's host (ssh streamlocal, or the local socket). */
  openSocket: (path: string) => DockerClient;
  debug: (msg: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** How long the two tasks get to start (an image pull on a slow node counts). */
  timeoutMs?: number;
}

export interface Gateway {
  client: DockerClient;
  close(): Promise<void>;
}

const FAILED = new Set(['failed', 'rejected', 'shutdown', 'orphaned', 'remove', 'complete']);
/** A gateway this old was left by a killed run: no abra command takes that long to exec. */
const LEFTOVER_AGE_MS = 12 * 3600_000;
const NETWORK_GRACE_MS = 10 * 60_000;

/**
 * Open a gateway to `nodeId`'s engine through `manager` (see domain/gateway/spec.ts), and
 * prove it reaches that node before handing it out. Whatever fails, nothing stays behind.
 */
export async function openGateway(
  manager: DockerClient,
  nodeId: string,
  opts: GatewayOptions,
): Promise<Gateway> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const info = await manager.info();
  const managerId = info.Swarm?.NodeID;
  if (!managerId || info.Swarm?.ControlAvailable !== true)
    throw new RemoteError(
      manager.server,
      `${manager.server} is not a swarm manager: it cannot reach other nodes`,
      {
        hint: 'Point the server at a manager node of the swarm.',
        code: 'gateway_needs_manager',
      },
    );
  await removeLeftovers(manager, now(), opts.debug);
  const names = gatewayNames(randomBytes(6).toString('hex'));
  const created: { services: string[]; network?: string } = { services: [] };
  const close = async () => {
    for (const id of created.services) await manager.removeService(id).catch(() => undefined);
    // The network is in use until both tasks are gone (a second or so); a later gateway
    // removes it if it is still attached when this gives up.
    if (!created.network) return;
    for (let i = 0; i < 15; i++) {
      try {
        await manager.removeNetwork(created.network);
        return;
      } catch {
        await sleep(200);
      }
    }
  };
  try {
    const net = await manager.createNetwork(gatewayNetworkSpec(names));
    created.network = net.Id;
    const node = await manager.createService(nodeTaskSpec(names, opts.image, nodeId));
    created.services.push(node.ID);
    const relay = await manager.createService(relayTaskSpec(names, opts.image, managerId));
    created.services.push(relay.ID);
    const deadline = now() + (opts.timeoutMs ?? 60_000);
    await waitRunning(manager, [node.ID, relay.ID], nodeId, { sleep, now, deadline });
    const client = opts.openSocket(names.hostSocket);
    // The relay listens a moment after its task runs, and resolves the node task's name per
    // connection: retry the first ping until both answer.
    let lastErr: unknown;
    for (;;) {
      try {
        const reached = (await client.info()).Swarm?.NodeID;
        if (reached !== nodeId)
          throw new Error(`the gateway for node ${nodeId} reached node ${reached ?? 'unknown'}`);
        break;
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('the gateway for node')) throw err;
        lastErr = err;
        if (now() > deadline)
          throw new RemoteError(
            manager.server,
            `Could not reach the engine of node ${nodeId} through ${manager.server}: ${errorMessage(lastErr)}`,
            {
              hint: 'The gateway tasks ran but did not answer; check `docker service logs` of the abra-gw-* services and that the manager may bind-mount /run.',
              code: 'gateway_unreachable',
            },
          );
        await sleep(100);
      }
    }
    opts.debug(`gateway ${names.id}: node ${nodeId} reached through ${manager.server}`);
    return {
      client,
      close: async () => {
        client.close();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function waitRunning(
  manager: DockerClient,
  serviceIds: string[],
  nodeId: string,
  t: { sleep: (ms: number) => Promise<void>; now: () => number; deadline: number },
): Promise<void> {
  for (;;) {
    const tasks = await manager.tasks({ service: serviceIds });
    const latest = new Map<string, Task>();
    for (const task of tasks) {
      const seen = latest.get(task.ServiceID);
      if (!seen || task.CreatedAt > seen.CreatedAt) latest.set(task.ServiceID, task);
    }
    const states = serviceIds.map((id) => latest.get(id));
    const dead = states.find((s) => s && FAILED.has(s.Status.State));
    if (dead)
      throw new RemoteError(
        manager.server,
        `The helper task reaching node ${nodeId} ${dead.Status.State}: ${dead.Status.Err ?? dead.Status.Message ?? 'no reason given'}`,
        {
          hint: 'The helper image needs `sh`, `stat` and `socat` and must be available on every node; set ABRA_HELPER_IMAGE to one that is.',
          code: 'gateway_task_failed',
        },
      );
    if (states.every((s) => s?.Status.State === 'running')) return;
    if (t.now() > t.deadline) {
      const pending = states.map((s) => s?.Status.State ?? 'no task').join(', ');
      throw new RemoteError(
        manager.server,
        `The helper tasks reaching node ${nodeId} did not start in time (${pending})`,
        {
          hint: 'Is the node up (`abra server nodes`)? Is the helper image (ABRA_HELPER_IMAGE) on that node?',
          code: 'gateway_timeout',
        },
      );
    }
    await t.sleep(100);
  }
}

/** Gateways of runs that were killed: services older than any run, and networks left behind. */
async function removeLeftovers(
  manager: DockerClient,
  now: number,
  debug: (msg: string) => void,
): Promise<void> {
  const services = await manager.services({ label: [GATEWAY_LABEL] });
  const live = new Set<string>();
  for (const s of services) {
    const id = s.Spec.Labels?.[GATEWAY_LABEL];
    if (!id) continue;
    if (now - Date.parse(s.CreatedAt) > LEFTOVER_AGE_MS) {
      debug(`removing the gateway service ${s.Spec.Name} left by an earlier run`);
      await manager.removeService(s.ID).catch(() => undefined);
    } else live.add(id);
  }
  const networks = await manager.networks({ label: [GATEWAY_LABEL] });
  for (const n of networks) {
    const id = n.Labels?.[GATEWAY_LABEL];
    // A network is made just before its services: a young one may belong to a run starting now.
    const young = n.Created !== undefined && now - Date.parse(n.Created) < NETWORK_GRACE_MS;
    if (id && !live.has(id) && !young) await manager.removeNetwork(n.Id).catch(() => undefined);
  }
}
