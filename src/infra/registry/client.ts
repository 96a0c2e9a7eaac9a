// A small client for the Registry HTTP API v2 (distribution spec): a repository's tags (every
// page) and a manifest's digest. Anonymous pulls only: a `401` with a Bearer challenge is
// answered by asking the challenge's realm for a pull token (Docker Hub, GHCR, Gitea), a Basic
// challenge is reported as needing credentials. Every request has a deadline and every body a
// size bound: a registry is someone else's server.
import { createHash } from 'node:crypto';
import { nextLink, parseChallenge } from '../../domain/registry/headers.js';
import { isDigest, isLoopbackRegistry, type RegistryRepo } from '../../domain/registry/reference.js';
import { EngineError, errorMessage, UserError } from '../../errors.js';

export interface RegistryClientOptions {
  /** Per request, including reading the body. */
  timeoutMs?: number;
  /** Per response body. */
  maxBytes?: number;
  /** At most this many pages of tags (a registry that keeps linking is cut off). */
  maxPages?: number;
  /** Page size asked for (`n`); registries may answer fewer. */
  pageSize?: number;
  /** Hosts spoken to over plain HTTP besides loopback ones. */
  insecureHosts?: readonly string[];
  signal?: AbortSignal;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Reply {
  status: number;
  headers: Headers;
  body: Buffer;
  url: string;
}

export class RegistryClient {
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxPages: number;
  private readonly pageSize: number;
  /** `host scope` -> bearer token, for the life of this client (one command run). */
  private readonly tokens = new Map<string, string>();

  constructor(private readonly opts: RegistryClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.maxBytes = opts.maxBytes ?? 4 * 1024 * 1024;
    this.maxPages = opts.maxPages ?? 100;
    this.pageSize = opts.pageSize ?? 1000;
  }

  /** Every tag of a repository, in the registry's order, following `Link: rel="next"` pages. */
  async tags(repo: RegistryRepo): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = `${this.base(repo.host)}/v2/${repo.path}/tags/list?n=${this.pageSize}`;
    for (let page = 0; url !== undefined; page++) {
      if (page === this.maxPages)
        throw badReply(repo, `more than ${this.maxPages} pages of tags`, 'GET tags/list');
      const reply: Reply = await this.get(repo, url, 'GET tags/list', { Accept: 'application/json' });
      const data = parseJson(reply, repo, 'GET tags/list');
      const list = typeof data === 'object' && data !== null ? (data as { tags?: unknown }).tags : undefined;
      // A repository without tags answers `"tags": null`.
      if (list !== null && list !== undefined) {
        if (!Array.isArray(list) || !list.every((t) => typeof t === 'string'))
          throw badReply(repo, '"tags" is not a list of strings', 'GET tags/list');
        tags.push(...list);
      }
      const next = nextLink(reply.headers.get('link'));
      url = next === undefined ? undefined : new URL(next, reply.url).toString();
      if (url !== undefined && new URL(url).host !== new URL(reply.url).host)
        throw badReply(repo, `the next page points to another host (${new URL(url).host})`, 'GET tags/list');
    }
    return tags;
  }

  /**
   * The digest of `repo:reference` (a tag or digest): the manifest (or index, for multi-arch
   * images) the registry serves, as `docker pull` would pin it. HEAD first; registries that
   * omit Docker-Content-Digest get a GET and the body's sha256.
   */
  async digest(repo: RegistryRepo, reference: string): Promise<string> {
    const url = `${this.base(repo.host)}/v2/${repo.path}/manifests/${encodeURIComponent(reference)}`;
    const headers = { Accept: MANIFEST_TYPES };
    const head = await this.request(repo, url, 'HEAD manifest', 'HEAD', headers);
    this.check(head, repo, 'HEAD manifest', reference);
    const fromHeader = head.headers.get('docker-content-digest');
    if (fromHeader && isDigest(fromHeader)) return fromHeader;
    const get = await this.get(repo, url, 'GET manifest', headers, reference);
    return `sha256:${createHash('sha256').update(get.body).digest('hex')}`;
  }

  private base(host: string): string {
    const insecure = isLoopbackRegistry(host) || (this.opts.insecureHosts ?? []).includes(host);
    return `${insecure ? 'http' : 'https'}://${host}`;
  }

  private async get(
    repo: RegistryRepo,
    url: string,
    operation: string,
    headers: Record<string, string>,
    reference?: string,
  ): Promise<Reply> {
    const reply = await this.request(repo, url, operation, 'GET', headers);
    this.check(reply, repo, operation, reference);
    return reply;
  }

  /** One request, answering a Bearer challenge once with a pull token. */
  private async request(
    repo: RegistryRepo,
    url: string,
    operation: string,
    method: 'GET' | 'HEAD',
    headers: Record<string, string>,
  ): Promise<Reply> {
    const scope = `repository:${repo.path}:pull`;
    const key = `${repo.host} ${scope}`;
    const token = this.tokens.get(key);
    const first = await this.send(repo, url, operation, method, withToken(headers, token));
    if (first.status !== 401 || token !== undefined) return first;
    const challenge = parseChallenge(first.headers.get('www-authenticate'));
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm)
      throw new UserError(`The registry ${repo.host} wants credentials to read ${repo.name}`, {
        where: `registry ${repo.host}`,
        hint: 'Only public images can be checked: make the image public, or use an image from a public registry.',
        code: 'registry_auth_required',
      });
    const fresh = await this.token(repo, challenge.params, scope);
    this.tokens.set(key, fresh);
    return this.send(repo, url, operation, method, withToken(headers, fresh));
  }

  private async token(repo: RegistryRepo, params: Record<string, string>, scope: string): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(params.realm ?? '');
    } catch {
      throw badReply(repo, `its auth challenge names no valid realm (${params.realm})`, 'token');
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopbackRegistry(realm.host)))
      throw badReply(repo, `its auth realm ${realm.origin} is not https`, 'token');
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', scope);
    const reply = await this.send(repo, realm.toString(), 'GET token', 'GET', { Accept: 'application/json' });
    if (reply.status === 401 || reply.status === 403)
      throw new UserError(`The registry ${repo.host} refused anonymous access to ${repo.name}`, {
        where: `registry ${repo.host}`,
        hint: 'Check the image name (private or missing images look alike to anonymous users).',
        code: 'registry_denied',
      });
    this.check(reply, repo, 'GET token');
    const data = parseJson(reply, repo, 'GET token') as { token?: unknown; access_token?: unknown } | null;
    const t = data?.token ?? data?.access_token;
    if (typeof t !== 'string' || t === '') throw badReply(repo, 'its token reply has no token', 'GET token');
    return t;
  }

  private check(reply: Reply, repo: RegistryRepo, operation: string, reference?: string): void {
    const s = reply.status;
    if (s >= 200 && s < 300) return;
    const what = reference === undefined ? repo.name : `${repo.name}:${reference}`;
    if (s === 404)
      throw new UserError(`The registry ${repo.host} has no ${what}`, {
        where: `registry ${repo.host}`,
        hint: 'Check the image name and tag in the compose file.',
        code: 'registry_not_found',
      });
    if (s === 401 || s === 403)
      throw new UserError(`The registry ${repo.host} refused access to ${what} (${s})`, {
        where: `registry ${repo.host}`,
        hint: 'Only public images can be checked: check the image name, or make the image public.',
        code: 'registry_denied',
      });
    const hint =
      s === 429
        ? 'The registry rate-limits anonymous clients: wait a while, then retry.'
        : `Check that ${repo.host} works (\`curl ${this.base(repo.host)}/v2/\`), then retry.`;
    throw new EngineError(repo.host, `The registry ${repo.host} answered ${s} to ${operation} for ${what}`, {
      operation,
      status: s,
      where: `registry ${repo.host}`,
      hint,
      code: `registry_${s}`,
    });
  }

  private async send(
    repo: RegistryRepo,
    url: string,
    operation: string,
    method: 'GET' | 'HEAD',
    headers: Record<string, string>,
  ): Promise<Reply> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, deadline]) : deadline;
    try {
      // Redirects are followed by fetch (blob and token hosts); manual would gain nothing here.
      const res = await fetch(url, { method, headers, signal });
      const body = method === 'HEAD' ? Buffer.alloc(0) : await readBounded(res, this.maxBytes);
      if (body === undefined) {
        throw new EngineError(
          repo.host,
          `The registry ${repo.host} sent more than ${this.maxBytes} bytes to ${operation}`,
          {
            operation,
            where: `registry ${repo.host}`,
            hint: 'The registry answered with an unexpectedly large reply; check its address.',
            code: 'registry_reply_too_large',
          },
        );
      }
      return { status: res.status, headers: res.headers, body, url: res.url || url };
    } catch (err) {
      if (err instanceof EngineError || err instanceof UserError) throw err;
      if (this.opts.signal?.aborted) throw err;
      const timedOut = deadline.aborted;
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      throw new EngineError(
        repo.host,
        timedOut
          ? `The registry ${repo.host} did not answer ${operation} within ${this.timeoutMs / 1000} s`
          : `Could not reach the registry ${repo.host}: ${errorMessage(cause)}`,
        {
          operation,
          where: `registry ${repo.host}`,
          hint: `Check the registry address and this machine's network (\`curl ${this.base(repo.host)}/v2/\`), then retry.`,
          code: timedOut ? 'registry_timeout' : 'registry_unreachable',
          cause: err,
        },
      );
    }
  }
}

function withToken(headers: Record<string, string>, token: string | undefined): Record<string, string> {
  return token === undefined ? headers : { ...headers, Authorization: `Bearer ${token}` };
}

/** The body, or undefined once it passes `max` bytes (the rest is not read). */
async function readBounded(res: Response, max: number): Promise<Buffer | undefined> {
  const length = Number(res.headers.get('content-length') ?? Number.NaN);
  if (length > max) {
    await res.body?.cancel();
    return undefined;
  }
  if (res.body === null) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

function parseJson(reply: Reply, repo: RegistryRepo, operation: string): unknown {
  try {
    return JSON.parse(reply.body.toString('utf8'));
  } catch {
    throw badReply(repo, 'its reply is not JSON', operation);
  }
}

function badReply(repo: RegistryRepo, what: string, operation: string): EngineError {
  return new EngineError(repo.host, `The registry ${repo.host} sent a bad reply to ${operation}: ${what}`, {
    operation,
    where: `registry ${repo.host}`,
    hint: `Check that ${repo.host} is a container registry (Registry HTTP API v2), then retry.`,
    code: 'registry_bad_reply',
  });
}
