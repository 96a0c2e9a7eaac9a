/**
 * Whether a domain's DNS records point at the server, from both sides' A and AAAA records.
 * Pure: the lookups happen in services/deploy/domain-check.ts.
 */
export interface Addresses {
  v4: string[];
  v6: string[];
}

export type DnsVerdict =
  | { ok: true; matched: string[] }
  | { ok: false; kind: 'unresolved' }
  | { ok: false; kind: 'mismatch'; family: 'A' | 'AAAA'; points: string[]; server: string[] };

/**
 * Clients use whichever family they prefer (most prefer IPv6), so every family the domain has
 * records for must reach the server: an A record elsewhere, or an AAAA record while the server
 * has no IPv6 address or another one, sends some visitors (and the ACME validation) to another
 * machine. A family the domain has no records for is not needed.
 */
export function dnsVerdict(domain: Addresses, server: Addresses): DnsVerdict {
  if (domain.v4.length === 0 && domain.v6.length === 0) return { ok: false, kind: 'unresolved' };
  const matched: string[] = [];
  for (const [family, points, ours] of [
    ['A', domain.v4, server.v4],
    ['AAAA', domain.v6.map(normal6), server.v6.map(normal6)],
  ] as const) {
    if (points.length === 0) continue;
    const hit = points.filter((ip) => ours.includes(ip));
    if (hit.length === 0)
      return { ok: false, kind: 'mismatch', family, points: [...points], server: [...ours] };
    matched.push(...hit);
  }
  return { ok: true, matched };
}

/** One spelling per IPv6 address (lower case, no leading zeros, longest zero run as ::). */
export function normal6(ip: string): string {
  const lower = ip.toLowerCase();
  if (!lower.includes(':')) return lower;
  const [head = '', tail] = lower.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  const groups = [...h, ...fill, ...t].map((g) => g.replace(/^0+/, '') || '0');
  if (groups.length !== 8) return lower;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
