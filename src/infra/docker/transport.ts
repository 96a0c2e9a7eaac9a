import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { UserError } from '../../errors.js';

/** How a DockerClient reaches an engine: an http.Agent plus, for unix sockets, the path. */
export interface DockerTransport {
  readonly agent: Agent;
  readonly socketPath: string | undefined;
  /** Human description for messages: `unix:///var/run/docker.sock`, `ssh://host`. */
  readonly endpoint: string;
  close(): void;
}

export const DEFAULT_LOCAL_SOCKET = '/var/run/docker.sock';

/** The local engine, honouring DOCKER_HOST=unix://... like the docker CLI. */
export function localTransport(env: NodeJS.ProcessEnv = process.env): DockerTransport {
  const host = env.DOCKER_HOST;
  let socketPath = DEFAULT_LOCAL_SOCKET;
  if (host) {
    if (!host.startsWith('unix://')) {
      throw new UserError(`DOCKER_HOST=${host} is not a unix socket`, {
        hint: 'For the local server abra talks to a unix socket; unset DOCKER_HOST or point it at unix:///path/docker.sock. Add remote engines with `abra server add <ssh-host>`.',
        code: 'docker_host_unsupported',
      });
    }
    socketPath = host.slice('unix://'.length);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  return { agent, socketPath, endpoint: `unix://${socketPath}`, close: () => agent.destroy() };
}

/**
 * Channels on a pooled SSH connection posing as sockets: node's http client calls these
 * socket methods, which an ssh2 channel lacks and which mean nothing for a channel.
 */
class ChannelAgent extends Agent {
  constructor(private readonly openStream: () => Promise<Duplex>) {
    super({ keepAlive: true, maxSockets: 16, maxFreeSockets: 4 });
  }

  override createConnection(
    _options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex {
    this.openStream().then(
      (stream) => callback?.(null, asSocket(stream)),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    // node's Agent waits for the callback when createConnection returns nothing.
    return undefined as unknown as Duplex;
  }
}

function asSocket(stream: Duplex): Duplex {
  const s = stream as Duplex & Record<string, unknown>;
  for (const m of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) {
    if (typeof s[m] !== 'function') s[m] = () => s;
  }
  return stream;
}

export function channelTransport(endpoint: string, openStream: () => Promise<Duplex>): DockerTransport {
  const agent = new ChannelAgent(openStream);
  return { agent, socketPath: undefined, endpoint, close: () => agent.destroy() };
}
