import type { DockerChannelMode, SshPool, SshPoolStats } from '../ssh/pool.js';
import { LOCAL_SERVER } from '../store/servers.js';
import { DockerClient } from './client.js';
import { channelTransport, localTransport } from './transport.js';

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
  private pool: Promise<SshPool> | undefined;

  constructor(private readonly opts: DockerConnectorOptions) {}

  client(server: string): DockerClient {
    let c = this.clients.get(server);
    if (!c) {
      c =
        server === LOCAL_SERVER
          ? new DockerClient(server, localTransport(this.opts.env))
          : this.remote(server);
      this.clients.set(server, c);
    }
    return c;
  }

  private remote(server: string): DockerClient {
    const transport = channelTransport(`ssh://${server}`, async () => {
      const pool = await this.sshPool();
      const session = await pool.session(server);
      return session.openDockerStream();
    });
    return new DockerClient(server, transport);
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
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    if (this.pool) await (await this.pool).closeAll();
  }
}
