import { stringify } from 'yaml';
import type { ComposeConfig } from './types.js';

// Prints a loaded config the way `docker stack config` does: struct fields in docker's
// declaration order, plain maps (labels, environment, services, ...) sorted by key.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const ORDER: Record<string, string[]> = {
  top: ['version', 'services', 'networks', 'volumes', 'secrets', 'configs'],
  service: [
    'build',
    'cap_add',
    'cap_drop',
    'cgroupns_mode',
    'cgroup_parent',
    'command',
    'configs',
    'container_name',
    'credential_spec',
    'depends_on',
    'deploy',
    'devices',
    'dns',
    'dns_search',
    'domainname',
    'entrypoint',
    'environment',
    'env_file',
    'expose',
    'external_links',
    'extra_hosts',
    'hostname',
    'healthcheck',
    'image',
    'init',
    'ipc',
    'isolation',
    'labels',
    'links',
    'logging',
    'mac_address',
    'network_mode',
    'networks',
    'pid',
    'ports',
    'privileged',
    'read_only',
    'restart',
    'secrets',
    'security_opt',
    'shm_size',
    'stdin_open',
    'stop_grace_period',
    'stop_signal',
    'sysctls',
    'tmpfs',
    'tty',
    'ulimits',
    'user',
    'userns_mode',
    'volumes',
    'working_dir',
  ],
  deploy: [
    'mode',
    'replicas',
    'labels',
    'update_config',
    'rollback_config',
    'resources',
    'restart_policy',
    'placement',
    'endpoint_mode',
  ],
  update: ['parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order'],
  resources: ['limits', 'reservations'],
  resource: ['cpus', 'memory', 'pids', 'generic_resources'],
  restart: ['condition', 'delay', 'max_attempts', 'window'],
  placement: ['constraints', 'preferences', 'max_replicas_per_node'],
  healthcheck: ['test', 'timeout', 'interval', 'retries', 'start_period', 'start_interval', 'disable'],
  port: ['mode', 'target', 'published', 'protocol'],
  volume: ['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs'],
  fileref: ['source', 'target', 'uid', 'gid', 'mode'],
  network: ['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'attachable', 'labels'],
  topvolume: ['name', 'driver', 'driver_opts', 'external', 'labels'],
  fileobj: ['name', 'file', 'external', 'labels', 'driver', 'driver_opts', 'template_driver'],
  logging: ['driver', 'options'],
  svcnet: ['aliases', 'ipv4_address', 'ipv6_address'],
};

function ordered(o: Obj, order: string[]): Obj {
  const out: Obj = {};
  for (const k of order) if (k in o) out[k] = o[k];
  for (const k of Object.keys(o).sort()) if (!(k in out)) out[k] = o[k];
  return out;
}

function sorted(o: Obj, each?: (v: unknown) => unknown): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o).sort()) out[k] = each ? each(o[k]) : o[k];
  return out;
}

const asObj = (v: unknown): Obj => (isObj(v) ? v : {});

function service(s: Obj): Obj {
  const o: Obj = { ...s };
  if (isObj(o.deploy)) {
    const d: Obj = { ...o.deploy };
    for (const k of ['update_config', 'rollback_config'])
      if (isObj(d[k])) d[k] = ordered(asObj(d[k]), ORDER.update ?? []);
    if (isObj(d.resources)) {
      const r = asObj(d.resources);
      d.resources = ordered(
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, ordered(asObj(v), ORDER.resource ?? [])])),
        ORDER.resources ?? [],
      );
    }
    if (isObj(d.restart_policy)) d.restart_policy = ordered(asObj(d.restart_policy), ORDER.restart ?? []);
    if (isObj(d.placement)) d.placement = ordered(asObj(d.placement), ORDER.placement ?? []);
    if (isObj(d.labels)) d.labels = sorted(d.labels);
    o.deploy = ordered(d, ORDER.deploy ?? []);
  }
  if (isObj(o.healthcheck)) o.healthcheck = ordered(o.healthcheck, ORDER.healthcheck ?? []);
  if (Array.isArray(o.ports)) o.ports = o.ports.map((p) => ordered(asObj(p), ORDER.port ?? []));
  if (Array.isArray(o.volumes)) o.volumes = o.volumes.map((v) => ordered(asObj(v), ORDER.volume ?? []));
  for (const k of ['configs', 'secrets']) {
    if (Array.isArray(o[k])) o[k] = (o[k] as unknown[]).map((r) => ordered(asObj(r), ORDER.fileref ?? []));
  }
  for (const k of ['environment', 'labels', 'sysctls', 'ulimits'])
    if (isObj(o[k])) o[k] = sorted(o[k] as Obj);
  if (isObj(o.logging)) {
    const l = { ...o.logging };
    if (isObj(l.options)) l.options = sorted(l.options);
    o.logging = ordered(l, ORDER.logging ?? []);
  }
  if (isObj(o.networks))
    o.networks = sorted(o.networks, (n) => (isObj(n) ? ordered(n, ORDER.svcnet ?? []) : n));
  return ordered(o, ORDER.service ?? []);
}

/** The canonical, display-ordered form of a loaded config (also what --machine prints). */
export function canonicalCompose(config: ComposeConfig): Obj {
  const c = config as unknown as Obj;
  const out: Obj = { ...c };
  out.services = sorted(asObj(c.services), (s) => service(asObj(s)));
  const section = (k: string, order: string[]) => {
    if (isObj(c[k])) out[k] = sorted(asObj(c[k]), (v) => ordered(asObj(v), order));
  };
  section('networks', ORDER.network ?? []);
  section('volumes', ORDER.topvolume ?? []);
  section('secrets', ORDER.fileobj ?? []);
  section('configs', ORDER.fileobj ?? []);
  return ordered(out, ORDER.top ?? []);
}

export function renderComposeYaml(config: ComposeConfig): string {
  return stringify(canonicalCompose(config), {
    version: '1.1',
    indentSeq: true,
    lineWidth: 0,
    nullStr: 'null',
  });
}
