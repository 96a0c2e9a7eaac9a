import { type Addresses, dnsVerdict } from '../../domain/domains/dns.js';
import { parseExtraDomains } from '../../domain/domains/extra-domains.js';
import { errorMessage, UserError } from '../../errors.js';
import { LOCAL_SERVER } from '../../infra/store/servers.js';
import type { ResolvedApp } from '../app/resolve.js';
import type { Deps } from '../deps.js';

/**
 * abra refuses to deploy when DOMAIN or one of EXTRA_DOMAINS does not point at the server:
 * Traefik could never get a certificate and users would reach another machine. A and AAAA
 * records are both checked (see dnsVerdict). The local server has no public address to compare
 * with, so it is skipped there.
 */
export async function checkDomain(
  app: ResolvedApp,
  env: { DOMAIN?: string | undefined; EXTRA_DOMAINS?: string | undefined },
  deps: Pick<Deps, 'env' | 'events' | 'dns'>,
): Promise<void> {
  const domain = env.DOMAIN;
  if (!domain || app.server === LOCAL_SERVER) return;
  const extra = parseExtraDomains(env.EXTRA_DOMAINS);
  if (!extra.ok) {
    throw new UserError(`EXTRA_DOMAINS cannot be read: ${extra.problem}`, {
      where: `${app.envPath} (EXTRA_DOMAINS)`,
      hint: "Write it as recipes expect, e.g. EXTRA_DOMAINS=', `www.example.com`, `example.org`', or pass --no-domain-checks.",
      code: 'extra_domains_invalid',
    });
  }
  const { resolveSshTarget } = await import('../../infra/ssh/config.js');
  const host = resolveSshTarget(app.server, { env: deps.env }).host;
  const names = [domain, ...extra.domains.filter((d) => d !== domain.toLowerCase())];
  const [server, ...records] = await Promise.all([host, ...names].map((n) => addresses(n, deps)));
  if (!server || (server.addrs.v4.length === 0 && server.addrs.v6.length === 0)) {
    throw new UserError(
      `server ${app.server} (${host}) does not resolve${server?.error ? ` (${server.error})` : ''}`,
      {
        where: `server ${app.server}`,
        hint: 'Check its name in ~/.ssh/config and DNS, or pass --no-domain-checks.',
        code: 'domain_unresolved',
      },
    );
  }
  names.forEach((name, i) => {
    const found = records[i] ?? { addrs: { v4: [], v6: [] } };
    const key = i === 0 ? 'DOMAIN' : 'EXTRA_DOMAINS';
    const verdict = dnsVerdict(found.addrs, server.addrs);
    if (verdict.ok) {
      deps.events({
        type: 'debug',
        message: `domain ${name} -> ${verdict.matched.join(', ')} matches server ${app.server}`,
      });
      return;
    }
    if (verdict.kind === 'unresolved') {
      throw new UserError(`${name} does not resolve (${found.error ?? 'no A or AAAA record'})`, {
        where: `${app.envPath} (${key})`,
        hint: `Point an A (and, if the server has IPv6, an AAAA) record for ${name} at the server, or pass --no-domain-checks if you know better.`,
        code: 'domain_unresolved',
      });
    }
    throw new UserError(
      `${name} has ${verdict.family} record(s) ${verdict.points.join(', ')}, but server ${app.server} is ${
        verdict.server.length
          ? verdict.server.join(', ')
          : `without ${verdict.family === 'AAAA' ? 'IPv6' : 'IPv4'} addresses`
      }`,
      {
        where: `${app.envPath} (${key})`,
        hint:
          verdict.family === 'AAAA'
            ? `Fix or remove the AAAA record of ${name} (visitors using IPv6 reach another machine), or pass --no-domain-checks.`
            : 'Fix the DNS record (it may still be propagating), or pass --no-domain-checks.',
        code: 'domain_mismatch',
      },
    );
  });
}

async function addresses(
  name: string,
  deps: Pick<Deps, 'dns'>,
): Promise<{ addrs: Addresses; error?: string | undefined }> {
  let error: string | undefined;
  const [v4, v6] = await Promise.all([
    deps.dns.lookup4(name).catch((err: unknown) => {
      error = errorMessage(err);
      return [] as string[];
    }),
    deps.dns.lookup6(name).catch((err: unknown) => {
      error ??= errorMessage(err);
      return [] as string[];
    }),
  ]);
  return { addrs: { v4, v6 }, error };
}
