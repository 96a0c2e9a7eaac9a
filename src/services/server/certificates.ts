import type { ServiceView } from '../../domain/status/app-status.js';
import {
  type CertificateRow,
  type CertificateTarget,
  certificateRow,
  certificateTargets,
} from '../../domain/status/certificates.js';
import { probeUrl } from '../app/reachable.js';
import type { Deps } from '../deps.js';
import { mapLimited } from '../recipe/limit.js';

/** Per domain: the proxy answers a TLS handshake in well under this, or something is wrong. */
export const CERT_PROBE_TIMEOUT_MS = 5_000;
/** Domains asked at once per server. */
const CERT_PROBE_CONCURRENCY = 8;

/**
 * The certificate the server's proxy serves for each domain its apps' traefik labels route over
 * HTTPS: one bounded GET per domain (the reachability probe) sent to the server's address with
 * the domain as SNI and Host, so no DNS record is needed and the answer is this server's.
 */
export async function serverCertificates(
  address: string | undefined,
  services: readonly ServiceView[],
  opts: {
    server: string;
    timeoutMs?: number;
    /** Where the proxy serves HTTPS: 443 (tests point it at a local server). */
    httpsPort?: number;
  },
  deps: Pick<Deps, 'events' | 'clock' | 'dns' | 'env'>,
): Promise<CertificateRow[]> {
  const targets = certificateTargets(services);
  if (address === undefined)
    return targets.map((t) => ({
      domain: t.domain,
      stack: t.stack,
      via: undefined,
      ok: false,
      problems: [`not asked: the address of server ${opts.server} does not resolve`],
    }));
  const urlOf = (t: CertificateTarget) => {
    if (opts.httpsPort === undefined) return t.url;
    const u = new URL(t.url);
    u.port = String(opts.httpsPort);
    return u.toString();
  };
  return mapLimited(targets, CERT_PROBE_CONCURRENCY, async (t: CertificateTarget) =>
    certificateRow(
      t,
      await probeUrl(
        urlOf(t),
        opts.server,
        { address, timeoutMs: opts.timeoutMs ?? CERT_PROBE_TIMEOUT_MS, maxBytes: 1024 },
        deps,
      ),
    ),
  );
}
