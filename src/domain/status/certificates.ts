// The proxy's certificates as `abra server status` reports them: which domains to ask the proxy
// about (the HTTPS routes of every deployed app's traefik.* labels) and how to judge each answer.
// Pure, golden-tested; the probing itself is the reachability probe's (services/app/reachable).

import type { ProbeVerdict } from '../domains/probe.js';
import { appRoutes } from '../domains/routes.js';
import { NAMESPACE_LABEL, shortName } from '../stack/contract.js';
import type { ServiceView } from './app-status.js';

/** Fewer days left than this is worth a warning on the status page (Traefik renews at 30). */
export const CERT_WARN_DAYS = 14;

/** One domain whose certificate to look at: the first app (by stack name) routing it. */
export interface CertificateTarget {
  domain: string;
  stack: string;
  url: string;
}

export interface CertificateRow {
  domain: string;
  stack: string;
  /** The address the proxy was asked on (the server's), with the domain as SNI and Host. */
  via: string | undefined;
  ok: boolean;
  issuer?: string | undefined;
  /** ISO date-time. */
  expires?: string | undefined;
  daysLeft?: number | undefined;
  /** Short phrases: "expired 3 day(s) ago (...)", "self-signed (issuer ...)", "does not answer (...)". */
  problems: string[];
}

export function certificateTargets(services: readonly ServiceView[]): CertificateTarget[] {
  const byStack = new Map<string, { name: string; labels: Record<string, string> }[]>();
  for (const s of services) {
    const labels = s.Spec.Labels ?? {};
    const stack = labels[NAMESPACE_LABEL];
    if (!stack) continue;
    byStack.set(stack, [...(byStack.get(stack) ?? []), { name: shortName(stack, s.Spec.Name), labels }]);
  }
  const seen = new Set<string>();
  const out: CertificateTarget[] = [];
  for (const stack of [...byStack.keys()].sort()) {
    for (const r of appRoutes(byStack.get(stack) ?? [])) {
      const domain = r.host.toLowerCase();
      if (!r.https || seen.has(domain)) continue;
      seen.add(domain);
      out.push({ domain, stack, url: r.url });
    }
  }
  return out;
}

/**
 * A probe's verdict, as far as the certificate goes: what the proxy served for the domain and
 * what is wrong with it. The probe's own renewal warning (at 30 days) becomes CERT_WARN_DAYS;
 * HTTP statuses are the app's business (`app check --reachable`), not the certificate's.
 */
export function certificateRow(target: CertificateTarget, v: ProbeVerdict): CertificateRow {
  const base = { domain: target.domain, stack: target.stack, via: v.via };
  const c = v.certificate;
  if (!c) {
    const why = v.problems.find((p) => p.startsWith('does not answer'));
    return { ...base, ok: false, problems: [why ?? 'no certificate served (answers over plain HTTP?)'] };
  }
  const problems = c.problems.filter((p) => !p.startsWith('expires in'));
  if (c.daysLeft >= 0 && c.daysLeft < CERT_WARN_DAYS && !problems.some((p) => p.startsWith('expired')))
    problems.unshift(`expires in ${c.daysLeft} day(s): renewal may be failing`);
  return {
    ...base,
    ok: problems.length === 0,
    issuer: c.issuer,
    expires: c.expires,
    daysLeft: c.daysLeft,
    problems,
  };
}
