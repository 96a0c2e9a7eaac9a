import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { nextLink, parseChallenge } from '../../src/domain/registry/headers.js';
import { isLoopbackRegistry, registryRepo } from '../../src/domain/registry/reference.js';
import { EngineError, UserError } from '../../src/errors.js';
import { RegistryClient } from '../../src/infra/registry/client.js';

describe('registryRepo', () => {
  const cases: [string, unknown][] = [
    ['nginx', { host: 'registry-1.docker.io', path: 'library/nginx', name: 'nginx' }],
    ['docker.io/nginx', { host: 'registry-1.docker.io', path: 'library/nginx', name: 'docker.io/nginx' }],
    [
      'index.docker.io/org/app',
      { host: 'registry-1.docker.io', path: 'org/app', name: 'index.docker.io/org/app' },
    ],
    ['gitea/gitea', { host: 'registry-1.docker.io', path: 'gitea/gitea', name: 'gitea/gitea' }],
    ['ghcr.io/org/sub/app', { host: 'ghcr.io', path: 'org/sub/app', name: 'ghcr.io/org/sub/app' }],
    [
      '127.0.0.1:5015/abra-lab/nginx',
      { host: '127.0.0.1:5015', path: 'abra-lab/nginx', name: '127.0.0.1:5015/abra-lab/nginx' },
    ],
    ['localhost/app', { host: 'localhost', path: 'app', name: 'localhost/app' }],
    ['${IMAGE}', undefined],
    ['Nginx', undefined],
    ['org//app', undefined],
    ['', undefined],
  ];
  for (const [input, want] of cases)
    it(input || '(empty)', () => assert.deepEqual(registryRepo(input), want));
  it('loopback hosts', () => {
    assert.equal(isLoopbackRegistry('127.0.0.1:5015'), true);
    assert.equal(isLoopbackRegistry('localhost:5000'), true);
    assert.equal(isLoopbackRegistry('[::1]:5000'), true);
    assert.equal(isLoopbackRegistry('registry-1.docker.io'), false);
    assert.equal(isLoopbackRegistry('127.example.com'), false);
  });
});

describe('parseChallenge / nextLink', () => {
  it('Docker Hub bearer challenge', () => {
    assert.deepEqual(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
        },
      },
    );
  });
  it('basic, unquoted and escaped values', () => {
    assert.deepEqual(parseChallenge('Basic realm="a \\"b\\"", charset=UTF-8'), {
      scheme: 'basic',
      params: { realm: 'a "b"', charset: 'UTF-8' },
    });
    assert.equal(parseChallenge(''), undefined);
    assert.equal(parseChallenge(null), undefined);
  });
  it('next link', () => {
    assert.equal(nextLink('</v2/x/tags/list?last=b&n=2>; rel="next"'), '/v2/x/tags/list?last=b&n=2');
    assert.equal(nextLink('<https://h/a>; rel="prev", <https://h/b>; rel=next'), 'https://h/b');
    assert.equal(nextLink('<https://h/a>; rel="prev"'), undefined);
    assert.equal(nextLink(undefined), undefined);
  });
});

// A registry speaking the API v2 on loopback: tokens from its own /token realm (Docker Hub's
// flow), tags in pages of 2, and misbehaving repositories.
const TAGS = ['1.0', '1.1', '2.0', '2.1-alpine', 'latest'];
const DIGEST = `sha256:${'ab'.repeat(32)}`;
let server: Server;
let host = '';
let tokenRequests = 0;
const routes: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => void> = {
  '/token': (_req, res, url) => {
    tokenRequests++;
    if (
      url.searchParams.get('scope') !== 'repository:org/app:pull' ||
      url.searchParams.get('service') !== 'test'
    )
      return void res.writeHead(403).end();
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ token: 'T0K' }));
  },
  '/v2/org/app/tags/list': (req, res, url) => {
    if (req.headers.authorization !== 'Bearer T0K') {
      res.setHeader(
        'WWW-Authenticate',
        `Bearer realm="http://${host}/token",service="test",scope="repository:org/app:pull"`,
      );
      return void res.writeHead(401).end();
    }
    const last = url.searchParams.get('last');
    const start = last === null ? 0 : TAGS.indexOf(last) + 1;
    const page = TAGS.slice(start, start + 2);
    if (start + 2 < TAGS.length)
      res.setHeader('Link', `</v2/org/app/tags/list?last=${page[1]}&n=2>; rel="next"`);
    res.end(JSON.stringify({ name: 'org/app', tags: page }));
  },
  '/v2/org/app/manifests/1.0': (req, res) => {
    assert.match(String(req.headers.accept), /manifest\.list\.v2\+json/);
    res.setHeader('Docker-Content-Digest', DIGEST);
    res.end(req.method === 'HEAD' ? undefined : '{}');
  },
  '/v2/org/nodigest/manifests/1.0': (_req, res) => res.end('{"schemaVersion":2}'),
  '/v2/org/empty/tags/list': (_req, res) => res.end('{"name":"org/empty","tags":null}'),
  '/v2/org/basic/tags/list': (_req, res) => {
    res.setHeader('WWW-Authenticate', 'Basic realm="x"');
    res.writeHead(401).end();
  },
  '/v2/org/broken/tags/list': (_req, res) => res.writeHead(503).end('down'),
  '/v2/org/garbage/tags/list': (_req, res) => res.end('<html>'),
  '/v2/org/huge/tags/list': (_req, res) =>
    res.end(JSON.stringify({ tags: Array(5000).fill('x'.repeat(100)) })),
  '/v2/org/loop/tags/list': (_req, res) => {
    res.setHeader('Link', '</v2/org/loop/tags/list?last=a>; rel="next"');
    res.end('{"tags":["a"]}');
  },
  '/v2/org/away/tags/list': (_req, res) => {
    res.setHeader('Link', '<http://example.com/v2/x/tags/list>; rel="next"');
    res.end('{"tags":["a"]}');
  },
  '/v2/org/hang/tags/list': () => {},
};

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const route = routes[url.pathname];
    if (route) route(req, res, url);
    else res.writeHead(404).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const repo = (path: string) => ({ host, path, name: `${host}/${path}` });

describe('RegistryClient', () => {
  it('follows the bearer challenge once and every page of tags', async () => {
    tokenRequests = 0;
    const client = new RegistryClient({ pageSize: 2 });
    assert.deepEqual(await client.tags(repo('org/app')), TAGS);
    assert.deepEqual(await client.tags(repo('org/app')), TAGS);
    assert.equal(tokenRequests, 1, 'the token is reused within one client');
  });
  it('digest from HEAD, else the sha256 of the manifest body', async () => {
    const client = new RegistryClient();
    assert.equal(await client.digest(repo('org/app'), '1.0'), DIGEST);
    assert.equal(
      await client.digest(repo('org/nodigest'), '1.0'),
      `sha256:${createHash('sha256').update('{"schemaVersion":2}').digest('hex')}`,
    );
  });
  it('a repository without tags is an empty list', async () => {
    assert.deepEqual(await new RegistryClient().tags(repo('org/empty')), []);
  });
  const failures: [string, RegistryClientCase][] = [
    ['missing repository', { path: 'org/none', type: UserError, code: 'registry_not_found' }],
    ['basic auth', { path: 'org/basic', type: UserError, code: 'registry_auth_required' }],
    ['5xx', { path: 'org/broken', type: EngineError, code: 'registry_503' }],
    ['not JSON', { path: 'org/garbage', type: EngineError, code: 'registry_bad_reply' }],
    ['too large', { path: 'org/huge', type: EngineError, code: 'registry_reply_too_large' }],
    ['endless pages', { path: 'org/loop', type: EngineError, code: 'registry_bad_reply' }],
    ['next page on another host', { path: 'org/away', type: EngineError, code: 'registry_bad_reply' }],
    ['no answer', { path: 'org/hang', type: EngineError, code: 'registry_timeout' }],
  ];
  for (const [name, c] of failures)
    it(`${name}: ${c.code}`, async () => {
      const client = new RegistryClient({ timeoutMs: 300, maxBytes: 64 * 1024, maxPages: 5 });
      await assert.rejects(client.tags(repo(c.path)), (err: unknown) => {
        assert.ok(err instanceof c.type, String(err));
        assert.equal((err as UserError).code, c.code);
        assert.match((err as UserError).where ?? '', new RegExp(`registry ${host}`));
        return true;
      });
    });
  it('unreachable: registry_unreachable, exit-3 kind', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const dead = { host: `127.0.0.1:${port}`, path: 'x', name: `127.0.0.1:${port}/x` };
    await assert.rejects(new RegistryClient({ timeoutMs: 2000 }).tags(dead), (err: unknown) => {
      assert.ok(err instanceof EngineError);
      assert.equal(err.code, 'registry_unreachable');
      assert.match(err.message, /ECONNREFUSED/);
      return true;
    });
  });
});

interface RegistryClientCase {
  path: string;
  type: typeof UserError | typeof EngineError;
  code: string;
}
