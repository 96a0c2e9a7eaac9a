import { NAMESPACE_LABEL } from '../../domain/stack/contract.js';
import { type ServerReport, summariseServer } from '../../domain/status/server-status.js';
import { errorMessage, isExpectedError } from '../../errors.js';
import type { Deps } from '../deps.js';
import { checkServerKnown } from './known.js';

export interface ServerStatusRow {
  server: string;
  reachable: boolean;
  report?: ServerReport;
  error?: { code: string; message: string; hint?: string };
}

/**
 * `abra server status [server]`: versions, swarm nodes, memory, disk, the proxy app and every
 * app's health. Five Engine API calls per server on its one pooled connection; with no server
 * named, every known server at once, and one that cannot be reached is a row with its error.
 */
export async function serverStatus(
  opts: { server?: string | undefined },
  deps: Pick<Deps, 'servers' | 'docker'>,
): Promise<ServerStatusRow[]> {
  let names: string[];
  if (opts.server) {
    await checkServerKnown(opts.server, deps);
    names = [opts.server];
  } else {
    names = (await deps.servers.list()).map((s) => s.name);
  }
  return Promise.all(names.map((name) => statusOf(name, deps)));
}

async function statusOf(server: string, deps: Pick<Deps, 'docker'>): Promise<ServerStatusRow> {
  const docker = deps.docker.client(server);
  try {
    const [version, info, df] = await Promise.all([docker.version(), docker.info(), docker.systemDf()]);
    // Only a manager answers for nodes and services.
    const manager = info.Swarm.LocalNodeState === 'active' && info.Swarm.ControlAvailable;
    const [nodes, services] = manager
      ? await Promise.all([docker.nodes(), docker.services({ label: [NAMESPACE_LABEL] }, true)])
      : [undefined, undefined];
    return {
      server,
      reachable: true,
      report: summariseServer({
        version,
        info,
        df,
        ...(nodes ? { nodes } : {}),
        ...(services ? { services } : {}),
      }),
    };
  } catch (err) {
    if (!isExpectedError(err)) throw err;
    return {
      server,
      reachable: false,
      error: { code: err.code, message: errorMessage(err), ...(err.hint ? { hint: err.hint } : {}) },
    };
  }
}
