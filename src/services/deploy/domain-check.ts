import { errorMessage, UserError } from '../../errors.js';
import { LOCAL_SERVER } from '../../infra/store/servers.js';
import type { ResolvedApp } from '../app/resolve.js';
import type { Deps } from '../deps.js';

/**
 * abra refuses to deploy when DOMAIN does not point at the server: Traefik could never get a
 * certificate and users would reach another machine. The local server has no public address
 * to compare with, so it is skipped there.
 */
export async function checkDomain(
  app: ResolvedApp,
  domain: string | undefined,
  deps: Pick<Deps, 'env' | 'events' | 'dns'>,
): Promise<void> {
  if (!domain || app.server === LOCAL_SERVER) return;
  const { resolveSshTarget } = await import('../../infra/ssh/config.js');
  const host = resolveSshTarget(app.server, { env: deps.env }).host;
  const resolve = async (name: string) => {
    try {
      return await deps.dns.lookup4(name);
    } catch (err) {
      throw new UserError(`${name} does not resolve to an IPv4 address (${errorMessage(err)})`, {
        where: `${app.envPath} (DOMAIN)`,
        hint: `Point an A record for ${name} at the server, or pass --no-domain-checks if you know better.`,
        code: 'domain_unresolved',
      });
    }
  };
  const [domainIps, serverIps] = await Promise.all([resolve(domain), resolve(host)]);
  if (!domainIps.some((ip) => serverIps.includes(ip))) {
    throw new UserError(
      `${domain} points at ${domainIps.join(', ')}, but server ${app.server} is ${serverIps.join(', ')}`,
      {
        where: `${app.envPath} (DOMAIN)`,
        hint: 'Fix the DNS record (it may still be propagating), or pass --no-domain-checks.',
        code: 'domain_mismatch',
      },
    );
  }
  deps.events({
    type: 'debug',
    message: `domain ${domain} -> ${domainIps.join(', ')} matches server ${app.server}`,
  });
}
