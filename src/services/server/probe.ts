import {
  type EngineError,
  errorMessage,
  isExpectedError,
  RemoteError,
  type UserError,
} from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { SwarmNodeState } from '../../infra/docker/types.js';

export const PROXY_NETWORK = 'proxy';

export interface ServerStatus {
  reachable: boolean;
  dockerVersion?: string;
  apiVersion?: string;
  swarm?: SwarmNodeState;
  swarmManager?: boolean;
  nodes?: number;
  proxyNetwork?: boolean;
  error?: { code: string; message: string; hint?: string };
}

/** Three Engine API calls answer everything abra needs to know about a server; throws if unreachable. */
export async function inspectServer(docker: DockerClient): Promise<ServerStatus> {
  const [version, info, networks] = await Promise.all([
    docker.version(),
    docker.info(),
    docker.listNetworks({ name: [PROXY_NETWORK] }),
  ]);
  return {
    reachable: true,
    dockerVersion: version.Version,
    apiVersion: version.ApiVersion,
    swarm: info.Swarm.LocalNodeState,
    swarmManager: info.Swarm.ControlAvailable,
    nodes: info.Swarm.Nodes ?? 0,
    proxyNetwork: networks.some((n) => n.Name === PROXY_NETWORK),
  };
}

/** Like inspectServer, but an unreachable server is a status, not an exception. */
export async function probeServer(docker: DockerClient): Promise<ServerStatus> {
  try {
    return await inspectServer(docker);
  } catch (err) {
    if (!isExpectedError(err)) throw err;
    return { reachable: false, error: describe(err) };
  }
}

function describe(err: UserError | EngineError): NonNullable<ServerStatus['error']> {
  return { code: err.code, message: errorMessage(err), ...(err.hint ? { hint: err.hint } : {}) };
}

/** The status a server must have before abra deploys to it; throws the first problem. */
export function requireUsableSwarm(server: string, status: ServerStatus): void {
  if (status.swarm !== 'active') {
    throw new RemoteError(server, `Docker Swarm is not active on ${server} (state: ${status.swarm})`, {
      hint:
        status.swarm === 'inactive'
          ? `Initialise it on the server: \`docker swarm init --advertise-addr <server-ip>\`, then add the server again.`
          : 'Inspect `docker info` on the server and repair the swarm (e.g. `docker swarm leave --force` then `docker swarm init`).',
      code: 'swarm_inactive',
    });
  }
  if (!status.swarmManager) {
    throw new RemoteError(server, `${server} is a swarm worker; abra must talk to a manager node`, {
      hint: 'Add a manager node of this swarm instead (`docker node ls` on a manager lists them).',
      code: 'swarm_not_manager',
    });
  }
}
