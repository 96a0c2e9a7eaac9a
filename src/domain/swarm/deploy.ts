// The ServiceSpec fields docker derives from `deploy:` (and the legacy `restart:`).

import type { UpdateConfig as ComposeUpdate, DeployConfig, Resource, ServicePort } from '../compose/types.js';
import { nanos } from './container.js';
import { parseCpus } from './cpus.js';
import { serviceError } from './fail.js';
import { sortSliceGo } from './go-sort.js';
import { compact } from './names.js';
import type {
  Limit,
  Placement,
  PortConfig,
  Reservation,
  RestartPolicy,
  ServiceMode,
  UpdateConfig,
} from './spec.js';

export function serviceMode(service: string, deploy: DeployConfig | undefined): ServiceMode {
  const replicas = deploy?.replicas;
  const mode = deploy?.mode ?? '';
  const noReplicas = () => {
    if (replicas !== undefined)
      throw serviceError(
        service,
        'replicas can only be used with replicated or replicated-job mode',
        'deploy',
      );
  };
  switch (mode) {
    case 'global-job':
      noReplicas();
      return { GlobalJob: {} };
    case 'global':
      noReplicas();
      return { Global: {} };
    case 'replicated-job':
      return {
        ReplicatedJob: replicas === undefined ? {} : { MaxConcurrent: replicas, TotalCompletions: replicas },
      };
    case 'replicated':
    case '':
      return { Replicated: replicas === undefined ? {} : { Replicas: replicas } };
    default:
      throw serviceError(service, `unknown mode: ${mode}`, 'deploy.mode');
  }
}

function cpus(service: string, text: string | undefined, key: string): number | undefined {
  if (!text) return undefined;
  const r = parseCpus(text);
  if (!r.ok) throw serviceError(service, r.message, key);
  return r.nanoCPUs || undefined;
}

const bytes = (text: string | undefined) => (text ? Number(text) || undefined : undefined);

export function serviceResources(
  service: string,
  resources: { limits?: Resource; reservations?: Resource } | undefined,
): { Limits?: Limit; Reservations?: Reservation } {
  const out: { Limits?: Limit; Reservations?: Reservation } = {};
  const l = resources?.limits;
  if (l) {
    const limits: Limit = {};
    const n = cpus(service, l.cpus, 'deploy.resources.limits.cpus');
    if (n) limits.NanoCPUs = n;
    const m = bytes(l.memory);
    if (m) limits.MemoryBytes = m;
    if (l.pids) limits.Pids = l.pids;
    out.Limits = limits;
  }
  const r = resources?.reservations;
  if (r) {
    const res: Reservation = {};
    const n = cpus(service, r.cpus, 'deploy.resources.reservations.cpus');
    if (n) res.NanoCPUs = n;
    const m = bytes(r.memory);
    if (m) res.MemoryBytes = m;
    if (r.generic_resources?.length)
      res.GenericResources = r.generic_resources.map((g) =>
        g.discrete_resource_spec
          ? {
              DiscreteResourceSpec: {
                Kind: g.discrete_resource_spec.kind,
                Value: g.discrete_resource_spec.value,
              },
            }
          : {},
      );
    out.Reservations = res;
  }
  return out;
}

/**
 * `deploy.restart_policy` wins; otherwise the legacy `restart:` maps as CLI 28 maps it: "no"
 * -> none, always/unless-stopped -> {any}, on-failure[:N] -> {on-failure, MaxAttempts N (0
 * too)}. The engine fills what is left out (see engine-defaults.ts).
 */
export function restartPolicy(
  service: string,
  restart: string | undefined,
  policy: DeployConfig['restart_policy'],
): RestartPolicy | undefined {
  if (policy) {
    const out: RestartPolicy = {};
    if (policy.condition) out.Condition = policy.condition;
    const delay = nanos(policy.delay);
    if (delay !== undefined) out.Delay = delay;
    if (policy.max_attempts !== undefined) out.MaxAttempts = policy.max_attempts;
    const window = nanos(policy.window);
    if (window !== undefined) out.Window = window;
    return out;
  }
  if (!restart) return undefined;
  const colon = restart.indexOf(':');
  const name = colon < 0 ? restart : restart.slice(0, colon);
  const count = colon < 0 ? '' : restart.slice(colon + 1);
  if (colon >= 0 && name === '')
    throw serviceError(service, 'invalid restart policy format: no policy provided before colon', 'restart');
  let attempts = 0;
  if (count !== '') {
    if (!/^[+-]?\d+$/.test(count))
      throw serviceError(
        service,
        'invalid restart policy format: maximum retry count must be an integer',
        'restart',
      );
    attempts = Number(count);
  }
  if (attempts < 0)
    throw serviceError(service, 'invalid restart policy: maximum retry count cannot be negative', 'restart');
  switch (name) {
    case 'no':
      return undefined;
    case 'always':
    case 'unless-stopped':
      return { Condition: 'any' };
    case 'on-failure':
      return { Condition: 'on-failure', MaxAttempts: attempts };
    default:
      throw serviceError(service, `invalid restart policy ${JSON.stringify(name)}`, 'restart');
  }
}

/** Parallelism defaults to 1 here, in the CLI; the engine fills the rest. */
export function updateConfig(u: ComposeUpdate | undefined): UpdateConfig | undefined {
  if (!u) return undefined;
  const delay = nanos(u.delay);
  const monitor = nanos(u.monitor);
  return compact<UpdateConfig>({
    Parallelism: u.parallelism ?? 1,
    Delay: delay || undefined,
    FailureAction: u.failure_action || undefined,
    Monitor: monitor || undefined,
    MaxFailureRatio: u.max_failure_ratio ?? 0,
    Order: u.order ?? '',
  });
}

export function placement(p: DeployConfig['placement']): Placement {
  const out: Placement = {};
  if (p?.constraints?.length) out.Constraints = p.constraints;
  if (p?.preferences?.length)
    out.Preferences = p.preferences.map((x) => ({ Spread: { SpreadDescriptor: x.spread ?? '' } }));
  if (p?.max_replicas_per_node) out.MaxReplicas = p.max_replicas_per_node;
  return out;
}

/**
 * Ports are sorted by published port with Go's sort.Slice, which is not stable: ports sharing a
 * published port (unpublished ones, tcp+udp pairs) end up in the order Go's pdqsort leaves them.
 */
export function endpointSpec(
  mode: string | undefined,
  ports: ServicePort[] | undefined,
): { Mode?: string; Ports?: PortConfig[] } {
  const out: { Mode?: string; Ports?: PortConfig[] } = {};
  if (mode) out.Mode = mode.toLowerCase();
  if (ports?.length) {
    const list = ports.map((p): PortConfig => {
      const c: PortConfig = {};
      if (p.protocol) c.Protocol = p.protocol;
      if (p.target) c.TargetPort = p.target;
      if (p.published) c.PublishedPort = p.published;
      if (p.mode) c.PublishMode = p.mode;
      return c;
    });
    out.Ports = sortSliceGo(list, (a, b) => (a.PublishedPort ?? 0) < (b.PublishedPort ?? 0));
  }
  return out;
}
