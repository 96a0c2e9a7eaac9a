// A small in-memory Docker engine on a unix socket: swarm configs (what the lock and the audit
// log are made of), secrets (list and create), /info and /_ping. Enough to drive service logic through its failure paths
// with the real Engine API client; the e2e tests prove the same against a real swarm.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeConfig {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: { Name: string; Labels?: Record<string, string>; Data?: string };
}

export interface FakeEngine {
  socket: string;
  env: NodeJS.ProcessEnv;
  configs: Map<string, FakeConfig>;
  /** Secrets by id, their Data as the API got it (base64). */
  secrets: Map<string, FakeConfig>;
  requests: string[];
  /** Answer a request with this status and message instead (return undefined to pass). */
  intercept: ((method: string, path: string) => { status: number; message: string } | undefined) | undefined;
  close(): Promise<void>;
}

export async function startFakeEngine(): Promise<FakeEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'abra-fake-engine-'));
  const socket = join(dir, 'docker.sock');
  const configs = new Map<string, FakeConfig>();
  const secrets = new Map<string, FakeConfig>();
  const requests: string[] = [];
  let seq = 0;
  let index = 10;
  const engine: FakeEngine = {
    socket,
    env: { DOCKER_HOST: `unix://${socket}` },
    configs,
    secrets,
    requests,
    intercept: undefined,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const byRef = (ref: string) => configs.get(ref) ?? [...configs.values()].find((c) => c.Spec.Name === ref);
  const handle = (req: IncomingMessage, body: string, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const method = req.method ?? 'GET';
    requests.push(`${method} ${path}`);
    const send = (status: number, value: unknown) => {
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(value));
    };
    const forced = engine.intercept?.(method, path);
    if (forced) return send(forced.status, { message: forced.message });
    if (path === '/_ping') return res.end('OK');
    if (path === '/info')
      return send(200, { SystemTime: new Date().toISOString(), Swarm: { LocalNodeState: 'active' } });
    if (path === '/configs' && method === 'GET') {
      const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as { label?: string[] };
      const wanted = filters.label ?? [];
      const match = (c: FakeConfig) =>
        wanted.every((l) => {
          const [k, v] = l.split('=') as [string, string | undefined];
          const have = c.Spec.Labels?.[k];
          return v === undefined ? have !== undefined : have === v;
        });
      return send(200, [...configs.values()].filter(match));
    }
    if (path === '/secrets' && method === 'GET') {
      const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as { name?: string[] };
      const names = filters.name;
      // Docker's name filter matches substrings; callers keep exact matches themselves.
      return send(
        200,
        [...secrets.values()].filter((s) => !names || names.some((n) => s.Spec.Name.includes(n))),
      );
    }
    if (path === '/secrets/create' && method === 'POST') {
      const spec = JSON.parse(body) as FakeConfig['Spec'];
      if ([...secrets.values()].some((s) => s.Spec.Name === spec.Name))
        return send(409, { message: `secret ${spec.Name} already exists` });
      const now = new Date().toISOString();
      const id = `sec${++seq}`;
      secrets.set(id, { ID: id, Version: { Index: ++index }, CreatedAt: now, UpdatedAt: now, Spec: spec });
      return send(201, { ID: id });
    }
    if (path === '/configs/create' && method === 'POST') {
      const spec = JSON.parse(body) as FakeConfig['Spec'];
      if (byRef(spec.Name)) return send(409, { message: `config ${spec.Name} already exists` });
      const now = new Date().toISOString();
      const id = `cfg${++seq}`;
      configs.set(id, { ID: id, Version: { Index: ++index }, CreatedAt: now, UpdatedAt: now, Spec: spec });
      return send(201, { ID: id });
    }
    const m = /^\/configs\/([^/]+)(\/update)?$/.exec(path);
    if (m) {
      const c = byRef(decodeURIComponent(m[1] as string));
      if (!c) return send(404, { message: 'config not found' });
      if (method === 'GET') return send(200, c);
      if (method === 'DELETE') {
        configs.delete(c.ID);
        res.statusCode = 204;
        return res.end();
      }
      if (m[2] && method === 'POST') {
        if (Number(url.searchParams.get('version')) !== c.Version.Index)
          return send(500, { message: 'rpc error: code = Unknown desc = update out of sequence' });
        c.Spec = JSON.parse(body) as FakeConfig['Spec'];
        c.Version.Index = ++index;
        c.UpdatedAt = new Date().toISOString();
        return send(200, {});
      }
    }
    return send(404, { message: `fake engine: no route for ${method} ${path}` });
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => handle(req, body, res));
  });
  await new Promise<void>((r) => server.listen(socket, r));
  return engine;
}
