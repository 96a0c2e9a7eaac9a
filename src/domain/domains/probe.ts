import { type CertificateFacts, type CertificateVerdict, certificateVerdict } from './certificate.js';

/** What probing one URL found, before judging it. */
export interface ProbeFacts {
  url: string;
  host: string;
  /** The address connected to when it was not the host's DNS answer (the local server). */
  via?: string | undefined;
  /** Same-host redirects followed, in order (the final URL last). */
  redirects: string[];
  status?: number | undefined;
  /** A redirect that was not followed (to another host, or one too many). */
  location?: string | undefined;
  certificate?: CertificateFacts | undefined;
  /** The network error when nothing answered (ECONNREFUSED, ENOTFOUND, ETIMEDOUT...). */
  error?: string | undefined;
  /**
   * The host has no DNS record, so a remote server's proxy was asked on the server's address
   * (`via`): what answered is the server's, but visitors cannot get there.
   */
  unresolved?: boolean | undefined;
}

export interface ProbeVerdict {
  url: string;
  via?: string | undefined;
  ok: boolean;
  status?: number | undefined;
  redirects: string[];
  certificate?: CertificateVerdict | undefined;
  /** Short phrases, e.g. "answers 502", "certificate self-signed (issuer CN=x)". */
  problems: string[];
  /** The next step for the first problem, phrased as an instruction. */
  hint?: string | undefined;
}

/** How many same-host redirects a probe follows (an app's / -> /login -> /login/ is common). */
export const MAX_REDIRECTS = 5;

export function probeVerdict(facts: ProbeFacts, now: Date): ProbeVerdict {
  const problems: string[] = [];
  if (facts.unresolved)
    problems.push(`${facts.host} does not resolve (asked on the server's address ${facts.via ?? '?'})`);
  if (facts.error !== undefined) problems.push(`does not answer (${facts.error})`);
  const s = facts.status;
  if (s !== undefined) {
    if (s >= 300 && s < 400 && facts.location !== undefined) {
      problems.push(
        facts.redirects.length >= MAX_REDIRECTS
          ? `redirects more than ${MAX_REDIRECTS} times (last to ${facts.location})`
          : `redirects to another host: ${facts.location} (not followed)`,
      );
    } else if (s === 404)
      problems.push('answers 404 (no route for this host on the proxy, or the app has no page at /)');
    else if (s === 502 || s === 503 || s === 504)
      problems.push(`answers ${s} (the proxy reaches no running task of the app)`);
    else if (s >= 400) problems.push(`answers ${s}`);
  }
  const certificate = facts.certificate ? certificateVerdict(facts.certificate, facts.host, now) : undefined;
  if (certificate) for (const p of certificate.problems) problems.push(`certificate ${p}`);
  return {
    url: facts.url,
    ...(facts.via === undefined ? {} : { via: facts.via }),
    ok: problems.length === 0,
    ...(s === undefined ? {} : { status: s }),
    redirects: facts.redirects,
    ...(certificate === undefined ? {} : { certificate }),
    problems,
    ...(problems.length === 0 ? {} : { hint: probeHint(problems[0] ?? '') }),
  };
}

/** What to do about a probe's problem (the first one is the one to fix first). */
export function probeHint(problem: string): string {
  if (/^\S+ does not resolve/.test(problem))
    return 'Point an A (and, if the server has IPv6, an AAAA) record for the domain at the server; visitors cannot reach the app until then.';
  if (problem.startsWith('does not answer'))
    return 'Check that the proxy (the traefik app) is deployed on the server and publishes ports 80 and 443, and that no firewall is in the way.';
  if (problem.startsWith('answers 404'))
    return "Check the app's traefik labels (`abra app compose <app>`) and that its service is on the proxy network.";
  if (/^answers 50[234]/.test(problem))
    return "Check the app's tasks (`abra app ps <app>`) and that they listen on the port its loadbalancer label names.";
  if (problem.startsWith('answers')) return "See the app's logs (`abra app logs <app>`).";
  if (problem.startsWith('redirects'))
    return "Check the app's own idea of its address (DOMAIN, base URL settings in its env).";
  if (problem.startsWith('certificate expired') || problem.startsWith('certificate expires'))
    return "The proxy is not renewing it: see the proxy's logs (`abra app logs <proxy app>`) for ACME errors.";
  if (problem.startsWith('certificate self-signed'))
    return "The proxy has no certificate for this host yet (its default one is served): check DNS and the proxy's logs for ACME errors.";
  if (problem.startsWith('certificate not trusted'))
    return 'A CA that browsers do not trust issued it (a staging or test CA?): set LETS_ENCRYPT_ENV=production in the env and redeploy.';
  if (problem.startsWith('certificate issued for'))
    return "The proxy serves another host's certificate: check the app's Host() rule and the domain's DNS records.";
  return 'Check the proxy and the app on the server.';
}

/** The redirect target of `from`, when a probe may follow it: same host, http(s), parsable. */
export function followable(from: string, location: string): string | undefined {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return undefined;
  }
  const origin = new URL(from);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return undefined;
  return target.hostname.toLowerCase() === origin.hostname.toLowerCase() ? target.toString() : undefined;
}
