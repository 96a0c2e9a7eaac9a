import { posix } from 'node:path';
import { formatGoDuration, parseGoDuration } from './go-duration.js';
import type { Lookup } from './interpolate.js';
import { parsePortSpec } from './ports.js';
import { shlexSplit } from './shlex.js';
import type {
  ComposeConfig,
  DeployConfig,
  FileObjectConfig,
  FileReference,
  HealthCheck,
  NetworkConfig,
  Resource,
  ServiceConfig,
  ServicePort,
  ServiceVolume,
  UpdateConfig,
  VolumeConfig,
} from './types.js';
import { ramInBytes } from './units.js';
import { parseVolumeSpec } from './volume-spec.js';
import type { YamlMap, YamlPath, YamlValue } from './yaml.js';

/** A loader failure after validation; `path` locates it in the file. */
export class LoadError extends Error {
  constructor(
    message: string,
    readonly path: YamlPath,
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

export interface NormalizeContext {
  /** Directory relative paths (bind sources, config/secret files) resolve against. */
  workingDir: string;
  lookup: Lookup;
  version: string;
}

// Turns one interpolated, schema-valid compose file into docker/cli's loaded model, with the
// same conversions docker applies (short syntaxes expanded, durations normalised, lists of
// `k=v` turned into maps, relative paths made absolute, zero values dropped).

const isMap = (v: YamlValue | undefined): v is YamlMap =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Go's fmt.Sprint for the scalars YAML can produce. */
export function goString(v: YamlValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
    const s = v.toExponential();
    const [m, e = '0'] = s.split('e');
    const exp = Number(e);
    if (exp < -4 || exp >= 21) return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    return String(v);
  }
  if (v === null) return '<nil>';
  return JSON.stringify(v);
}

const str = (v: YamlValue | undefined): string | undefined =>
  v === undefined || v === null ? undefined : goString(v) || undefined;

function strList(v: YamlValue | undefined): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v.map(goString) : [goString(v)];
  return list.length > 0 ? list : undefined;
}

function duration(v: YamlValue | undefined, path: YamlPath): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new LoadError(`invalid type ${typeof v} for duration`, path);
  const ns = parseGoDuration(v);
  if (ns === undefined) throw new LoadError(`time: invalid duration ${JSON.stringify(v)}`, path);
  return formatGoDuration(ns);
}

/** A non-pointer Go duration: zero is the same as absent. */
function durationNonZero(v: YamlValue | undefined, path: YamlPath): string | undefined {
  const d = duration(v, path);
  return d === '0s' ? undefined : d;
}

/** `list_or_dict` fields: `["k=v", "k"]` or `{k: v}`; bare keys become null (withNil) or "". */
function mapping(
  v: YamlValue | undefined,
  sep: string,
  withNil: boolean,
): Record<string, string | null> | undefined {
  if (v === undefined || v === null) return undefined;
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = goString(item);
      const i = s.indexOf(sep);
      if (i < 0) out[s] = withNil ? null : '';
      else out[s.slice(0, i)] = s.slice(i + sep.length);
    }
  } else if (isMap(v)) {
    for (const [k, val] of Object.entries(v)) out[k] = val === null ? (withNil ? null : '') : goString(val);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function stringMap(v: YamlValue | undefined): Record<string, string> | undefined {
  return mapping(v, '=', false) as Record<string, string> | undefined;
}

/** extra_hosts: docker keeps them as a list of "host:ip"; a map is flattened and sorted. */
function hostsList(v: YamlValue | undefined): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.length > 0 ? v.map(goString) : undefined;
  if (isMap(v)) {
    const list = Object.entries(v)
      .filter(([, val]) => val !== null)
      .map(([k, val]) => `${k}:${goString(val)}`)
      .sort();
    return list.length > 0 ? list : undefined;
  }
  return undefined;
}

function shellCommand(v: YamlValue | undefined, path: YamlPath): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    try {
      const words = shlexSplit(v);
      return words.length > 0 ? words : undefined;
    } catch (err) {
      throw new LoadError((err as Error).message, path);
    }
  }
  const list = Array.isArray(v) ? v.map(goString) : [];
  return list.length > 0 ? list : undefined;
}

function uint(v: YamlValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function prune<T extends object>(o: T): T | undefined {
  const entries = Object.entries(o).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}

function extras(raw: YamlMap): Record<string, YamlValue> {
  return Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith('x-')));
}

function ports(v: YamlValue | undefined, path: YamlPath): ServicePort[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: ServicePort[] = [];
  v.forEach((entry, i) => {
    if (typeof entry === 'number' || typeof entry === 'string') {
      try {
        out.push(...parsePortSpec(String(entry)));
      } catch (err) {
        throw new LoadError((err as Error).message, [...path, i]);
      }
    } else if (isMap(entry)) {
      const p = prune<ServicePort>({
        mode: str(entry.mode),
        target: uint(entry.target) || undefined,
        published: uint(entry.published) || undefined,
        protocol: str(entry.protocol),
      });
      out.push(p ?? {});
    }
  });
  return out.length > 0 ? out : undefined;
}

function serviceVolumes(
  v: YamlValue | undefined,
  path: YamlPath,
  ctx: NormalizeContext,
): ServiceVolume[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v.map((entry, i) => {
    let vol: ServiceVolume;
    if (typeof entry === 'string') {
      try {
        vol = parseVolumeSpec(entry);
      } catch (err) {
        throw new LoadError((err as Error).message, [...path, i]);
      }
    } else {
      const e = isMap(entry) ? entry : {};
      const bind = isMap(e.bind) ? prune({ propagation: str(e.bind.propagation) }) : undefined;
      const volume = isMap(e.volume) ? prune({ nocopy: e.volume.nocopy === true || undefined }) : undefined;
      const tmpfs = isMap(e.tmpfs) ? prune({ size: uint(e.tmpfs.size) || undefined }) : undefined;
      vol =
        prune<ServiceVolume>({
          type: str(e.type),
          source: str(e.source),
          target: str(e.target),
          read_only: e.read_only === true || undefined,
          consistency: str(e.consistency),
          bind: isMap(e.bind) ? (bind ?? {}) : undefined,
          volume: isMap(e.volume) ? (volume ?? {}) : undefined,
          tmpfs: isMap(e.tmpfs) ? (tmpfs ?? {}) : undefined,
        }) ?? {};
    }
    if (vol.type === 'bind') {
      if (!vol.source)
        throw new LoadError('invalid mount config for type "bind": field Source must not be empty', [
          ...path,
          i,
        ]);
      let src = vol.source;
      if (src.startsWith('~')) {
        const home = ctx.lookup('HOME');
        if (home !== undefined) src = src.replace('~', home);
      }
      if (!src.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(src) && !src.startsWith('\\\\')) {
        src = posix.join(ctx.workingDir, src);
      }
      vol.source = src;
    }
    return vol;
  });
  return out.length > 0 ? out : undefined;
}

function fileRefs(v: YamlValue | undefined): FileReference[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v.map((entry) => {
    if (typeof entry === 'string') return { source: entry };
    const e = isMap(entry) ? entry : {};
    return (
      prune<FileReference>({
        source: str(e.source),
        target: str(e.target),
        uid: str(e.uid),
        gid: str(e.gid),
        mode: uint(e.mode),
      }) ?? {}
    );
  });
  return out.length > 0 ? out : undefined;
}

function healthcheck(v: YamlValue | undefined, path: YamlPath): HealthCheck | undefined {
  if (!isMap(v)) return undefined;
  const test =
    typeof v.test === 'string'
      ? ['CMD-SHELL', v.test]
      : Array.isArray(v.test)
        ? v.test.map(goString)
        : undefined;
  return (
    prune<HealthCheck>({
      test: test && test.length > 0 ? test : undefined,
      timeout: duration(v.timeout, [...path, 'timeout']),
      interval: duration(v.interval, [...path, 'interval']),
      retries: uint(v.retries),
      start_period: duration(v.start_period, [...path, 'start_period']),
      start_interval: duration(v.start_interval, [...path, 'start_interval']),
      disable: v.disable === true || undefined,
    }) ?? {}
  );
}

function updateConfig(v: YamlValue | undefined, path: YamlPath): UpdateConfig | undefined {
  if (!isMap(v)) return undefined;
  return (
    prune<UpdateConfig>({
      parallelism: uint(v.parallelism),
      delay: durationNonZero(v.delay, [...path, 'delay']),
      failure_action: str(v.failure_action),
      monitor: durationNonZero(v.monitor, [...path, 'monitor']),
      max_failure_ratio:
        typeof v.max_failure_ratio === 'number' && v.max_failure_ratio !== 0
          ? v.max_failure_ratio
          : undefined,
      order: str(v.order),
    }) ?? {}
  );
}

function resource(v: YamlValue | undefined, path: YamlPath, limits: boolean): Resource | undefined {
  if (!isMap(v)) return undefined;
  let memory: string | undefined;
  if (v.memory !== undefined && v.memory !== null) {
    const bytes = typeof v.memory === 'number' ? v.memory : ramInBytes(String(v.memory));
    if (bytes === undefined)
      throw new LoadError(`invalid size: '${goString(v.memory)}'`, [...path, 'memory']);
    memory = bytes === 0 ? undefined : String(bytes);
  }
  const generic = Array.isArray(v.generic_resources)
    ? v.generic_resources.map((g) => {
        const d = isMap(g) && isMap(g.discrete_resource_spec) ? g.discrete_resource_spec : undefined;
        return d
          ? { discrete_resource_spec: { kind: goString(d.kind ?? ''), value: uint(d.value) ?? 0 } }
          : ({} as Record<string, never>);
      })
    : undefined;
  return (
    prune<Resource>({
      cpus: str(v.cpus),
      memory,
      pids: limits ? uint(v.pids) || undefined : undefined,
      generic_resources: limits ? undefined : generic && generic.length > 0 ? generic : undefined,
    }) ?? {}
  );
}

function deploy(v: YamlValue | undefined, path: YamlPath): DeployConfig | undefined {
  if (!isMap(v)) return undefined;
  const rp = isMap(v.restart_policy) ? v.restart_policy : undefined;
  const pl = isMap(v.placement) ? v.placement : undefined;
  const res = isMap(v.resources) ? v.resources : undefined;
  const resources = res
    ? prune({
        limits: resource(res.limits, [...path, 'resources', 'limits'], true),
        reservations: resource(res.reservations, [...path, 'resources', 'reservations'], false),
      })
    : undefined;
  const placement = pl
    ? prune({
        constraints: strList(pl.constraints),
        preferences: Array.isArray(pl.preferences)
          ? pl.preferences.map((p) => prune({ spread: isMap(p) ? str(p.spread) : undefined }) ?? {})
          : undefined,
        max_replicas_per_node: uint(pl.max_replicas_per_node) || undefined,
      })
    : undefined;
  return prune<DeployConfig>({
    mode: str(v.mode),
    replicas: uint(v.replicas),
    labels: stringMap(v.labels),
    update_config: updateConfig(v.update_config, [...path, 'update_config']),
    rollback_config: updateConfig(v.rollback_config, [...path, 'rollback_config']),
    resources,
    restart_policy: rp
      ? (prune({
          condition: str(rp.condition),
          delay: duration(rp.delay, [...path, 'restart_policy', 'delay']),
          max_attempts: uint(rp.max_attempts),
          window: duration(rp.window, [...path, 'restart_policy', 'window']),
        }) ?? {})
      : undefined,
    placement,
    endpoint_mode: str(v.endpoint_mode),
  });
}

function ulimits(v: YamlValue | undefined): ServiceConfig['ulimits'] {
  if (!isMap(v)) return undefined;
  const out: NonNullable<ServiceConfig['ulimits']> = {};
  for (const [k, u] of Object.entries(v)) {
    if (typeof u === 'number') out[k] = u;
    else if (isMap(u))
      out[k] = prune({ soft: uint(u.soft) || undefined, hard: uint(u.hard) || undefined }) ?? {};
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function serviceNetworks(v: YamlValue | undefined): ServiceConfig['networks'] {
  if (v === undefined || v === null) return undefined;
  const out: NonNullable<ServiceConfig['networks']> = {};
  if (Array.isArray(v)) for (const n of v) out[goString(n)] = null;
  else if (isMap(v)) {
    for (const [k, n] of Object.entries(v)) {
      out[k] = isMap(n)
        ? (prune({
            aliases: strList(n.aliases),
            ipv4_address: str(n.ipv4_address),
            ipv6_address: str(n.ipv6_address),
          }) ?? {})
        : null;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function normalizeService(raw: YamlMap, path: YamlPath, ctx: NormalizeContext): ServiceConfig {
  const at = (k: string): YamlPath => [...path, k];
  const flag = (k: string) => (raw[k] === true ? true : undefined);
  const logging = isMap(raw.logging)
    ? (prune({ driver: str(raw.logging.driver), options: stringMap(raw.logging.options) }) ?? {})
    : undefined;
  const environment = mapping(raw.environment, '=', true);
  if (environment) {
    // A bare `KEY` (no value) takes the value from the interpolation environment, like docker.
    for (const [k, val] of Object.entries(environment)) {
      if (val === null || val === '') {
        const fromEnv = ctx.lookup(k);
        if (fromEnv !== undefined) environment[k] = fromEnv;
      }
    }
  }
  const build =
    typeof raw.build === 'string' ? { context: raw.build } : isMap(raw.build) ? raw.build : undefined;
  const cred = isMap(raw.credential_spec)
    ? prune({
        config: str(raw.credential_spec.config),
        file: str(raw.credential_spec.file),
        registry: str(raw.credential_spec.registry),
      })
    : undefined;
  const svc = prune<ServiceConfig>({
    build: build as Record<string, unknown> | undefined,
    cap_add: strList(raw.cap_add),
    cap_drop: strList(raw.cap_drop),
    cgroupns_mode: str(raw.cgroupns_mode),
    cgroup_parent: str(raw.cgroup_parent),
    command: shellCommand(raw.command, at('command')),
    configs: fileRefs(raw.configs),
    container_name: str(raw.container_name),
    credential_spec: cred,
    depends_on: strList(raw.depends_on),
    deploy: deploy(raw.deploy, at('deploy')),
    devices: strList(raw.devices),
    dns: strList(raw.dns),
    dns_search: strList(raw.dns_search),
    domainname: str(raw.domainname),
    entrypoint: shellCommand(raw.entrypoint, at('entrypoint')),
    environment,
    env_file: strList(raw.env_file),
    expose: strList(raw.expose),
    external_links: strList(raw.external_links),
    extra_hosts: hostsList(raw.extra_hosts),
    hostname: str(raw.hostname),
    healthcheck: healthcheck(raw.healthcheck, at('healthcheck')),
    image: str(raw.image),
    init: typeof raw.init === 'boolean' ? raw.init : undefined,
    ipc: str(raw.ipc),
    isolation: str(raw.isolation),
    labels: stringMap(raw.labels),
    links: strList(raw.links),
    logging,
    mac_address: str(raw.mac_address),
    network_mode: str(raw.network_mode),
    networks: serviceNetworks(raw.networks),
    pid: str(raw.pid),
    ports: ports(raw.ports, at('ports')),
    privileged: flag('privileged'),
    read_only: flag('read_only'),
    restart: str(raw.restart),
    secrets: fileRefs(raw.secrets),
    security_opt: strList(raw.security_opt),
    shm_size: str(raw.shm_size),
    stdin_open: flag('stdin_open'),
    stop_grace_period: duration(raw.stop_grace_period, at('stop_grace_period')),
    stop_signal: str(raw.stop_signal),
    sysctls: stringMap(raw.sysctls),
    tmpfs: strList(raw.tmpfs),
    tty: flag('tty'),
    ulimits: ulimits(raw.ulimits),
    user: str(raw.user),
    userns_mode: str(raw.userns_mode),
    volumes: serviceVolumes(raw.volumes, at('volumes'), ctx),
    working_dir: str(raw.working_dir),
  });
  return { ...(svc ?? {}), ...extras(raw) } as ServiceConfig;
}

function externalOf(v: YamlValue | undefined): { external: boolean; name?: string } {
  if (v === true) return { external: true };
  if (isMap(v)) return { external: true, ...(str(v.name) ? { name: str(v.name) as string } : {}) };
  return { external: false };
}

function topNetwork(key: string, raw: YamlValue, path: YamlPath, version: string): NetworkConfig {
  const n = isMap(raw) ? raw : {};
  const ext = externalOf(n.external);
  let name = str(n.name);
  if (ext.external) {
    if (ext.name) {
      if (name)
        throw new LoadError(
          `network ${key}: network.external.name and network.name conflict; only use network.name`,
          path,
        );
      name = ext.name;
    } else if (!name) name = key;
  }
  void version;
  const ipam = isMap(n.ipam)
    ? prune({
        driver: str(n.ipam.driver),
        config: Array.isArray(n.ipam.config)
          ? n.ipam.config.map((c) => prune({ subnet: isMap(c) ? str(c.subnet) : undefined }) ?? {})
          : undefined,
      })
    : undefined;
  return {
    ...prune<NetworkConfig>({
      name,
      driver: str(n.driver),
      driver_opts: stringMap(n.driver_opts),
      ipam,
      external: ext.external || undefined,
      internal: n.internal === true || undefined,
      attachable: n.attachable === true || undefined,
      labels: stringMap(n.labels),
    }),
    ...(ext.external ? extras(n) : {}),
  } as NetworkConfig;
}

function topVolume(key: string, raw: YamlValue, path: YamlPath): VolumeConfig {
  const v = isMap(raw) ? raw : {};
  const ext = externalOf(v.external);
  let name = str(v.name);
  if (ext.external) {
    for (const conflict of ['driver', 'driver_opts', 'labels'] as const) {
      const present = conflict === 'driver' ? str(v.driver) : (stringMap(v[conflict]) ?? undefined);
      if (present)
        throw new LoadError(
          `conflicting parameters "external" and "${conflict}" specified for volume "${key}"`,
          path,
        );
    }
    if (ext.name) {
      if (name)
        throw new LoadError(
          `volume ${key}: volume.external.name and volume.name conflict; only use volume.name`,
          path,
        );
      name = ext.name;
    } else if (!name) name = key;
  }
  return {
    ...prune<VolumeConfig>({
      name,
      driver: str(v.driver),
      driver_opts: stringMap(v.driver_opts),
      external: ext.external || undefined,
      labels: stringMap(v.labels),
    }),
    ...(ext.external ? extras(v) : {}),
  } as VolumeConfig;
}

function topFileObject(
  kind: 'secret' | 'config',
  key: string,
  raw: YamlValue,
  path: YamlPath,
  ctx: NormalizeContext,
): FileObjectConfig {
  const v = isMap(raw) ? raw : {};
  const ext = externalOf(v.external);
  let name = str(v.name);
  let file = str(v.file);
  const driver = str(v.driver);
  if (ext.external) {
    if (ext.name) {
      if (name)
        throw new LoadError(
          `${kind} ${key}: ${kind}.external.name and ${kind}.name conflict; only use ${kind}.name`,
          path,
        );
      name = ext.name;
    } else if (!name) name = key;
  } else if (driver) {
    if (file)
      throw new LoadError(
        `${kind} ${key}: ${kind}.driver and ${kind}.file conflict; only use ${kind}.driver`,
        path,
      );
  } else {
    file = posix.isAbsolute(file ?? '') ? file : posix.join(ctx.workingDir, file ?? '');
  }
  return {
    ...prune<FileObjectConfig>({
      name,
      file,
      external: ext.external || undefined,
      labels: stringMap(v.labels),
    }),
    ...extras(v),
    ...prune({ driver, driver_opts: stringMap(v.driver_opts), template_driver: str(v.template_driver) }),
  } as FileObjectConfig;
}

export function normalizeConfig(raw: YamlMap, ctx: NormalizeContext): ComposeConfig {
  const section = (k: string): YamlMap => (isMap(raw[k]) ? (raw[k] as YamlMap) : {});
  const services: Record<string, ServiceConfig> = {};
  for (const [name, s] of Object.entries(section('services'))) {
    services[name] = normalizeService(isMap(s) ? s : {}, ['services', name], ctx);
  }
  const each = <T>(
    k: string,
    fn: (key: string, v: YamlValue, path: YamlPath) => T,
  ): Record<string, T> | undefined => {
    const entries = Object.entries(section(k));
    return entries.length > 0
      ? Object.fromEntries(entries.map(([n, v]) => [n, fn(n, v, [k, n])]))
      : undefined;
  };
  const cfg: ComposeConfig = { version: ctx.version, services };
  const networks = each('networks', (n, v, p) => topNetwork(n, v, p, ctx.version));
  const volumes = each('volumes', (n, v, p) => topVolume(n, v, p));
  const secrets = each('secrets', (n, v, p) => topFileObject('secret', n, v, p, ctx));
  const configs = each('configs', (n, v, p) => topFileObject('config', n, v, p, ctx));
  if (networks) cfg.networks = networks;
  if (volumes) cfg.volumes = volumes;
  if (secrets) cfg.secrets = secrets;
  if (configs) cfg.configs = configs;
  return Object.assign(cfg, extras(raw));
}
