import type { Duplex } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { EngineError, RemoteError } from '../../errors.js';
import type { SshTarget } from './config.js';
import { connectSsh, type DebugLog } from './connect.js';

export const REMOTE_DOCKER_SOCKET = '/var/run/docker.sock';

/** Commands on a server over its pooled SSH connection (bootstrap's remote shell). */
export interface RemoteShell {
  /** Run one command line in the login user's shell; never throws for a non-zero exit. */
  run(command: string): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Log in again (after the user joined a group); later runs and API calls use the new login. */
  reconnect(): Promise<void>;
}

export type DockerChannelMode = 'streamlocal' | 'dial-stdio';

export interface SshPoolOptions {
  resolveTarget: (server: string) => SshTarget;
  debug: DebugLog;
  /** Where the target's config warnings (a skipped Include) go; infra does not print. */
  warn?: (msg: string) => void;
  /** Force one way of reaching the remote engine instead of probing (benchmarks, odd servers). */
  dockerChannel?: DockerChannelMode;
}

export interface SshPoolStats {
  connectionsOpened: number;
  channelsOpened: number;
}

/**
 * One SSH connection per server for the life of the process; every Engine API request and
 * remote command is a channel on it. A dropped connection is forgotten so the next use
 * reconnects.
 */
export class SshPool {
  private readonly sessions = new Map<string, Promise<SshSession>>();
  private readonly counters: SshPoolStats = { connectionsOpened: 0, channelsOpened: 0 };
  private readonly warned = new Set<string>();

  constructor(private readonly opts: SshPoolOptions) {}

  session(server: string): Promise<SshSession> {
    const existing = this.sessions.get(server);
    if (existing) return existing;
    const opening: Promise<SshSession> = this.open(server, () => {
      if (this.sessions.get(server) === opening) this.sessions.delete(server);
    });
    this.sessions.set(server, opening);
    opening.catch(() => {
      if (this.sessions.get(server) === opening) this.sessions.delete(server);
    });
    return opening;
  }

  private async open(server: string, forget: () => void): Promise<SshSession> {
    const target = this.opts.resolveTarget(server);
    // Servers share one config file: say each of its problems once.
    for (const w of target.warnings) {
      if (this.warned.has(w)) continue;
      this.warned.add(w);
      this.opts.warn?.(w);
    }
    const client = await connectSsh(server, target, this.opts.debug);
    this.counters.connectionsOpened++;
    client.on('close', forget);
    client.on('error', (err) => {
      this.opts.debug(`ssh ${server}: connection error: ${err.message}`);
      forget();
    });
    return new SshSession(server, target, client, this.counters, this.opts.debug, this.opts.dockerChannel);
  }

  /** Close and forget a server's connection: the next use logs in afresh (new group membership). */
  async drop(server: string): Promise<void> {
    const existing = this.sessions.get(server);
    if (!existing) return;
    this.sessions.delete(server);
    await existing.then((s) => s.close()).catch(() => undefined);
  }

  stats(): SshPoolStats {
    return { ...this.counters };
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((p) => p.then((s) => s.close()).catch(() => undefined)));
  }
}

export class SshSession {
  private mode: DockerChannelMode | undefined;
  private probing: Promise<Duplex> | undefined;
  private readonly channels = new Set<Duplex>();

  constructor(
    readonly server: string,
    readonly target: SshTarget,
    private readonly client: Client,
    private readonly counters: SshPoolStats,
    private readonly debug: DebugLog,
    forcedMode?: DockerChannelMode,
  ) {
    this.mode = forcedMode;
    // ssh2 leaves channels of a dead connection silently open; node's http agent would keep
    // them as idle keep-alive sockets and the next request on one would hang.
    client.once('close', () => {
      for (const ch of this.channels) ch.destroy();
      this.channels.clear();
    });
  }

  private track<T extends Duplex>(ch: T): T {
    this.counters.channelsOpened++;
    this.channels.add(ch);
    ch.once('close', () => this.channels.delete(ch));
    return ch;
  }

  /**
   * A byte stream to the remote Docker engine. Direct streamlocal forwarding to the socket is
   * one round trip and needs nothing on the server; `docker system dial-stdio` (what the docker
   * CLI and Go abra use) is the fallback that also honours a remote DOCKER_HOST. The first
   * call decides which one this server needs; concurrent callers wait for that decision.
   */
  async openDockerStream(): Promise<Duplex> {
    if (!this.mode) {
      if (!this.probing) {
        const p = this.probe();
        this.probing = p;
        p.catch(() => undefined).finally(() => {
          if (this.probing === p) this.probing = undefined;
        });
        return p;
      }
      await this.probing;
    }
    if (this.mode === 'dial-stdio') return this.dialStdio();
    return this.streamLocal(REMOTE_DOCKER_SOCKET).catch((err: unknown) => {
      throw this.channelError(err);
    });
  }

  private async probe(): Promise<Duplex> {
    try {
      const ch = await this.streamLocal(REMOTE_DOCKER_SOCKET);
      this.mode = 'streamlocal';
      return ch;
    } catch (err) {
      this.debug(
        `ssh ${this.server}: streamlocal to ${REMOTE_DOCKER_SOCKET} refused (${(err as Error).message}); trying docker system dial-stdio`,
      );
    }
    // dial-stdio says nothing until spoken to, so a broken remote docker would only show up as
    // a hung-up HTTP request. Ask the remote CLI once, where its error message is readable.
    const check = await this.exec("docker version --format '{{.Server.Version}}'");
    if (check.code !== 0) throw dockerUnavailable(this.server, this.target, check.code, check.stderr);
    this.mode = 'dial-stdio';
    return this.dialStdio();
  }

  /**
   * A byte stream to another unix socket on the server (a gateway's relay): streamlocal, or
   * when the server refuses that, the remote docker CLI's dial-stdio pointed at that socket.
   * Paths are abra's own (no shell quoting needed); anything else is a bug.
   */
  async openSocketStream(path: string): Promise<Duplex> {
    if (!/^\/[A-Za-z0-9._/-]+$/.test(path)) throw new Error(`unexpected socket path ${path}`);
    if (!this.mode) await this.openDockerStream().then((ch) => ch.destroy());
    if (this.mode === 'dial-stdio') return this.dialStdio(`docker -H unix://${path} system dial-stdio`);
    return this.streamLocal(path).catch((err: unknown) => {
      throw this.channelError(err);
    });
  }

  private streamLocal(path: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.openssh_forwardOutStreamLocal(path, (err, ch) => {
        if (err) return reject(err);
        resolve(this.track(ch));
      });
    });
  }

  private dialStdio(command = 'docker system dial-stdio'): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, ch) => {
        if (err) return reject(this.channelError(err));
        this.track(ch);
        let stderr = '';
        let sawData = false;
        ch.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        ch.on('data', () => {
          sawData = true;
        });
        ch.once('exit', (code: number | null) => {
          if (sawData || code === 0) return;
          (ch as unknown as Duplex).destroy(dockerUnavailable(this.server, this.target, code, stderr));
        });
        resolve(ch);
      });
    });
  }

  private channelError(err: unknown): EngineError {
    return new EngineError(this.server, `Cannot open an SSH channel: ${(err as Error).message}`, {
      hint: 'The server may limit sessions (MaxSessions in sshd_config) or the connection dropped; retry.',
      code: 'ssh_channel_failed',
      cause: err,
    });
  }

  /** Run a command on the server (argv joined for the remote shell; callers pass fixed strings). */
  exec(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, ch) => {
        if (err) return reject(this.channelError(err));
        this.track(ch);
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        ch.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        ch.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        ch.on('exit', (c: number | null) => {
          code = c;
        });
        ch.on('close', () => resolve({ code, stdout, stderr }));
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.client.once('close', () => resolve());
      this.client.end();
      setTimeout(resolve, 1000).unref();
    });
  }
}

function dockerUnavailable(
  server: string,
  target: SshTarget,
  code: number | null,
  stderr: string,
): RemoteError | EngineError {
  const detail = stderr.trim().split('\n').slice(-1)[0] ?? '';
  if (code === 127 || /not found/i.test(stderr)) {
    return new RemoteError(
      server,
      `Docker is not installed on ${target.host} (no \`docker\` command for user ${target.user})`,
      {
        hint: 'Install Docker on the server (on Debian: `apt-get install docker.io`), then retry.',
        code: 'docker_not_installed',
      },
    );
  }
  if (/permission denied/i.test(stderr)) {
    return new RemoteError(server, `User ${target.user} may not use the Docker socket on ${target.host}`, {
      hint: `Connect as root (User root in ~/.ssh/config) or add the user to the docker group: \`usermod -aG docker ${target.user}\`.`,
      code: 'docker_permission_denied',
    });
  }
  if (/cannot connect to the docker daemon|is the docker daemon running/i.test(stderr)) {
    return new EngineError(server, `The Docker daemon is not running on ${target.host}`, {
      hint: 'Start it on the server (`systemctl start docker`), then retry.',
      code: 'docker_not_running',
    });
  }
  return new EngineError(
    server,
    `docker system dial-stdio failed on ${target.host} (exit ${code}): ${detail}`,
    {
      hint: 'Run `docker version` on the server as the SSH user to see what is wrong.',
      code: 'docker_unreachable',
    },
  );
}
