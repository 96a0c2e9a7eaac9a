import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import {
  EngineError,
  engineFailed,
  engineUnreachable,
  errnoCode,
  errorMessage,
  isExpectedError,
  RemoteError,
  type UserError,
} from '../../errors.js';
import type {
  DockerEvent,
  Network,
  NetworkCreate,
  Service,
  ServiceSpec,
  SwarmNode,
  SwarmNodeSpec,
  SwarmObject,
  SwarmObjectSpec,
  Task,
  Volume,
} from './swarm-types.js';
import type { DockerTransport } from './transport.js';
import {
  DOCKER_API_VERSION,
  type Filters,
  type NetworkSummary,
  type ServiceSummary,
  type SystemInfo,
  type SystemVersion,
  type TaskSummary,
} from './types.js';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | Filters | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** What a 2xx body must be: JSON (default; 'array'/'object' also check the top level) or text. */
  expect?: 'json' | 'array' | 'object' | 'text';
  /** A streamed request body (sent chunked), instead of `body`. */
  raw?: Readable;
}

/** Replies larger than this are refused: the largest real ones (service lists) are a few MiB. */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;
/** One line of the event stream; real events are well under a KiB. */
const MAX_EVENT_LINE = 1024 * 1024;

/**
 * The Engine API refused a request (HTTP 4xx), with Docker's own message: the request was
 * wrong (a spec, a name clash, a missing object), so callers turn it into advice. Server
 * errors (5xx) are EngineErrors instead, except the ones below.
 */
export class DockerApiError extends RemoteError {
  constructor(
    server: string,
    readonly status: number,
    readonly apiMessage: string,
    readonly operation: string,
  ) {
    super(server, `Docker engine refused ${operation}: ${apiMessage}`, { code: `docker_api_${status}` });
    this.name = 'DockerApiError';
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Swarm answers a stale object version with gRPC Unknown, which the engine maps to 500. It is
 * a conflict between two writers, not an engine failure, and callers handle it as such.
 */
const CONFLICT_AS_500 = /update out of sequence/i;

const DF_BUSY = /disk usage operation is already running/i;
/** About 12 s of waiting in all (100 ms, 200 ms, ...), more than one df of a busy engine takes. */
const DF_ATTEMPTS = 15;

function answerError(
  server: string,
  status: number,
  apiMessage: string,
  operation: string,
): UserError | EngineError {
  if (status >= 500 && !CONFLICT_AS_500.test(apiMessage))
    return engineFailed(server, operation, status, apiMessage);
  return new DockerApiError(server, status, apiMessage, operation);
}

/**
 * The one Engine API client: typed calls over any DockerTransport, API version pinned so a
 * newer engine answers in the shape we were written for.
 */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  State: string;
  Labels: Record<string, string> | null;
}

export interface VolumeUsage {
  Name: string;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface SystemDf {
  LayersSize?: number | null;
  Images?: { Size?: number | null; SharedSize?: number | null; Containers?: number | null }[] | null;
  Containers?: { SizeRw?: number | null; State?: string | null }[] | null;
  Volumes?: { Name?: string; UsageData?: { Size?: number | null; RefCount?: number | null } | null }[] | null;
  BuildCache?: { Size?: number | null }[] | null;
}

export type PruneKind = 'containers' | 'networks' | 'images' | 'volumes';

export interface PruneAnswer {
  /** Names or ids the engine reports as deleted. */
  deleted: string[];
  /** Bytes freed (0 for networks, which take no space). */
  spaceReclaimed: number;
}

/** POST /containers/{id}/exec */
export interface ExecCreate {
  Cmd: string[];
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Tty: boolean;
  Env?: string[];
  User?: string;
  WorkingDir?: string;
}

/** The X-Docker-Container-Path-Stat header of HEAD /containers/{id}/archive. */
export interface ContainerPathStat {
  name: string;
  size: number;
  /** Go's os.FileMode bits: directory is 1 << 31, symlink 1 << 27. */
  mode: number;
  mtime: string;
  linkTarget: string;
}

export class DockerClient {
  /** Number of HTTP requests issued, for benchmarks and the "constant calls" promise. */
  calls = 0;

  private ownNode: Promise<string> | undefined;

  constructor(
    readonly server: string,
    private readonly transport: DockerTransport,
    private apiVersion = DOCKER_API_VERSION,
    /** Reaches another node's engine (the connector's gateways); absent: only this node. */
    private readonly nodeAccess?: (nodeId: string) => Promise<DockerClient>,
  ) {}

  /** The swarm node id of the engine this client talks to ('' outside a swarm). */
  nodeId(): Promise<string> {
    this.ownNode ??= this.info().then(
      (i) => i.Swarm?.NodeID ?? '',
      (err: unknown) => {
        this.ownNode = undefined;
        throw err;
      },
    );
    return this.ownNode;
  }

  /**
   * A client for the engine of `nodeId`: this one for its own node, else one through a gateway
   * on the swarm (containers, exec and archives are node-local; the swarm API is not).
   */
  async forNode(nodeId: string): Promise<DockerClient> {
    if (!nodeId || nodeId === (await this.nodeId())) return this;
    if (!this.nodeAccess)
      throw new RemoteError(this.server, `Node ${nodeId} cannot be reached from ${this.server}`, {
        code: 'node_unreachable',
      });
    return this.nodeAccess(nodeId);
  }

  /** The API version requests use (raised once if the engine refuses ours as too old). */
  get negotiatedVersion(): string {
    return this.apiVersion;
  }

  get endpoint(): string {
    return this.transport.endpoint;
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts);
    const operation = `${method} ${path}`;
    const text = await readBody(res, MAX_REPLY_BYTES).catch((err: unknown) => {
      throw err instanceof ReplyTooLarge ? this.malformed(operation, err.message) : err;
    });
    if (!text) return undefined as T;
    const expect = opts.expect ?? 'json';
    if (expect === 'text') return text as T;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      const type = res.headers['content-type'] ?? 'no content type';
      throw this.malformed(operation, `not JSON (${type}): ${preview(text)}`);
    }
    const isObject = parsed !== null && typeof parsed === 'object';
    if (expect === 'array' && !Array.isArray(parsed))
      throw this.malformed(operation, `expected a list, got ${preview(text)}`);
    if (expect === 'object' && (!isObject || Array.isArray(parsed)))
      throw this.malformed(operation, `expected an object, got ${preview(text)}`);
    return parsed as T;
  }

  /** A 2xx reply abra cannot read: the engine (or something posing as it) is not speaking the API. */
  private malformed(operation: string, detail: string): RemoteError {
    return new RemoteError(
      this.server,
      `The Docker engine sent an unreadable reply to ${operation}: ${detail}`,
      {
        hint: 'Check that DOCKER_HOST (or the server) points at a Docker engine and not a proxy or web server, e.g. with `docker -H <host> version`.',
        code: 'docker_reply_malformed',
      },
    );
  }

  /** Open a request and hand back the live response (events, logs). Caller consumes it. */
  async stream(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    return this.send(method, path, { ...opts, timeoutMs: opts.timeoutMs ?? 0 });
  }

  /**
   * Engines from Docker 29 on refuse API versions below 1.44 ("client version 1.41 is too old").
   * The endpoints and fields abra uses are unchanged up to there, so, like the docker CLI's
   * negotiation, switch to the engine's minimum once and retry.
   */
  private async send(method: string, path: string, opts: RequestOptions): Promise<IncomingMessage> {
    try {
      return await this.sendOnce(method, path, opts);
    } catch (err) {
      const minimum =
        err instanceof DockerApiError && err.status === 400 ? tooOldMinimum(err.apiMessage) : undefined;
      if (minimum === undefined || minimum === this.apiVersion) throw err;
      this.apiVersion = minimum;
      return this.sendOnce(method, path, opts);
    }
  }

  private sendOnce(method: string, path: string, opts: RequestOptions): Promise<IncomingMessage> {
    this.calls++;
    const operation = `${method} ${path}`;
    const url = `/v${this.apiVersion}${path}${encodeQuery(opts.query)}`;
    const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const headers: Record<string, string> = { Host: 'docker', ...opts.headers };
    if (body) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(body.length);
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest({
        method,
        path: url,
        headers,
        agent: this.transport.agent,
        ...(this.transport.socketPath ? { socketPath: this.transport.socketPath } : {}),
      });
      const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              req.destroy(
                new EngineError(
                  this.server,
                  `The Docker engine on ${this.server} did not answer ${operation} within ${timeoutMs / 1000}s`,
                  {
                    operation,
                    hint: 'The engine may be overloaded or the connection stalled; retry, or check `docker info` on the server.',
                    code: 'docker_timeout',
                  },
                ),
              );
            }, timeoutMs)
          : undefined;
      req.once('response', async (res) => {
        if (timer) clearTimeout(timer);
        if ((res.statusCode ?? 500) < 400) return resolve(res);
        const text = await readBody(res).catch(() => '');
        reject(answerError(this.server, res.statusCode ?? 500, apiMessage(text), operation));
      });
      req.once('error', (err) => {
        if (timer) clearTimeout(timer);
        reject(this.transportError(err, operation));
      });
      if (opts.raw) {
        opts.raw.once('error', (err) => req.destroy(err));
        opts.raw.pipe(req);
      } else req.end(body);
    });
  }

  private transportError(err: unknown, operation: string): UserError | EngineError {
    if (isExpectedError(err)) return err;
    const code = errnoCode(err);
    const socket = this.transport.socketPath;
    if (socket && code === 'ENOENT') {
      return new RemoteError(
        this.server,
        `No Docker engine at ${socket}: Docker is not installed or not running`,
        {
          hint: 'Install Docker (`apt-get install docker.io` on Debian) and start it, or set DOCKER_HOST=unix:///path/to/docker.sock.',
          code: 'docker_not_installed',
        },
      );
    }
    if (socket && code === 'EACCES') {
      return new RemoteError(this.server, `Permission denied on the Docker socket ${socket}`, {
        hint: 'Run abra as a user in the `docker` group (`usermod -aG docker $USER`, then log in again) or as root.',
        code: 'docker_permission_denied',
      });
    }
    if (socket && code === 'ECONNREFUSED') {
      return engineUnreachable(this.server, `the daemon is not running (${socket} refuses connections)`, {
        operation,
        hint: 'Start dockerd (`systemctl start docker`), then retry.',
        code: 'docker_not_running',
      });
    }
    return engineUnreachable(this.server, `the connection broke during ${operation}: ${errorMessage(err)}`, {
      operation,
      hint: `Check that the server is up (\`abra server ls\`) and that \`ssh ${this.server} docker info\` works, then retry.`,
      code: 'docker_transport_failed',
      cause: err,
    });
  }

  // --- typed endpoints --------------------------------------------------------------------

  async ping(): Promise<void> {
    await this.request<string>('GET', '/_ping', { expect: 'text' });
  }

  version(): Promise<SystemVersion> {
    return this.request<SystemVersion>('GET', '/version', { expect: 'object' });
  }

  info(): Promise<SystemInfo> {
    return this.request<SystemInfo>('GET', '/info', { expect: 'object' });
  }

  listNetworks(filters?: Filters): Promise<NetworkSummary[]> {
    return this.request<NetworkSummary[]>('GET', '/networks', { query: { filters }, expect: 'array' });
  }

  listServices(filters?: Filters, status = false): Promise<ServiceSummary[]> {
    return this.request<ServiceSummary[]>('GET', '/services', {
      query: { filters, status: status || undefined },
    });
  }

  listTasks(filters?: Filters): Promise<TaskSummary[]> {
    return this.request<TaskSummary[]>('GET', '/tasks', { query: { filters }, expect: 'array' });
  }

  /** `docker swarm init`: this engine becomes the first manager of a new swarm; its node id. */
  swarmInit(spec: { AdvertiseAddr: string; ListenAddr?: string }): Promise<string> {
    return this.request<string>('POST', '/swarm/init', {
      body: { ListenAddr: spec.ListenAddr ?? '0.0.0.0:2377', AdvertiseAddr: spec.AdvertiseAddr },
      timeoutMs: 120_000,
    });
  }

  /** `GET /system/df`: what images, containers, volumes and the build cache take on disk. */
  systemDf(): Promise<SystemDf> {
    return this.diskUsage<SystemDf>();
  }

  /**
   * dockerd computes disk usage for one caller at a time and answers 500 "a disk usage operation
   * is already running" to the others (another operator, the dashboard, a second server name for
   * the same engine). That is a wait, not a failure: retry for a while before giving up.
   */
  private async diskUsage<T>(): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request<T>('GET', '/system/df', { expect: 'object', timeoutMs: 120_000 });
      } catch (err) {
        const busy = err instanceof EngineError && err.status === 500 && DF_BUSY.test(err.message);
        if (!busy || attempt >= DF_ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  // --- swarm objects ------------------------------------------------------------------------

  services(filters?: Filters, status = false): Promise<Service[]> {
    return this.request<Service[]>('GET', '/services', {
      query: { filters, status: status || undefined },
      expect: 'array',
    });
  }

  inspectService(id: string): Promise<Service> {
    return this.request<Service>('GET', `/services/${encodeURIComponent(id)}`, { expect: 'object' });
  }

  /** No registry auth and no digest pinning: images are used as named (offline servers work). */
  createService(spec: ServiceSpec): Promise<{ ID: string; Warnings?: string[] | null }> {
    return this.request('POST', '/services/create', { body: spec });
  }

  updateService(
    id: string,
    version: number,
    spec: ServiceSpec,
    opts: { rollback?: 'previous' } = {},
  ): Promise<{ Warnings?: string[] | null }> {
    return this.request('POST', `/services/${encodeURIComponent(id)}/update`, {
      query: { version, rollback: opts.rollback },
      body: spec,
    });
  }

  async removeService(id: string): Promise<void> {
    await this.request('DELETE', `/services/${encodeURIComponent(id)}`);
  }

  tasks(filters?: Filters): Promise<Task[]> {
    return this.request<Task[]>('GET', '/tasks', { query: { filters }, expect: 'array' });
  }

  networks(filters?: Filters): Promise<Network[]> {
    return this.request<Network[]>('GET', '/networks', { query: { filters }, expect: 'array' });
  }

  createNetwork(spec: NetworkCreate): Promise<{ Id: string; Warning?: string }> {
    return this.request('POST', '/networks/create', { body: spec });
  }

  async removeNetwork(id: string): Promise<void> {
    await this.request('DELETE', `/networks/${encodeURIComponent(id)}`);
  }

  secrets(filters?: Filters): Promise<SwarmObject[]> {
    return this.request<SwarmObject[]>('GET', '/secrets', { query: { filters }, expect: 'array' });
  }

  createSecret(spec: SwarmObjectSpec): Promise<{ ID: string }> {
    return this.request('POST', '/secrets/create', { body: spec });
  }

  async removeSecret(id: string): Promise<void> {
    await this.request('DELETE', `/secrets/${encodeURIComponent(id)}`);
  }

  configs(filters?: Filters): Promise<SwarmObject[]> {
    return this.request<SwarmObject[]>('GET', '/configs', { query: { filters }, expect: 'array' });
  }

  createConfig(spec: SwarmObjectSpec): Promise<{ ID: string }> {
    return this.request('POST', '/configs/create', { body: spec });
  }

  async removeConfig(id: string): Promise<void> {
    await this.request('DELETE', `/configs/${encodeURIComponent(id)}`);
  }

  /** The swarm's nodes (a manager only). */
  nodes(filters?: Filters): Promise<SwarmNode[]> {
    return this.request<SwarmNode[]>('GET', '/nodes', { query: { filters }, expect: 'array' });
  }

  /**
   * Replace a node's spec (availability, labels, role) at `version`; an update from a stale
   * version is refused by the engine, so a concurrent change is never overwritten.
   */
  async updateNode(id: string, version: number, spec: SwarmNodeSpec): Promise<void> {
    await this.request('POST', `/nodes/${encodeURIComponent(id)}/update`, { query: { version }, body: spec });
  }

  /** Containers on the node this engine runs (swarm tasks on other nodes are not listed). */
  containers(filters?: Filters): Promise<ContainerSummary[]> {
    return this.request<ContainerSummary[]>('GET', '/containers/json', { query: { all: true, filters } });
  }

  /** Remove a container on this engine (`force`: also a running one). */
  async removeContainer(id: string, force = false): Promise<void> {
    await this.request('DELETE', `/containers/${encodeURIComponent(id)}`, {
      query: { force: force || undefined },
    });
  }

  async volumes(filters?: Filters): Promise<Volume[]> {
    const res = await this.request<{ Volumes: Volume[] | null }>('GET', '/volumes', {
      query: { filters },
      expect: 'object',
    });
    return res.Volumes ?? [];
  }

  async removeVolume(name: string, force = false): Promise<void> {
    await this.request('DELETE', `/volumes/${encodeURIComponent(name)}`, {
      query: { force: force || undefined },
    });
  }

  /** Disk usage of this engine's volumes (one call; `UsageData.Size` is -1 when not computed). */
  async volumeUsage(): Promise<VolumeUsage[]> {
    const res = await this.diskUsage<{ Volumes?: VolumeUsage[] | null }>();
    return res.Volumes ?? [];
  }

  /**
   * `POST /<kind>/prune`: the engine removes what is unused (stopped containers, networks with
   * no endpoint, dangling or unused images, volumes no container refers to) matching `filters`.
   */
  async prune(kind: PruneKind, filters?: Filters): Promise<PruneAnswer> {
    const res = await this.request<Record<string, unknown> | undefined>('POST', `/${kind}/prune`, {
      query: { filters },
      timeoutMs: 600_000,
    });
    const deleted = (key: string): string[] => {
      const v = res?.[key];
      if (!Array.isArray(v)) return [];
      // Images answer [{Untagged|Deleted: id}], the others a list of names or ids.
      return v.map((x) =>
        typeof x === 'string'
          ? x
          : String((x as Record<string, unknown>).Deleted ?? (x as Record<string, unknown>).Untagged ?? ''),
      );
    };
    const key = {
      containers: 'ContainersDeleted',
      networks: 'NetworksDeleted',
      images: 'ImagesDeleted',
      volumes: 'VolumesDeleted',
    }[kind];
    const space = res?.SpaceReclaimed;
    return { deleted: deleted(key), spaceReclaimed: typeof space === 'number' ? space : 0 };
  }

  /** Does an image exist on this engine (no registry involved)? */
  async hasImage(ref: string): Promise<boolean> {
    try {
      await this.request('GET', `/images/${encodeURIComponent(ref)}/json`);
      return true;
    } catch (err) {
      if (err instanceof DockerApiError && err.status === 404) return false;
      throw err;
    }
  }

  /**
   * Pull an image onto this engine from its registry (`docker pull`). Resolves undefined when
   * pulled, else the registry's (or engine's) reason: an unreachable registry answers 5xx at
   * once, a failure part-way comes as an `error` line in the progress stream.
   */
  async pullImage(ref: string, timeoutMs = 600_000): Promise<string | undefined> {
    let res: IncomingMessage;
    try {
      res = await this.send('POST', '/images/create', { query: { fromImage: ref }, timeoutMs });
    } catch (err) {
      // The registry's answer, as the engine relays it; an engine that cannot be reached is not one.
      if (err instanceof DockerApiError) return err.apiMessage;
      if (err instanceof EngineError && err.status !== undefined) {
        const text = errorMessage(err);
        const at = text.indexOf('/images/create: ');
        return at < 0 ? text : text.slice(at + '/images/create: '.length);
      }
      throw err;
    }
    let buf = '';
    let failure: string | undefined;
    for await (const chunk of res) {
      buf += (chunk as Buffer).toString('utf8');
      // Progress lines are only scanned for an error; keep the tail, never the whole stream.
      const lines = buf.split('\n');
      buf = (lines.pop() ?? '').slice(-MAX_EVENT_LINE);
      for (const line of lines) failure = pullError(line) ?? failure;
    }
    return pullError(buf) ?? failure;
  }

  private eventOf(line: string): DockerEvent {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw this.malformed('GET /events', `an event that is not JSON: ${preview(line)}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw this.malformed('GET /events', `an event that is not an object: ${preview(line)}`);
    return parsed as DockerEvent;
  }

  /**
   * The engine's event stream as parsed JSON objects; ends when `signal` aborts. Service
   * events are cluster-wide on a manager, container events only local (see docs/dockerlab.md).
   */
  async *events(
    opts: { filters?: Filters; since?: string; signal?: AbortSignal } = {},
  ): AsyncGenerator<DockerEvent> {
    const res = await this.stream('GET', '/events', { query: { filters: opts.filters, since: opts.since } });
    const abort = () => res.destroy();
    opts.signal?.addEventListener('abort', abort, { once: true });
    let buf = '';
    try {
      for await (const chunk of res) {
        buf += (chunk as Buffer).toString('utf8');
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) yield this.eventOf(line);
          nl = buf.indexOf('\n');
        }
        if (buf.length > MAX_EVENT_LINE)
          throw this.malformed('GET /events', 'an event line longer than 1 MiB');
      }
    } catch (err) {
      if (!opts.signal?.aborted) throw err;
    } finally {
      opts.signal?.removeEventListener('abort', abort);
      res.destroy();
    }
  }

  /**
   * A service's logs, demultiplexed (stdout and stderr frames of the non-TTY stream format).
   * `follow` keeps the stream open until `signal` aborts.
   */
  async *serviceLogs(
    id: string,
    opts: {
      follow?: boolean;
      since?: string;
      tail?: string;
      timestamps?: boolean;
      stderr?: boolean;
      stdout?: boolean;
      signal?: AbortSignal;
    } = {},
  ): AsyncGenerator<{ stream: 'stdout' | 'stderr'; line: string }> {
    const res = await this.stream('GET', `/services/${encodeURIComponent(id)}/logs`, {
      query: {
        follow: opts.follow || undefined,
        since: opts.since,
        tail: opts.tail,
        timestamps: opts.timestamps || undefined,
        stdout: opts.stdout ?? true,
        stderr: opts.stderr ?? true,
      },
    });
    const abort = () => res.destroy();
    opts.signal?.addEventListener('abort', abort, { once: true });
    let buf = Buffer.alloc(0);
    const pending = { stdout: '', stderr: '' };
    try {
      for await (const chunk of res) {
        buf = Buffer.concat([buf, chunk as Buffer]);
        while (buf.length >= 8) {
          const size = buf.readUInt32BE(4);
          if (buf.length < 8 + size) break;
          const kind = buf[0] === 2 ? 'stderr' : 'stdout';
          pending[kind] += buf.subarray(8, 8 + size).toString('utf8');
          buf = buf.subarray(8 + size);
          let nl = pending[kind].indexOf('\n');
          while (nl >= 0) {
            yield { stream: kind, line: pending[kind].slice(0, nl) };
            pending[kind] = pending[kind].slice(nl + 1);
            nl = pending[kind].indexOf('\n');
          }
        }
      }
    } catch (err) {
      if (!opts.signal?.aborted) throw err;
    } finally {
      opts.signal?.removeEventListener('abort', abort);
      res.destroy();
    }
    for (const kind of ['stdout', 'stderr'] as const)
      if (pending[kind]) yield { stream: kind, line: pending[kind] };
  }

  // --- exec and archives (app run, app cmd, app cp) ----------------------------------------

  createExec(containerId: string, spec: ExecCreate): Promise<{ Id: string }> {
    return this.request('POST', `/containers/${encodeURIComponent(containerId)}/exec`, { body: spec });
  }

  /**
   * Start an exec attached: the engine upgrades the HTTP connection (101) and hands back the raw
   * stream, stdin one way and output the other (multiplexed unless the exec has a TTY). Works
   * over any transport: the socket the agent gives, unix or an SSH channel, is the stream.
   */
  startExec(id: string, opts: { tty: boolean }): Promise<Duplex> {
    this.calls++;
    const operation = `POST /exec/${id}/start`;
    const body = Buffer.from(JSON.stringify({ Detach: false, Tty: opts.tty }));
    return new Promise((resolve, reject) => {
      const req = httpRequest({
        method: 'POST',
        path: `/v${this.apiVersion}/exec/${encodeURIComponent(id)}/start`,
        headers: {
          Host: 'docker',
          'Content-Type': 'application/json',
          'Content-Length': String(body.length),
          Connection: 'Upgrade',
          Upgrade: 'tcp',
        },
        agent: this.transport.agent,
        ...(this.transport.socketPath ? { socketPath: this.transport.socketPath } : {}),
      });
      req.once('upgrade', (_res, socket: Duplex, head: Buffer) => {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      req.once('response', async (res) => {
        const text = await readBody(res).catch(() => '');
        reject(answerError(this.server, res.statusCode ?? 500, apiMessage(text), operation));
      });
      req.once('error', (err) => reject(this.transportError(err, operation)));
      req.end(body);
    });
  }

  inspectExec(id: string): Promise<{ ExitCode: number | null; Running: boolean }> {
    return this.request('GET', `/exec/${encodeURIComponent(id)}/json`);
  }

  async resizeExec(id: string, size: { rows: number; columns: number }): Promise<void> {
    await this.request('POST', `/exec/${encodeURIComponent(id)}/resize`, {
      query: { h: size.rows, w: size.columns },
    });
  }

  /** What a path in a container is, or undefined when it does not exist. */
  async statPath(containerId: string, path: string): Promise<ContainerPathStat | undefined> {
    try {
      const res = await this.stream('HEAD', `/containers/${encodeURIComponent(containerId)}/archive`, {
        query: { path },
        timeoutMs: DEFAULT_TIMEOUT_MS,
      });
      res.resume();
      const header = res.headers['x-docker-container-path-stat'];
      if (typeof header !== 'string') return undefined;
      return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as ContainerPathStat;
    } catch (err) {
      if (err instanceof DockerApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** A tar stream of a path in a container (its top entry named after the path's base name). */
  getArchive(containerId: string, path: string): Promise<IncomingMessage> {
    return this.stream('GET', `/containers/${encodeURIComponent(containerId)}/archive`, { query: { path } });
  }

  /** Extract a tar stream into a directory of a container; the body is streamed, never held. */
  async putArchive(containerId: string, dir: string, tar: Readable): Promise<void> {
    const res = await this.send('PUT', `/containers/${encodeURIComponent(containerId)}/archive`, {
      query: { path: dir, noOverwriteDirNonDir: true },
      headers: { 'Content-Type': 'application/x-tar' },
      raw: tar,
      timeoutMs: 0,
    });
    await readBody(res);
  }

  close(): void {
    this.transport.close();
  }
}

/** "client version 1.41 is too old. Minimum supported API version is 1.44, ..." -> "1.44" */
export function tooOldMinimum(message: string): string | undefined {
  return /too old.*minimum supported api version is (\d+\.\d+)/i.exec(message)?.[1];
}

function encodeQuery(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    params.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

class ReplyTooLarge extends Error {}

function readBody(res: IncomingMessage, max = MAX_REPLY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        res.destroy();
        reject(new ReplyTooLarge(`a reply larger than ${Math.round(max / 1024 / 1024)} MiB`));
        return;
      }
      chunks.push(c);
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
}

/** The start of a reply for a message: one line, printable, short. */
function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 77)}...` : flat);
}

function apiMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  // An error page from a proxy is HTML over many lines: one line of it is enough.
  const flat = text.replace(/\s+/g, ' ').trim();
  return (flat.length > 200 ? `${flat.slice(0, 197)}...` : flat) || 'no message';
}

/** The reason in one line of a pull's progress stream (`{"error": ...}`), if it is one. */
function pullError(line: string): string | undefined {
  if (!line.trim().startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as { error?: unknown; errorDetail?: { message?: unknown } };
    const m = v.errorDetail?.message ?? v.error;
    return typeof m === 'string' && m !== '' ? m : undefined;
  } catch {
    return undefined;
  }
}
