import { DEFAULT_GATEWAY_IMAGE } from '../../domain/gateway/spec.js';
import type { DockerChannelMode, RemoteShell, SshPool, SshPoolStats } from '../ssh/pool.js';
import { LOCAL_SERVER } from '../store/servers.js';
import { DockerClient } from './client.js';
import { type Gateway, openGateway } from './gateway.js';
import { channelTransport, localTransport, unixTransport } from './transport.js';

export type DebugLog = (msg: string) => void;

export interface DockerConnectorOptions {
  env?: NodeJS.ProcessEnv;
  debug: DebugLog;
  /** Non-fatal problems worth the user's attention (e.g. a skipped Include in ~/.ssh/config). */
  warn?: (msg: string) => void;
  /** Force how remote engines are reached; by default each server is probed once. */
  dockerChannel?: DockerChannelMode;
}

/**
 * Hands out one DockerClient per server: the local socket for `default`, a channel transport
 * on the pooled SSH connection for every other server. ssh2 is only loaded when a remote
 * server is actually used, so local-only commands start fast.
 */
export class DockerConnector {
  private readonly clients = new Map<string, DockerClient>();
  /** One gateway per (server, node) for the whole run, removed in close(). */
  private readonly gateways = new Map<string, Promise<Gateway>>();
  private pool: Promise<SshPool> | undefined;

  constructor(private readonly opts: DockerConnectorOptions) {}

  client(server: string): DockerClient {
    let c = this.clients.get(server);
    if (!c) {
      const nodes = (nodeId: string) => this.nodeClient(server, nodeId);
      c =
        server === LOCAL_SERVER
          ? new DockerClient(server, localTransport(this.opts.env), undefined, nodes)
          : this.remote(server, nodes);
      this.clients.set(server, c);
    }
    return c;
  }

  private remote(server: string, nodes: (nodeId: string) => Promise<DockerClient>): DockerClient {
    const transport = channelTransport(`ssh://${server}`, async () => {
      const pool = await this.sshPool();
      const session = await pool.session(server);
      return session.openDockerStream();
    });
    return new DockerClient(server, transport, undefined, nodes);
  }

  /** A client on a unix socket of the server's host: a gateway's relay. */
  private socketClient(server: string, path: string): DockerClient {
    if (server === LOCAL_SERVER) return new DockerClient(server, unixTransport(path));
    const transport = channelTransport(`ssh://${server}${path}`, async () => {
      const pool = await this.sshPool();
      return (await pool.session(server)).openSocketStream(path);
    });
    return new DockerClient(server, transport);
  }

  /** The engine of another node of `server`'s swarm, through a gateway opened on first use. */
  nodeClient(server: string, nodeId: string): Promise<DockerClient> {
    const key = `${server}\0${nodeId}`;
    let g = this.gateways.get(key);
    if (!g) {
      const env = this.opts.env ?? process.env;
      g = openGateway(this.client(server), nodeId, {
        image: env.ABRA_HELPER_IMAGE || DEFAULT_GATEWAY_IMAGE,
        openSocket: (path) => this.socketClient(server, path),
        debug: this.opts.debug,
      });
      this.gateways.set(key, g);
      // A failed open is not cached: the next call tries again.
      g.catch(() => this.gateways.delete(key));
    }
    return g.then((x) => x.client);
  }

  /** A shell on a remote server, on the same pooled SSH connection as its Engine API. */
  shell(server: string): RemoteShell {
    return {
      run: async (command) => (await (await this.sshPool()).session(server)).exec(command),
      reconnect: async () => (await this.sshPool()).drop(server),
    };
  }

  sshPool(): Promise<SshPool> {
    if (!this.pool) {
      const env = this.opts.env ?? process.env;
      this.pool = Promise.all([import('../ssh/pool.js'), import('../ssh/config.js')]).then(
        ([{ SshPool }, { resolveSshTarget }]) =>
          new SshPool({
            resolveTarget: (server) => resolveSshTarget(server, { env }),
            debug: this.opts.debug,
            ...(this.opts.warn ? { warn: this.opts.warn } : {}),
          }),
      );
    }
    return this.pool;
  }

  async sshStats(): Promise<SshPoolStats> {
    return this.pool ? (await this.pool).stats() : { connectionsOpened: 0, channelsOpened: 0 };
  }

  apiCalls(): number {
    let n = 0;
    for (const c of this.clients.values()) n += c.calls;
    return n;
  }

  async close(): Promise<void> {
    const gateways = [...this.gateways.values()];
    this.gateways.clear();
    await Promise.all(gateways.map((g) => g.then((x) => x.close()).catch(() => undefined)));
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    if (this.pool) await (await this.pool).closeAll();
  }
}
