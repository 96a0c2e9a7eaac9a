import { errorMessage } from '../../errors.js';
import { LOCAL_SERVER } from '../../infra/store/servers.js';
import type { Deps } from '../deps.js';
import { probeServer, type ServerStatus } from './probe.js';

export interface ServerListOptions {
  /** Skip contacting servers (global --offline). */
  offline: boolean;
  /** How many servers to contact at once. */
  concurrency?: number;
}

export interface ServerRow {
  name: string;
  host: string;
  user?: string;
  port?: number;
  apps: number;
  status?: ServerStatus;
}

/** Local server entries, each probed (Docker, Swarm) in parallel unless offline. */
export async function serverList(
  opts: ServerListOptions,
  deps: Pick<Deps, 'servers' | 'docker' | 'env'>,
): Promise<ServerRow[]> {
  const entries = await deps.servers.list();
  const rows: ServerRow[] = [];
  for (const e of entries)
    rows.push({ name: e.name, apps: e.apps.length, ...(await endpointOf(e.name, deps)) });
  if (opts.offline) return rows;
  await forEachLimited(rows, opts.concurrency ?? 16, async (row) => {
    row.status = await probeServer(deps.docker.client(row.name));
  });
  return rows;
}

async function endpointOf(
  name: string,
  deps: Pick<Deps, 'env'>,
): Promise<Pick<ServerRow, 'host' | 'user' | 'port'>> {
  if (name === LOCAL_SERVER) return { host: 'local' };
  try {
    const { resolveSshTarget } = await import('../../infra/ssh/config.js');
    const t = resolveSshTarget(name, { env: deps.env });
    return { host: t.host, user: t.user, port: t.port };
  } catch (err) {
    return { host: `? (${errorMessage(err)})` };
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
