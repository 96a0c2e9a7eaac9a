import { isIpAddress } from '../../domain/bootstrap/plan.js';
import { LOCAL_SERVER } from '../../infra/store/servers.js';
import type { Deps } from '../deps.js';

/**
 * The address the operator reaches a server on, for asking its proxy about a domain without
 * DNS (curl's --resolve): 127.0.0.1 for the local server, else the SSH HostName, looked up when
 * it is a name. undefined when it does not resolve.
 */
export async function serverAddress(
  server: string,
  deps: Pick<Deps, 'env' | 'dns'>,
): Promise<string | undefined> {
  if (server === LOCAL_SERVER) return '127.0.0.1';
  const { resolveSshTarget } = await import('../../infra/ssh/config.js');
  const host = resolveSshTarget(server, { env: deps.env }).host;
  if (isIpAddress(host)) return host;
  const [v4, v6] = await Promise.all([
    deps.dns.lookup4(host).catch(() => [] as string[]),
    deps.dns.lookup6(host).catch(() => [] as string[]),
  ]);
  return v4[0] ?? v6[0];
}
