/**
 * What a probe found about a TLS certificate, judged without the network: the facts come from
 * the handshake (node:tls's peer certificate and its authorization error), the verdict is
 * pure so it can be golden-tested.
 */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** The names the certificate is for (subjectAltName DNS entries, else the subject CN). */
  names: string[];
  validFrom: Date;
  validTo: Date;
  /** The chain's verification error as node reports it (`CERT_HAS_EXPIRED`...), if any. */
  authorizationError?: string | undefined;
}

export interface CertificateVerdict {
  ok: boolean;
  issuer: string;
  expires: string;
  /** Whole days until expiry (negative once expired). */
  daysLeft: number;
  /** Each problem as one short phrase: "expired 3 days ago", "self-signed", ... */
  problems: string[];
}

const DAY = 86_400_000;
/** Traefik renews 30 days before expiry: less than that left means renewal is failing. */
export const RENEWAL_DAYS = 30;

export function certificateVerdict(facts: CertificateFacts, host: string, now: Date): CertificateVerdict {
  const problems: string[] = [];
  const daysLeft = Math.floor((facts.validTo.getTime() - now.getTime()) / DAY);
  const err = facts.authorizationError;
  if (now.getTime() > facts.validTo.getTime()) {
    problems.push(`expired ${-daysLeft} day(s) ago (${facts.validTo.toISOString()})`);
  } else if (now.getTime() < facts.validFrom.getTime()) {
    problems.push(`not valid before ${facts.validFrom.toISOString()}`);
  } else if (daysLeft < RENEWAL_DAYS) {
    problems.push(`expires in ${daysLeft} day(s): renewal may be failing`);
  }
  if (
    err === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    err === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    facts.subject === facts.issuer
  ) {
    problems.push(`self-signed (issuer ${facts.issuer})`);
  } else if (err !== undefined && err !== 'CERT_HAS_EXPIRED' && err !== 'CERT_NOT_YET_VALID') {
    problems.push(`not trusted: ${err} (issuer ${facts.issuer})`);
  }
  if (!facts.names.some((n) => nameMatches(n, host))) {
    problems.push(`issued for ${facts.names.join(', ') || '(no names)'}, not ${host}`);
  }
  return {
    ok: problems.length === 0,
    issuer: facts.issuer,
    expires: facts.validTo.toISOString(),
    daysLeft,
    problems,
  };
}

/** RFC 6125: a wildcard stands for exactly one leftmost label. */
export function nameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot) === p.slice(1);
}
