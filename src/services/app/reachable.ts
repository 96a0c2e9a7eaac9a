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
import { serverAddress } from '../server/address.js';
import { shortName } from '../stack/read.js';
import { type ResolvedApp, resolveApp } from './resolve.js';

export interface ReachabilityOptions {
  /** The whole probe of one URL, redirects included. */
  timeoutMs?: number;
  /** Body bytes read per answer; the rest is never downloaded. */
  maxBytes?: number;
  /**
   * Right after a deploy the proxy may not have the route or the certificate yet: keep probing
   * a URL whose problem may be that (no answer, 404, 502-504, a self-signed default certificate)
   * for up to this long. 0 (app check): the state now.
   */
  settleMs?: number;
  /** Report each URL as an info/warning event (deploy); app check prints a table instead. */
  announce?: boolean;
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

type ProbeDeps = Pick<Deps, 'events' | 'clock' | 'dns' | 'env'>;

/**
 * `app check --reachable`, and `app deploy` after it converged: the URLs the running services'
 * traefik.* labels route, each fetched once (same-host redirects followed, up to MAX_REDIRECTS;
 * bodies bounded; certificates reported, never trusted blindly nor refused). What does not
 * answer is a warning event, never an error: the app runs, its reachability is information.
 * A domain that does not resolve is tried on the server's address (127.0.0.1 for the local
 * server, which is not a problem there; for a remote server it is reported as one).
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
  const settleMs = opts.settleMs ?? 0;
  if (settleMs > 0 && routes.length > 0)
    deps.events({
      type: 'info',
      message: `probing ${routes.map((r) => r.url).join(', ')} (up to ${Math.round(settleMs / 1000)}s while the proxy picks up the route)`,
    });
  const urls = await Promise.all(routes.map((r) => settled(r.url, app.server, opts, settleMs, deps)));
  for (const v of opts.announce ? urls : []) {
    const via = v.via ? ` via ${v.via}` : '';
    const cert = v.certificate
      ? `, certificate by ${v.certificate.issuer}, expires ${v.certificate.expires.slice(0, 10)}`
      : '';
    if (v.ok) deps.events({ type: 'info', message: `${v.url}${via} answers ${v.status}${cert}` });
    else
      deps.events({
        type: 'warning',
        message: `${v.url}${via}${v.status === undefined ? '' : ` answers ${v.status}${cert}`}: ${v.problems.join('; ')}. ${(v.hint ?? '').replaceAll('<app>', app.name)}`,
      });
  }
  return { app: app.name, server: app.server, urls, ok: urls.every((u) => u.ok) };
}

async function settled(
  url: string,
  server: string,
  opts: ReachabilityOptions,
  settleMs: number,
  deps: ProbeDeps,
): Promise<ProbeVerdict> {
  const until = deps.clock.now() + settleMs;
  let v = await probeUrl(url, server, opts, deps);
  while (!v.ok && transient(v) && deps.clock.now() < until) {
    await deps.clock.sleep(1000);
    v = await probeUrl(url, server, opts, deps);
  }
  return v;
}

/** Problems a proxy shows while it is still picking up a new app. */
function transient(v: ProbeVerdict): boolean {
  return (
    v.status === undefined ||
    v.status === 404 ||
    (v.status >= 502 && v.status <= 504) ||
    (v.certificate?.problems.some((p) => p.startsWith('self-signed')) ?? false)
  );
}

/** Probe one URL (exported for the service tests, which point it at a local HTTPS server). */
export async function probeUrl(
  url: string,
  server: string,
  opts: ReachabilityOptions & { address?: string },
  deps: ProbeDeps,
): Promise<ProbeVerdict> {
  const host = new URL(url).hostname;
  let via = opts.address;
  let unresolved = false;
  if (via === undefined && !(await resolves(host, deps))) {
    via = await serverAddress(server, deps).catch(() => undefined);
    unresolved = via !== undefined && server !== LOCAL_SERVER;
  }
  const deadline = deps.clock.now() + (opts.timeoutMs ?? PROBE_TIMEOUT_MS);
  const facts: ProbeFacts = { url, host, via, redirects: [], ...(unresolved ? { unresolved } : {}) };
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

/** `abra app check --reachable`: the app's URLs, probed now (no waiting for a proxy to settle). */
export async function appReachable(
  opts: { app: string; timeoutMs?: number },
  deps: ProbeDeps & Pick<Deps, 'paths' | 'docker'>,
): Promise<Reachability> {
  const app = await resolveApp(opts.app, deps);
  return probeApp(app, { ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }) }, deps);
}
