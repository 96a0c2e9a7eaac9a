import {
  type DiskSummary,
  type PublishedView,
  type PublishingService,
  summariseDisk,
  webPublishers,
} from '../../domain/status/server-overview.js';
import { errorMessage, isExpectedError } from '../../errors.js';
import type { Deps } from '../deps.js';
import { checkServerKnown } from './known.js';
import { type NodeRow, serverNodes } from './nodes.js';
import { probeServer, type ServerStatus } from './probe.js';

export interface ServerOverview {
  server: string;
  status: ServerStatus;
  /** Each part answers on its own: one that fails says why and the others are still shown. */
  nodes: NodeRow[] | { error: string };
  /** As the engine abra talks to sees it (the manager node's own disk). */
  disk: DiskSummary | { error: string };
  proxy: { network: boolean; publishers: PublishingService[] } | { error: string };
}

/**
 * One server for the dashboard: status (3 calls), nodes and their tasks (2), disk usage (1),
 * and what publishes the web ports (1), all at once over the server's one connection.
 */
export async function serverOverview(
  opts: { server: string },
  deps: Pick<Deps, 'docker' | 'servers'>,
): Promise<ServerOverview> {
  await checkServerKnown(opts.server, deps);
  const docker = deps.docker.client(opts.server);
  const status = await probeServer(docker);
  const failed = { error: status.error?.message ?? 'not reachable' };
  if (!status.reachable) return { server: opts.server, status, nodes: failed, disk: failed, proxy: failed };
  const part = <T>(p: Promise<T>): Promise<T | { error: string }> =>
    p.catch((err: unknown) => {
      if (!isExpectedError(err)) throw err;
      return { error: errorMessage(err) };
    });
  const [nodes, disk, proxy] = await Promise.all([
    status.swarm === 'active' && status.swarmManager
      ? part(serverNodes(opts, deps).then((r) => r.nodes))
      : Promise.resolve({ error: `not a swarm manager (swarm ${status.swarm ?? 'unknown'})` }),
    part(docker.systemDf().then(summariseDisk)),
    part(
      docker
        .request<PublishedView[]>('GET', '/services', { expect: 'array' })
        .then((services) => ({ network: status.proxyNetwork === true, publishers: webPublishers(services) })),
    ),
  ]);
  return { server: opts.server, status, nodes, disk, proxy };
}
