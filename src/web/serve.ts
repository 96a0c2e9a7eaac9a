import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { EventSink } from '../domain/events/types.js';
import { UserError } from '../errors.js';
import { createWebApp } from './app.js';
import { WebUserStore } from './auth/users.js';
import { webDeps } from './context.js';
import { checkExposure, parseListen } from './listen.js';
import { OpRegistry } from './ops.js';
import { appRoutes } from './pages/apps.js';
import { fleetRoutes } from './pages/fleet.js';
import { settingsRoutes } from './pages/settings.js';

export interface WebServeOptions {
  listen: string;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  insecureListen: boolean;
  env: NodeJS.ProcessEnv;
  log: EventSink;
}

export interface RunningWeb {
  url: string;
  ops: OpRegistry;
  close(): Promise<void>;
}

export async function startWeb(opts: WebServeOptions): Promise<RunningWeb> {
  const addr = parseListen(opts.listen);
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined))
    throw new UserError('TLS needs both --tls-cert and --tls-key', {
      hint: 'Pass both files (PEM), or neither.',
      code: 'usage',
    });
  const tls = opts.tlsCert !== undefined;
  checkExposure(addr, tls, opts.insecureListen);
  const deps = webDeps(opts.env, opts.log);
  const users = new WebUserStore(deps.base.paths.root);
  const ops = new OpRegistry();
  const { app, kit } = createWebApp({ deps, users, ops, secure: tls });
  appRoutes(app, kit);
  fleetRoutes(app, kit);
  settingsRoutes(app, kit);
  app.notFound((c) => c.text('Not found', 404));
  const serverOptions = tls
    ? { key: await readFile(opts.tlsKey as string), cert: await readFile(opts.tlsCert as string) }
    : undefined;
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: addr.port,
        hostname: addr.host,
        ...(serverOptions ? { createServer: createHttpsServer, serverOptions } : {}),
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const host = addr.host.includes(':') ? `[${addr.host}]` : addr.host;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}`,
    ops,
    close: async () => {
      ops.cancelAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open event streams would hold the close forever.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await deps.close();
    },
  };
}
