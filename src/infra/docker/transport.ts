import { Agent } from 'node:http';
import { Duplex } from 'node:stream';
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

/** A unix socket on this machine (a gateway's relay when the server is the local engine). */
export function unixTransport(socketPath: string): DockerTransport {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  return { agent, socketPath, endpoint: `unix://${socketPath}`, close: () => agent.destroy() };
}

/**
 * An SSH channel posing as a socket for node's http client. It exists synchronously while the
 * channel opens, because node's Agent only counts a socket once createConnection has returned
 * it: with asynchronous creation maxSockets would not bound the channels of a burst of requests.
 */
class DeferredChannel extends Duplex {
  private target: Duplex | undefined;
  private readonly queued: { chunk: Buffer; cb: (err?: Error | null) => void }[] = [];
  private ending: (() => void) | undefined;

  constructor(open: Promise<Duplex>) {
    super();
    open.then(
      (t) => this.attach(t),
      (err: Error) => this.destroy(err),
    );
  }

  private attach(t: Duplex): void {
    if (this.destroyed) {
      t.destroy();
      return;
    }
    this.target = t;
    t.on('data', (d: Buffer) => {
      if (!this.push(d)) t.pause();
    });
    let eof = false;
    t.once('end', () => {
      eof = true;
      this.push(null);
    });
    t.once('error', (err: Error) => this.destroy(err));
    // A channel often closes right after its EOF: destroying at once would drop output still
    // buffered here (the reader sees "Premature close"), so wait until it has been read.
    t.once('close', () => {
      if (eof && !this.readableEnded) this.once('end', () => this.destroy());
      else this.destroy();
    });
    for (const q of this.queued.splice(0)) t.write(q.chunk, q.cb);
    this.ending?.();
  }

  override _read(): void {
    this.target?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.target) this.target.write(chunk, cb);
    else this.queued.push({ chunk, cb });
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.ending = () => {
      this.target?.end();
      cb();
    };
    if (this.target) this.ending();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.target?.destroy();
    cb(err);
  }

  // Socket methods node's http client calls; they mean nothing for a channel.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

class ChannelAgent extends Agent {
  constructor(private readonly openStream: () => Promise<Duplex>) {
    // 8 channels stay below OpenSSH's default MaxSessions (10) for dial-stdio session channels.
    super({ keepAlive: true, maxSockets: 8, maxFreeSockets: 8 });
  }

  override createConnection(): Duplex {
    return new DeferredChannel(this.openStream());
  }
}

export function channelTransport(endpoint: string, openStream: () => Promise<Duplex>): DockerTransport {
  const agent = new ChannelAgent(openStream);
  return { agent, socketPath: undefined, endpoint, close: () => agent.destroy() };
}
