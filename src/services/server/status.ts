import { NAMESPACE_LABEL } from '../../domain/stack/contract.js';
import type { CertificateRow } from '../../domain/status/certificates.js';
import { type ServerReport, summariseServer } from '../../domain/status/server-status.js';
import { errorMessage, isExpectedError } from '../../errors.js';
import type { Deps } from '../deps.js';
import { serverAddress } from './address.js';
import { serverCertificates } from './certificates.js';
import { checkServerKnown } from './known.js';

export interface ServerStatusRow {
  server: string;
  reachable: boolean;
  report?: ServerReport;
  /**
   * The certificate the proxy serves for each domain routed over HTTPS by an app's traefik
   * labels (asked on the server's address); empty off a manager or without such routes.
   */
  certificates?: CertificateRow[];
  error?: { code: string; message: string; hint?: string };
}

type StatusDeps = Pick<Deps, 'servers' | 'docker' | 'env' | 'dns' | 'events' | 'clock'>;

/**
 * `abra server status [server]`: versions, swarm nodes, memory, disk, the proxy app and every
 * app's health. Five Engine API calls per server on its one pooled connection; with no server
 * named, every known server at once, and one that cannot be reached is a row with its error.
 * Then the proxy's certificate for each routed domain, asked on the server's address (bounded
 * per domain, a few at once).
 */
export async function serverStatus(
  opts: { server?: string | undefined },
  deps: StatusDeps,
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

async function statusOf(server: string, deps: StatusDeps): Promise<ServerStatusRow> {
  const docker = deps.docker.client(server);
  const address = serverAddress(server, deps).catch(() => undefined);
  try {
    const [version, info, df] = await Promise.all([docker.version(), docker.info(), docker.systemDf()]);
    // Only a manager answers for nodes and services.
    const manager = info.Swarm.LocalNodeState === 'active' && info.Swarm.ControlAvailable;
    const [nodes, services] = manager
      ? await Promise.all([docker.nodes(), docker.services({ label: [NAMESPACE_LABEL] }, true)])
      : [undefined, undefined];
    const certificates = services ? await serverCertificates(await address, services, { server }, deps) : [];
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
      certificates,
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
