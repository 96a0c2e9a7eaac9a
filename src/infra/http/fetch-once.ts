import type { LookupFunction } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { CertificateFacts } from '../../domain/domains/certificate.js';

/** What one GET of a URL answered: no redirect followed, the body read up to a bound. */
export interface HttpAnswer {
  status: number;
  location?: string | undefined;
  /** Bytes of the body read (at most maxBytes; the rest is not downloaded). */
  bodyBytes: number;
  certificate?: CertificateFacts | undefined;
}

export interface FetchOnceOptions {
  /** Connect to this address instead of resolving the URL's host (curl's --resolve). */
  address?: string | undefined;
  timeoutMs: number;
  maxBytes: number;
}

/**
 * One GET, as a monitoring probe does it: certificates are NOT verified while connecting
 * (an expired or self-signed certificate is a finding to report, not a reason to see nothing),
 * their facts and the verification error are returned instead. Rejects with the network error
 * (ECONNREFUSED, ENOTFOUND, ETIMEDOUT for the overall deadline...).
 */
export async function fetchOnce(url: URL, opts: FetchOnceOptions): Promise<HttpAnswer> {
  const https = url.protocol === 'https:';
  const mod = https ? await import('node:https') : await import('node:http');
  const { address } = opts;
  const lookup: LookupFunction | undefined =
    address === undefined
      ? undefined
      : (_host, options, cb) => {
          const family = address.includes(':') ? 6 : 4;
          // Node asks for all addresses when it races IPv4 and IPv6 (autoSelectFamily).
          if ((options as { all?: boolean }).all)
            (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
          else cb(null, address, family);
        };
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = mod.request(url, {
      method: 'GET',
      agent: false,
      lookup,
      headers: { 'user-agent': 'abra-probe', accept: '*/*', connection: 'close' },
      ...(https ? { rejectUnauthorized: false, servername: url.hostname } : {}),
    });
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, opts.timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    req.once('error', fail);
    req.once('response', (res) => {
      const certificate = https ? certificateOf(res.socket as TLSSocket) : undefined;
      let bodyBytes = 0;
      const done = () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          location: header(res.headers.location),
          bodyBytes,
          certificate,
        });
      };
      res.on('data', (chunk: Buffer) => {
        bodyBytes += chunk.length;
        if (bodyBytes >= opts.maxBytes) {
          bodyBytes = opts.maxBytes;
          res.removeAllListeners('data');
          res.destroy();
          done();
        }
      });
      res.once('end', done);
      res.once('error', fail);
    });
    req.end();
  });
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function certificateOf(socket: TLSSocket): CertificateFacts | undefined {
  const c: PeerCertificate = socket.getPeerCertificate();
  if (!c || Object.keys(c).length === 0) return undefined;
  const names = (c.subjectaltname ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  const cn = c.subject?.CN;
  const err = socket.authorizationError as unknown;
  return {
    subject: distinguishedName(c.subject),
    issuer: distinguishedName(c.issuer),
    names: names.length > 0 ? names : typeof cn === 'string' ? [cn] : [],
    validFrom: new Date(c.valid_from),
    validTo: new Date(c.valid_to),
    authorizationError: socket.authorized
      ? undefined
      : typeof err === 'string'
        ? err
        : ((err as { code?: string } | undefined)?.code ??
          (err as Error | undefined)?.message ??
          'not trusted'),
  };
}

function distinguishedName(dn: object | undefined): string {
  if (!dn) return '';
  return Object.entries(dn)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}
