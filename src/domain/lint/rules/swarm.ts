import { parseGoDuration } from '../../compose/go-duration.js';
import { at, isMap, locate, locateIn, rawServices } from '../locate.js';
import { loadedServices, unlessLoaded } from '../services.js';
import type { Finding, LintRule } from '../types.js';

// docker/cli's UnsupportedProperties and DeprecatedProperties (`docker stack deploy` prints
// "Ignoring unsupported options"), plus depends_on, which it drops without a word.
const IGNORED: Record<string, string> = {
  build: 'swarm never builds images: build and push the image, then reference it with image:',
  cgroup_parent: 'not supported by swarm services',
  cgroupns_mode: 'not supported by swarm services',
  container_name: 'swarm names containers <stack>_<service>.<slot>.<id>; address the service by its name',
  depends_on:
    'swarm starts every service at once: make the app wait for its dependencies (retry, or a wait loop in the entrypoint)',
  devices: 'not supported by swarm services',
  domainname: 'not supported by swarm services',
  expose: 'services on a shared network reach each other on every port; drop it',
  external_links: 'not supported by swarm services; put the services on a shared network',
  ipc: 'not supported by swarm services',
  links: 'services on a shared network find each other by name; drop it',
  mac_address: 'not supported by swarm services',
  network_mode: 'not supported by swarm services; use networks:',
  pid: 'not supported by swarm services',
  privileged: 'swarm services cannot run privileged; grant specific capabilities with cap_add',
  restart: 'use deploy.restart_policy (condition: on-failure, delay, max_attempts) instead',
  security_opt: 'not supported by swarm services',
  shm_size: 'not supported by swarm services; mount a tmpfs at /dev/shm instead',
  userns_mode: 'not supported by swarm services',
};

/** A003: keys `docker stack deploy` ignores give a false sense of what runs. */
export const swarmIgnoredKeys: LintRule = {
  id: 'A003',
  severity: 'warn',
  title: 'no service keys that docker stack deploy ignores',
  howToFix:
    'Remove keys swarm ignores (restart, container_name, depends_on, build, links, network_mode, privileged, ...) and use the swarm equivalent named in the finding.',
  check(input) {
    return input.composeFiles.flatMap((f) =>
      Object.entries(rawServices(f)).flatMap(([name, svc]) =>
        isMap(svc)
          ? Object.keys(svc)
              .filter((k) => Object.hasOwn(IGNORED, k))
              .map((k) =>
                at(
                  locateIn(f, ['services', name, k]) ?? { file: f.file },
                  `service ${name}: ${k} is ignored (${IGNORED[k]})`,
                ),
              )
          : [],
      ),
    );
  },
};

const NS = 1_000_000_000n;
const DEFAULT_INTERVAL = 30n * NS;
const DEFAULT_RETRIES = 3;
const DEFAULT_MONITOR = 5n * NS;

function ns(text: string | undefined, fallback: bigint): bigint {
  const v = text === undefined ? undefined : parseGoDuration(text);
  return v === undefined || v <= 0n ? fallback : v;
}

function secs(n: bigint): string {
  const s = Number(n) / 1e9;
  if (s < 60) return `${s}s`;
  const rest = s % 60;
  return `${Math.floor(s / 60)}m${rest === 0 ? '' : `${rest}s`}`;
}

/**
 * A010: swarm reports a task running once its first check passes, then watches it for
 * `update_config.monitor`. A container that turns unhealthy afterwards is noticed only after
 * `retries` failed checks `interval` apart (longer while start_period lasts), so a shorter
 * monitor never counts the failure and failure_action (rollback) cannot fire.
 */
export const healthWithinMonitor: LintRule = {
  id: 'A010',
  severity: 'warn',
  title: 'a failing healthcheck can be noticed within the update monitor window',
  howToFix:
    'Set deploy.update_config.monitor to at least start_period + interval × retries (or shorten those). Checkable here: the compose healthcheck against the monitor window (default 5s); not checkable: a HEALTHCHECK baked into the image, or how long the app really takes to start.',
  skip: unlessLoaded,
  check(input) {
    return loadedServices(input).flatMap(({ name, service, files }): Finding[] => {
      const hc = service.healthcheck;
      if (hc === undefined || hc.disable === true || hc.test?.[0] === 'NONE') return [];
      if (service.deploy?.replicas === 0 || service.deploy?.update_config?.failure_action === 'continue')
        return [];
      const interval = ns(hc.interval, DEFAULT_INTERVAL);
      const retries = BigInt(hc.retries ?? DEFAULT_RETRIES);
      const start = ns(hc.start_period, 0n);
      const detect = start + interval * retries;
      const monitorText = service.deploy?.update_config?.monitor;
      const monitor = ns(monitorText, DEFAULT_MONITOR);
      if (monitor >= detect) return [];
      const loc = locate(input, ['services', name, 'healthcheck'], files);
      return [
        at(
          loc,
          `service ${name}: a failing healthcheck is detected after up to ${secs(detect)} (start_period ${secs(start)} + ${retries} × ${secs(interval)}), but the update monitor is ${secs(monitor)}${monitorText === undefined ? ' (default)' : ''}`,
        ),
      ];
    });
  },
};

/** A011: a host-mode port is bound once per node; start-first needs two tasks holding it. */
export const hostPortsStopFirst: LintRule = {
  id: 'A011',
  severity: 'warn',
  title: 'services publishing host-mode ports do not update start-first',
  howToFix:
    'Set deploy.update_config.order: stop-first for a service that publishes ports with mode: host (the new task cannot bind the port while the old one holds it).',
  skip: unlessLoaded,
  check(input) {
    return loadedServices(input).flatMap(({ name, service, files }): Finding[] => {
      const host = (service.ports ?? []).filter((p) => p.mode === 'host');
      if (host.length === 0 || service.deploy?.update_config?.order !== 'start-first') return [];
      const ports = host.map((p) => p.published ?? p.target).join(', ');
      return [
        at(
          locate(input, ['services', name, 'deploy', 'update_config', 'order'], files),
          `service ${name} publishes host-mode port(s) ${ports} but updates start-first`,
        ),
      ];
    });
  },
};
