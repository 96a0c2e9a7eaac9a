import { ruleHosts } from './extra-domains.js';

/** A URL Traefik would route to an app, from its services' deploy labels. */
export interface AppRoute {
  url: string;
  host: string;
  https: boolean;
  /** The service (its short compose name) whose labels route it. */
  service: string;
}

/**
 * The URLs an app's traefik.* labels route (only services with traefik.enable=true, as the
 * recipes' Traefik runs with exposedByDefault=false). A router is HTTPS when it has tls or a
 * certresolver, or listens on web-secure only; Host(...) names become URLs, other matchers
 * (paths, headers) are not probed.
 */
export function appRoutes(services: readonly { name: string; labels: Record<string, string> }[]): AppRoute[] {
  const routes: AppRoute[] = [];
  for (const s of services) {
    const l = s.labels;
    if (l['traefik.enable'] !== 'true') continue;
    for (const key of Object.keys(l).sort()) {
      const m = /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(key);
      if (!m) continue;
      const router = `traefik.http.routers.${m[1]}`;
      if ((l[`${router}.service`] ?? '').endsWith('@internal')) continue;
      const eps = (l[`${router}.entrypoints`] ?? '').split(',').map((e) => e.trim());
      const https =
        l[`${router}.tls`] === 'true' ||
        l[`${router}.tls.certresolver`] !== undefined ||
        (eps.length > 0 && eps.every((e) => e === 'web-secure' || e === 'websecure'));
      for (const host of ruleHosts(l[key] ?? '')) {
        const url = `${https ? 'https' : 'http'}://${host}/`;
        if (!routes.some((r) => r.url === url)) routes.push({ url, host, https, service: s.name });
      }
    }
  }
  return routes;
}
