import {
  followable,
  MAX_REDIRECTS,
  type ProbeFacts,
  type ProbeVerdict,
  probeVerdict,
} from '../../domain/domains/probe.js';
import { appRoutes } from '../../domain/domains/routes.js';
import { NAMESPACE_LABEL } from '../../domain/stack/contract.js';
import { errnoCode, errorMessage } from '../../errors.js';
import { fetchOnce } from '../../infra/http/fetch-once.js';
import { LOCAL_SERVER } from '../../infra/store/servers.js';
import type { Deps } from '../deps.js';
import { shortName } from '../stack/read.js';
import type { ResolvedApp } from './resolve.js';

export interface ReachabilityOptions {
  /** The whole probe of one URL, redirects included. */
  timeoutMs?: number;
  /** Body bytes read per answer; the rest is never downloaded. */
  maxBytes?: number;
}

export interface Reachability {
  app: string;
  server: string;
  /** One per URL the app's traefik labels route; empty when it has none. */
  urls: ProbeVerdict[];
  ok: boolean;
}

export const PROBE_TIMEOUT_MS = 10_000;
const MAX_BYTES = 64 * 1024;

type ProbeDeps = Pick<Deps, 'events' | 'clock' | 'dns'>;

/**
 * `app check --reachable`, and `app deploy` after it converged: the URLs the running services'
 * traefik.* labels route, each fetched once (same-host redirects followed, up to MAX_REDIRECTS;
 * bodies bounded; certificates reported, never trusted blindly nor refused). What does not
 * answer is a warning event, never an error: the app runs, its reachability is information.
 * On the local server a domain that does not resolve is tried on 127.0.0.1 (this machine).
 */
export async function probeApp(
  app: ResolvedApp,
  opts: ReachabilityOptions,
  deps: ProbeDeps,
): Promise<Reachability> {
  const services = await app.docker.services({ label: [`${NAMESPACE_LABEL}=${app.stack}`] });
  const routes = appRoutes(
    services.map((s) => ({ name: shortName(app.stack, s.Spec?.Name ?? ''), labels: s.Spec?.Labels ?? {} })),
  );
  const urls = await Promise.all(routes.map((r) => probeUrl(r.url, app.server, opts, deps)));
  for (const v of urls) {
    const via = v.via ? ` via ${v.via}` : '';
    const cert = v.certificate
      ? `, certificate by ${v.certificate.issuer}, expires ${v.certificate.expires.slice(0, 10)}`
      : '';
    if (v.ok) deps.events({ type: 'info', message: `${v.url}${via} answers ${v.status}${cert}` });
    else
      deps.events({
        type: 'warning',
        message: `${v.url}${via}${v.status === undefined ? '' : ` answers ${v.status}${cert}`}: ${v.problems.join('; ')}`,
      });
  }
  return { app: app.name, server: app.server, urls, ok: urls.every((u) => u.ok) };
}

/** Probe one URL (exported for the service tests, which point it at a local HTTPS server). */
export async function probeUrl(
  url: string,
  server: string,
  opts: ReachabilityOptions & { address?: string },
  deps: ProbeDeps,
): Promise<ProbeVerdict> {
  const host = new URL(url).hostname;
  const via =
    opts.address ?? (server === LOCAL_SERVER && !(await resolves(host, deps)) ? '127.0.0.1' : undefined);
  const deadline = deps.clock.now() + (opts.timeoutMs ?? PROBE_TIMEOUT_MS);
  const facts: ProbeFacts = { url, host, via, redirects: [] };
  let current = url;
  for (;;) {
    const left = deadline - deps.clock.now();
    try {
      if (left <= 0) throw Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' });
      const answer = await fetchOnce(new URL(current), {
        address: via,
        timeoutMs: left,
        maxBytes: opts.maxBytes ?? MAX_BYTES,
      });
      facts.status = answer.status;
      facts.certificate = answer.certificate ?? facts.certificate;
      facts.location = undefined;
      if (answer.status >= 300 && answer.status < 400 && answer.location !== undefined) {
        const next = followable(current, answer.location);
        if (next === undefined || facts.redirects.length >= MAX_REDIRECTS) {
          facts.location = answer.location;
          break;
        }
        facts.redirects.push(next);
        current = next;
        continue;
      }
      break;
    } catch (err) {
      facts.error = errnoCode(err) ?? errorMessage(err);
      if (facts.error === 'ETIMEDOUT')
        facts.error = `no answer within ${(opts.timeoutMs ?? PROBE_TIMEOUT_MS) / 1000}s`;
      facts.status = undefined;
      break;
    }
  }
  return probeVerdict(facts, new Date(deps.clock.now()));
}

async function resolves(host: string, deps: Pick<Deps, 'dns'>): Promise<boolean> {
  const [v4, v6] = await Promise.all([
    deps.dns.lookup4(host).catch(() => []),
    deps.dns.lookup6(host).catch(() => []),
  ]);
  return v4.length + v6.length > 0;
}
